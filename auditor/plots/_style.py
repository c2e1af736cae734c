"""Shared look of every figure: a colour-blind-safe palette and axes without pyplot.

Figures are built on ``matplotlib.figure.Figure`` directly, never through pyplot,
so plotting leaves no global state behind and works under any backend.
"""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.style
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["PALETTE", "STATUS_COLOURS", "STATUS_MARKERS", "STATUS_GLYPHS", "new_axes", "style"]

#: Okabe & Ito (2008): distinguishable under the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

#: Four Okabe-Ito colours, one per status, so FAIL and INCONCLUSIVE never share one.
STATUS_COLOURS = {"PASS": "#009E73", "WARN": "#E69F00", "INCONCLUSIVE": "#0072B2", "FAIL": "#D55E00"}
#: A marker and a glyph per status, so a figure reads in greyscale too.
STATUS_MARKERS = {"PASS": "o", "WARN": "s", "INCONCLUSIVE": "D", "FAIL": "X"}
STATUS_GLYPHS = {"PASS": "✓", "WARN": "!", "INCONCLUSIVE": "?", "FAIL": "✗"}

_RC = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "figure.dpi": 100,
    "svg.fonttype": "none",
    # labels are the user's text: never hand them to LaTeX (see _text.py)
    "text.usetex": False,
    # fixed ids make the SVG, and so the report, byte-for-byte reproducible
    "svg.hashsalt": "auditor",
}


@contextmanager
def style():
    """The report's look, from matplotlib's defaults: a user's rcParams (a notebook's
    inline backend, a style sheet) never reach a figure, so the same result draws
    the same figure anywhere."""
    with mpl.rc_context():
        mpl.style.use("default")
        mpl.rcParams.update(_RC)
        yield


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (5.6, 3.6)) -> Axes:
    """Return ``ax``, or the axes of a new pyplot-free figure."""
    if ax is not None:
        return ax
    with style():
        fig = Figure(figsize=figsize, layout="constrained")
        return fig.add_subplot()
