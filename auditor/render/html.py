"""HTML rendering of a result: the full report and the notebook display."""

from __future__ import annotations

from os import PathLike

from auditor.render._env import environment
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
    """
    return environment(template_dir).get_template("report.html.j2").render(build_view(result), mode="document")


def render_notebook_html(result: AuditResult, *, template_dir: str | PathLike[str] | None = None) -> str:
    """Render the report as an HTML fragment with scoped styles, for Jupyter."""
    return environment(template_dir).get_template("notebook.html.j2").render(build_view(result), mode="notebook")
