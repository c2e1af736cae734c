"""The jinja environment: autoescaped, strict, with the user's folder searched first.

A user's folder shadows bundled templates of the same name. The bundled ones stay
reachable under the ``auditor/`` prefix, so a user's ``report.html.j2`` can
``{% extends "auditor/report.html.j2" %}`` and override a single block.
"""

from __future__ import annotations

from functools import lru_cache
from os import PathLike
from pathlib import Path

import jinja2

__all__ = ["default_template_dir", "environment", "BUNDLED_PREFIX"]

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
    env = jinja2.Environment(
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
