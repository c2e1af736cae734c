"""Figures as data URIs, so a report is one self-contained file."""

from __future__ import annotations

import base64
import io
import re
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
    data = buf.getvalue()
    if fmt == "svg":
        data = _renumber_ids(data)
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


#: matplotlib's SVG ids: a letter and ten hex digits of a hash of the clip box or marker.
_SVG_ID = re.compile(rb'id="([a-z])([0-9a-f]{10})"')


def _renumber_ids(svg: bytes) -> bytes:
    """Name the SVG's clip paths and markers by their order in the file.

    matplotlib names a clip box by a hash of its coordinates at full precision,
    and constrained layout can place an axes a few 1e-13 points differently
    when the same figure is drawn again later in a process: the printed
    coordinates agree, the ids did not (a notebook's report and its re-render
    from the JSON differed in nothing else). Ids are local to each image, so
    order-based names cannot collide.
    """
    names: dict[bytes, bytes] = {}
    for m in _SVG_ID.finditer(svg):
        old = m.group(1) + m.group(2)
        names.setdefault(old, m.group(1) + str(len(names)).encode())
    if not names:
        return svg
    pattern = re.compile(rb"(?<![0-9A-Za-z])(" + b"|".join(re.escape(k) for k in names) + rb")(?![0-9A-Za-z])")
    return pattern.sub(lambda m: names[m.group(1)], svg)


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
