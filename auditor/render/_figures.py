"""Figures as data URIs, so a report is one self-contained file."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Literal

import matplotlib as mpl
import matplotlib.style
from matplotlib.axes import Axes

__all__ = ["Figure", "encode_figure", "figure_group"]


@dataclass(frozen=True)
class Figure:
    """A figure of the view model: what the template needs and nothing live."""

    id: str
    title: str
    src: str
    alt: str
    caption: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "src": self.src, "alt": self.alt, "caption": self.caption}


def encode_figure(ax: Axes, *, fmt: Literal["svg", "png"] = "svg", dpi: int = 110) -> str:
    """Encode the figure of ``ax`` as a ``data:`` URI.

    SVG (vector, crisp in the PDF) for charts with few marks; PNG for dense scatter
    plots whose SVG would be large. Metadata that changes from run to run (dates,
    software strings) is dropped so the same result renders the same bytes.
    """
    fig = ax.figure
    buf = io.BytesIO()
    # ids in the SVG (clip paths, embedded images) are salted from this rcParam at
    # save time: fixing it makes the same result render the same bytes
    with mpl.rc_context():
        # saving reads rcParams too (savefig.*, svg.*): from the defaults, not the user's
        mpl.style.use("default")
        mpl.rcParams.update({"svg.hashsalt": "auditor", "svg.fonttype": "none"})
        _save(fig, buf, fmt, dpi)
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    return f"data:{mime};base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _save(fig, buf: io.BytesIO, fmt: str, dpi: int) -> None:
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    else:
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})


def figure_group(id: str, title: str, caption: str, images: list[tuple[str, str]]) -> dict:
    """Several images under one title and one caption (small multiples split
    over figures a page can hold): ``images`` is ``[(src, alt), ...]``."""
    return {
        "id": id, "title": title, "caption": caption,
        "images": [{"id": f"{id}-{i + 1}", "src": src, "alt": alt} for i, (src, alt) in enumerate(images)],
    }
