"""HTML rendering of a result: the full report and the notebook display."""

from __future__ import annotations

from os import PathLike

from auditor.render._env import render_template
from auditor.render.viewmodel import build_view
from auditor.results import AuditResult

__all__ = ["render_html", "render_notebook_html"]


def render_html(result: AuditResult, *, template_dir: str | PathLike[str] | None = None) -> str:
    """Render the self-contained HTML report of ``result``.

    Parameters
    ----------
    result : AuditResult
    template_dir : path, optional
        A folder searched before the bundled templates, to restyle the report or
        replace any of its templates (e.g. ``report.html.j2``, ``styles/report.css``).

    Returns
    -------
    str
        One HTML document with inline CSS and figures; it loads nothing and needs
        no JavaScript.

    Raises
    ------
    UnsafeTemplateError
        If a template reaches for Python internals (templates render sandboxed).
    ExternalURLError
        If a template or stylesheet references anything but ``data:`` URIs and
        in-page anchors; the error names the user's file that holds the URL.
    """
    return render_template("report.html.j2", {**build_view(result), "mode": "document"}, template_dir=template_dir)


def render_notebook_html(result: AuditResult, *, template_dir: str | PathLike[str] | None = None) -> str:
    """Render the report as an HTML fragment with scoped styles, for Jupyter.

    Sandboxed and offline like :func:`render_html`.
    """
    return render_template("notebook.html.j2", {**build_view(result), "mode": "notebook"}, template_dir=template_dir)
