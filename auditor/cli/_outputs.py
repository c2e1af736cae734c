"""What every command that reads or writes an audit shares: the report options,
the template check, atomic writing of the outputs, reading an archived JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditor.cli._errors import UsageError

__all__ = ["add_render_options", "check_template_dir", "write_outputs", "read_result"]


def add_render_options(p: argparse.ArgumentParser) -> None:
    """Options shared by every command that writes a report."""
    p.add_argument("--template-dir", type=Path, metavar="DIR",
                   help="folder of report templates searched before the bundled ones (restyle, logo, extra blocks)")
    p.add_argument("--page-size", choices=("A4", "Letter"), default=None, help="PDF page size (default: A4)")
    p.add_argument("--force", action="store_true", help="replace output files that already exist")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary; errors still go to stderr")


def check_template_dir(template_dir: Path | None, needed: bool) -> None:
    """A custom template folder exists and its report template compiles."""
    if template_dir is None:
        return
    if not template_dir.is_dir():
        raise UsageError(f"Expected --template-dir {str(template_dir)!r} to be a folder. It is not.")
    if not needed:
        return
    import jinja2

    from auditor.render import environment

    try:
        environment(template_dir).get_template("report.html.j2")
    except jinja2.TemplateError as exc:
        where = f" ({exc.filename}:{exc.lineno})" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise UsageError(f"The templates in {str(template_dir)!r} do not compile{where}: {exc}") from None


def write_outputs(result, *, html: Path | None, pdf: Path | None, json: Path | None,
                  template_dir: Path | None, page_size: str, force: bool, say) -> list[Path]:
    """Render every requested file, then write them atomically: a template or
    stylesheet the renderer refuses leaves no output behind, not even the JSON."""
    import jinja2

    from auditor._io import OutputExistsError, atomic_write
    from auditor.errors import AuditInputError
    from auditor.render import PdfRenderError, render_as

    rendered = []
    for path in (json, html, pdf):
        if path is None:
            continue
        if path.suffix.lower() == ".pdf":
            say(f"Rendering the PDF {path} ...")
        try:
            rendered.append((path, render_as(result, path, template_dir=template_dir, page_size=page_size)))
        except (PdfRenderError, jinja2.TemplateError, AuditInputError) as exc:
            raise UsageError(f"Could not write {str(path)!r}: {exc}") from None
    written = []
    for path, data in rendered:
        try:
            written.append(atomic_write(path, data, overwrite=force))
        except OutputExistsError as exc:
            raise UsageError(f"Could not write {str(path)!r}: {exc}") from None
    return written


def read_result(path: Path, flag: str = "AUDIT_JSON"):
    """Load an archived result, or a usage error naming the file."""
    import json

    from auditor.results import AuditResult

    if not path.is_file():
        raise UsageError(f"Expected the {flag} file {str(path)!r} to exist. It does not.")
    try:
        return AuditResult.from_json(path)
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{str(path)!r} is not a readable audit JSON: {exc}") from None
