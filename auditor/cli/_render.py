"""``auditor render``: re-render an archived audit (JSON) as HTML or PDF."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "run", "read_result"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    from auditor.cli._run import add_render_options

    p = sub.add_parser(
        "render",
        help="re-render an archived audit JSON as HTML or PDF",
        description=(
            "Render the report of an audit from its JSON evidence file, without the model or the data. "
            "The same JSON renders the same report. The format follows each --out suffix."
        ),
    )
    p.add_argument("audit", type=Path, metavar="AUDIT_JSON", help="a JSON file written by `auditor run --json` or result.save()")
    p.add_argument("--out", required=True, nargs="+", type=Path, metavar="PATH",
                   help="one or more outputs: .html, .pdf (or .json for a normalised copy)")
    add_render_options(p)
    p.set_defaults(handler=run)


def read_result(path: Path, flag: str = "AUDIT_JSON"):
    """Load an archived result, or a usage error naming the file."""
    import json

    from auditor.cli import UsageError
    from auditor.results import AuditResult

    if not path.is_file():
        raise UsageError(f"Expected the {flag} file {str(path)!r} to exist. It does not.")
    try:
        return AuditResult.from_json(path)
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{str(path)!r} is not a readable audit JSON: {exc}") from None


def run(args: argparse.Namespace) -> int:
    from auditor.cli import EXIT_OK
    from auditor.cli._inputs import check_outputs
    from auditor.cli._progress import Say
    from auditor.cli._run import check_template_dir, write_outputs

    say = Say(args.quiet)
    suffixes = (".html", ".htm", ".pdf", ".json")
    outputs = check_outputs([("--out", p, suffixes) for p in args.out], force=args.force, inputs=[args.audit])
    check_template_dir(args.template_dir, needed=True)
    result = read_result(args.audit)
    written = []
    for path in outputs:
        kind = path.suffix.lower()
        written += write_outputs(
            result,
            html=path if kind in (".html", ".htm") else None,
            pdf=path if kind == ".pdf" else None,
            json=path if kind == ".json" else None,
            template_dir=args.template_dir,
            page_size=args.page_size or "A4",
            force=args.force,
            say=say,
        )
    if not args.quiet:
        for path in written:
            print(f"Wrote {path}")
    return EXIT_OK
