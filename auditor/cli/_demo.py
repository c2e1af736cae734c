"""``auditor demo``: train the reference model on bundled data and audit it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="audit a model trained on bundled real data (offline)",
        description=(
            "Train a gradient-boosting pipeline on a bundled dataset, audit its held-out rows with "
            "the sensitive features against the training rows as the reference (data quality and drift), "
            "and write the HTML report and the JSON evidence next to it. "
            "Existing files of the same names are replaced."
        ),
    )
    p.add_argument("--dataset", choices=("adult", "german"), default="adult", help="bundled dataset (default: adult)")
    p.add_argument("--out", default="audit-report.html", type=Path, help="HTML report path (default: audit-report.html); the JSON goes beside it")
    p.add_argument("--pdf", type=Path, default=None, metavar="PDF", help="also write the PDF report here (.pdf)")
    p.add_argument("--random-state", type=int, default=0, help="seed of every random step (default: 0)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the paths written (no progress, no summary)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from auditor.auditor import Auditor
    from auditor.cli._errors import EXIT_OK, UsageError
    from auditor.cli._progress import StageProgress
    from auditor.demo import make_demo
    from auditor.render import render_text
    from auditor.sections import run_order

    out: Path = args.out
    if out.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"Expected --out to end in .html. Got {str(out)!r}.")
    if not out.parent.exists():
        raise UsageError(f"Expected the folder of --out, {str(out.parent)!r}, to exist. It does not.")
    if args.pdf is not None and (args.pdf.suffix.lower() != ".pdf" or not args.pdf.parent.exists()):
        raise UsageError(f"Expected --pdf to end in .pdf in an existing folder. Got {str(args.pdf)!r}.")
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr))
    say(f"Training the demo model on the bundled {args.dataset} data ...")
    setup = make_demo(args.dataset, random_state=args.random_state)
    say(f"Auditing {len(setup.X_test):,} held-out rows (sensitive: {', '.join(setup.sensitive_features)}) ...")
    auditor = Auditor(
        setup.model,
        setup.X_test,
        setup.y_test,
        X_reference=setup.X_reference,
        y_reference=setup.y_reference,
        reference_name=setup.reference_name,
        sensitive_features=list(setup.sensitive_features),
        random_state=args.random_state,
        model_name=setup.model_name,
        data_name=setup.data_name,
    )
    stages = ["predict"] + [s.name for s in run_order(auditor.sections)]
    with StageProgress(stages, quiet=args.quiet) as progress:
        result = auditor.run(progress=progress)
    json_path = out.with_suffix(".json")
    say("Writing the report ...")
    result.save(out)
    result.save(json_path)
    if args.pdf is not None:
        say("Rendering the PDF ...")
        result.save(args.pdf)
    # what the audit found, not just its verdict: a first-time user sees why
    say(render_text(result).rstrip())
    print(f"HTML report: {out}")
    print(f"JSON evidence: {json_path}")
    if args.pdf is not None:
        print(f"PDF report: {args.pdf}")
    return EXIT_OK
