"""``auditor render``: re-render an archived audit (JSON) as HTML or PDF."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditor.cli._errors import EXIT_OK
from auditor.cli._outputs import add_render_options, check_template_dir, read_result, write_outputs

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
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


def run(args: argparse.Namespace) -> int:
    from auditor.cli._inputs import check_outputs
    from auditor.cli._progress import Say

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
