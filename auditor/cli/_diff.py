"""``auditor diff``: what changed between a baseline and a candidate audit."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff",
        help="compare two archived audits (baseline vs candidate)",
        description=(
            "Compare two audit JSON files: the verdicts, the policy checks that flipped, appeared or "
            "disappeared, and every number with its confidence interval and whether the two intervals "
            "overlap. Prints the comparison; --out also writes it as HTML or PDF."
        ),
    )
    p.add_argument("old", type=Path, metavar="OLD_JSON", help="the baseline audit")
    p.add_argument("new", type=Path, metavar="NEW_JSON", help="the candidate audit")
    p.add_argument("--out", type=Path, metavar="PATH", help="also write the comparison (.html or .pdf)")
    p.add_argument("--fail-on-regression", action="store_true",
                   help="exit 1 when a check got worse, or a new check does not pass")
    p.add_argument("--template-dir", type=Path, metavar="DIR", help="folder of templates searched first (diff.html.j2, styles)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing; use the exit code")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import jinja2

    from auditor._io import atomic_write
    from auditor.cli._errors import EXIT_FAIL, EXIT_OK, UsageError
    from auditor.cli._inputs import check_outputs
    from auditor.cli._outputs import read_result
    from auditor.diff import diff_results
    from auditor.render.diff import render_diff_html, render_diff_text
    from auditor.render.pdf import PdfRenderError, html_to_pdf

    out = check_outputs([("--out", args.out, (".html", ".htm", ".pdf"))], force=args.force, inputs=[args.old, args.new])
    if args.template_dir is not None and not args.template_dir.is_dir():
        raise UsageError(f"Expected --template-dir {str(args.template_dir)!r} to be a folder. It is not.")
    diff = diff_results(read_result(args.old, "OLD_JSON"), read_result(args.new, "NEW_JSON"))
    if not args.quiet:
        print(render_diff_text(diff), end="")
    for path in out:
        try:
            html = render_diff_html(diff, template_dir=args.template_dir)
            data = html_to_pdf(html) if path.suffix.lower() == ".pdf" else html
        except (PdfRenderError, jinja2.TemplateError) as exc:
            raise UsageError(f"Could not write {str(path)!r}: {exc}") from None
        atomic_write(path, data, overwrite=args.force)
        if not args.quiet:
            print(f"\nWrote {path}")
    if args.fail_on_regression and (diff.regressions or diff.new.verdict.severity > diff.old.verdict.severity):
        return EXIT_FAIL
    return EXIT_OK
