"""The jinja environment: sandboxed, autoescaped, strict, with the user's folder
searched first.

A user's folder shadows bundled templates of the same name. The bundled ones stay
reachable under the ``auditor/`` prefix, so a user's ``report.html.j2`` can
``{% extends "auditor/report.html.j2" %}`` and override a single block.

Every template, bundled or not, renders in Jinja's ``SandboxedEnvironment``: a
template folder is something a user may have been sent, and a plain environment
lets ``{{ cycler.__init__.__globals__ }}`` reach Python's ``os`` module. The
sandbox refuses attributes that start with an underscore and other internals;
:func:`render_template` turns that refusal into :class:`UnsafeTemplateError`
naming the template file, and checks the output against the one fetch rule of
:mod:`auditor.render._offline`.
"""

from __future__ import annotations

import traceback
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from auditor.errors import AuditInputError
from auditor.render._offline import check_offline

__all__ = ["default_template_dir", "environment", "render_template", "UnsafeTemplateError", "BUNDLED_PREFIX"]

#: Bundled templates are also reachable as ``auditor/<name>``, e.g. for ``{% extends %}``.
BUNDLED_PREFIX = "auditor"


def default_template_dir() -> Path:
    """The bundled templates: inside the installed package, or the repository's
    top-level ``templates/`` in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "report.html.j2").is_file():
            return candidate
    raise FileNotFoundError(
        f"Expected the report templates in {package / 'templates'} (installed) or "
        f"{package.parent / 'templates'} (source checkout). Found neither; reinstall auditor."
    )


@lru_cache(maxsize=8)
def _environment(template_dir: str | None) -> jinja2.Environment:
    bundled = str(default_template_dir())
    folders = [bundled]
    if template_dir is not None:
        folder = Path(template_dir)
        if not folder.is_dir():
            raise FileNotFoundError(f"Expected template_dir {str(folder)!r} to be a folder. It is not.")
        folders.insert(0, str(folder))
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(folders),
                jinja2.PrefixLoader({BUNDLED_PREFIX: jinja2.FileSystemLoader(bundled)}),
            ]
        ),
        # every template renders HTML that carries user data (column names, group
        # labels): escape everything, whatever the file is called
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def environment(template_dir: str | PathLike[str] | None = None) -> jinja2.Environment:
    """The environment for ``template_dir`` (searched before the bundled templates)."""
    return _environment(None if template_dir is None else str(Path(template_dir).resolve()))


class UnsafeTemplateError(AuditInputError):
    """A template tried something the sandbox refuses (Python internals, unsafe calls)."""


def render_template(
    name: str, context: dict[str, Any], *, template_dir: str | PathLike[str] | None = None, what: str = "report"
) -> str:
    """Render the template ``name`` with ``context``, sandboxed and offline.

    Parameters
    ----------
    name : str
        The template, looked up in ``template_dir`` first, then the bundled ones.
    context : dict
        The variables the template sees.
    template_dir : path, optional
        The user's template folder.
    what : str, default="report"
        How errors name the document.

    Raises
    ------
    UnsafeTemplateError
        If a template reaches for what the sandbox refuses; names the file and line.
    ExternalURLError
        If the output references anything but ``data:`` URIs and in-page anchors.
    ScriptError
        If the output would run JavaScript (a script element, an ``on*=``
        handler, a ``javascript:`` URL).
    """
    try:
        html = environment(template_dir).get_template(name).render(context)
    except jinja2.exceptions.SecurityError as exc:
        raise UnsafeTemplateError(
            f"Expected the {what} templates to use only the report's data. The template {_culprit(exc, name)} "
            f"tried something the sandbox refuses ({exc}); templates run sandboxed, with no access to Python "
            "internals (attributes starting with '_', functions' globals)."
        ) from None
    check_offline(html, template_dir=template_dir, what=what)
    return html


def _culprit(exc: BaseException, name: str) -> str:
    """The template file and line where ``exc`` was raised (Jinja maps its frames to them)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".j2", ".jinja", ".jinja2", ".html", ".htm", ".css")):
            return f"{frame.filename!r} (line {frame.lineno})"
    return repr(name)
