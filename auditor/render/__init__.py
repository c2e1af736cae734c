"""Views of a result: HTML report, notebook display, files on disk."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from auditor._io import OutputExistsError, atomic_write
from auditor.render._env import default_template_dir
from auditor.render.html import render_html, render_notebook_html
from auditor.render.viewmodel import build_view
from auditor.results import AuditResult

__all__ = [
    "render_html",
    "render_notebook_html",
    "build_view",
    "save_result",
    "default_template_dir",
    "OutputExistsError",
    "SUPPORTED_SUFFIXES",
]

SUPPORTED_SUFFIXES = (".json", ".html", ".htm")


def save_result(
    result: AuditResult,
    path: str | PathLike[str],
    *,
    template_dir: str | PathLike[str] | None = None,
    overwrite: bool = True,
) -> Path:
    """Write ``result`` in the format its suffix names, atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = result.to_json()
    elif suffix in (".html", ".htm"):
        data = render_html(result, template_dir=template_dir)
    else:
        raise ValueError(f"Expected a path ending in one of {SUPPORTED_SUFFIXES}. Got {str(path)!r}.")
    return atomic_write(path, data, overwrite=overwrite)
