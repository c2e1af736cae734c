"""Views of a result: HTML report, PDF, notebook display, text summary, files on disk."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from auditor._io import OutputExistsError, atomic_write
from auditor.render._env import UnsafeTemplateError, default_template_dir, environment
from auditor.render._offline import ExternalURLError, ScriptError
from auditor.render.html import render_html, render_notebook_html
from auditor.render.pdf import (
    PAGE_SIZES,
    PdfEnvironmentWarning,
    PdfRenderError,
    PdfRenderWarning,
    render_pdf,
    write_pdf,
)
from auditor.render.text import render_text
from auditor.render.viewmodel import build_view
from auditor.results import AuditResult

__all__ = [
    "render_html",
    "render_notebook_html",
    "render_pdf",
    "render_text",
    "write_pdf",
    "build_view",
    "save_result",
    "render_as",
    "default_template_dir",
    "environment",
    "OutputExistsError",
    "PdfRenderError",
    "PdfRenderWarning",
    "PdfEnvironmentWarning",
    "ExternalURLError",
    "ScriptError",
    "UnsafeTemplateError",
    "PAGE_SIZES",
    "SUPPORTED_SUFFIXES",
]

SUPPORTED_SUFFIXES = (".json", ".html", ".htm", ".pdf")


def save_result(
    result: AuditResult,
    path: str | PathLike[str],
    *,
    template_dir: str | PathLike[str] | None = None,
    page_size: str = "A4",
    overwrite: bool = True,
) -> Path:
    """Write ``result`` in the format its suffix names (.json, .html, .pdf), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValueError(f"Expected a path ending in one of {SUPPORTED_SUFFIXES}. Got {str(path)!r}.")
    if not overwrite and path.exists():
        # refuse before rendering, which can take seconds
        raise OutputExistsError(f"{str(path)!r} already exists; pass overwrite=True (or --force) to replace it.")
    return atomic_write(path, render_as(result, path, template_dir=template_dir, page_size=page_size), overwrite=overwrite)


def render_as(
    result: AuditResult,
    path: str | PathLike[str],
    *,
    template_dir: str | PathLike[str] | None = None,
    page_size: str = "A4",
) -> str | bytes:
    """The content of ``path`` in the format its suffix names, without writing it
    (so a caller writing several files can render them all before writing any)."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValueError(f"Expected a path ending in one of {SUPPORTED_SUFFIXES}. Got {str(path)!r}.")
    if suffix == ".json":
        return result.to_json()
    if suffix == ".pdf":
        return render_pdf(result, template_dir=template_dir, page_size=page_size)  # type: ignore[arg-type]
    return render_html(result, template_dir=template_dir)
