"""Small multiples: one figure of several panels that share one caption.

Per-row explanations (a waterfall, a LIME chart, LIME beside SHAP for each
explained row) read best side by side at one size, under one caption, rather
than as a column of full-width charts that repeat it. :func:`small_multiples`
lays out the panels; each panel is drawn by the chart's own ``plot_xxx(...,
ax=panel)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from auditor.plots._style import style

__all__ = ["small_multiples", "PANELS_PER_FIGURE"]

#: Panels per figure: three rows of two fit the text height of an A4 page.
PANELS_PER_FIGURE = 6


def small_multiples(
    items: Sequence,
    draw: Callable[[object, Axes], object],
    *,
    ncols: int = 2,
    panel_height: float | Callable[[object], float] = 2.4,
    width: float = 7.2,
    per_figure: int = PANELS_PER_FIGURE,
) -> list[Axes]:
    """Draw ``draw(item, ax)`` for every item into figures of at most
    ``per_figure`` panels, ``ncols`` a row; returns one Axes of each figure.

    ``panel_height`` (inches) may be a function of the item, the tallest panel
    of a figure row setting that row's height.
    """
    out: list[Axes] = []
    for start in range(0, len(items), per_figure):
        chunk = list(items[start : start + per_figure])
        cols = min(ncols, len(chunk))
        nrows = (len(chunk) + cols - 1) // cols
        heights = []
        for r in range(nrows):
            row = chunk[r * cols : (r + 1) * cols]
            heights.append(max(panel_height(i) if callable(panel_height) else panel_height for i in row))
        with style():
            fig = Figure(figsize=(width, sum(heights)), layout="constrained")
            grid = fig.add_gridspec(nrows, cols, height_ratios=heights)
            axes = []
            for k, item in enumerate(chunk):
                ax = fig.add_subplot(grid[k // cols, k % cols])
                draw(item, ax)
                axes.append(ax)
            _tidy(axes, cols)
        out.append(axes[0])
    return out


def _tidy(axes: list[Axes], cols: int) -> None:
    """Say a shared thing once: the x-axis label under the last panel of each
    column only, a legend on the first panel only when every panel has the same."""
    n = len(axes)
    for k, ax in enumerate(axes):
        if k + cols < n and ax.get_xlabel() == axes[-1].get_xlabel():
            ax.set_xlabel("")
    legends = [ax.get_legend() for ax in axes]
    if all(lg is not None for lg in legends):
        texts = {tuple(t.get_text() for t in lg.get_texts()) for lg in legends}
        if len(texts) == 1:
            for lg in legends[1:]:
                lg.remove()
