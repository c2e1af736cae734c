"""``auditor run``: audit a saved model on a data file; a deployment gate.

Exit codes: 0 the policy passes (WARN counts as a pass), 1 the policy fails (and,
with ``--fail-on-inconclusive``, when a check is INCONCLUSIVE), 2 a usage or input
error, reported without a traceback.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from auditor.cli._errors import UsageError, exit_code
from auditor.cli._inputs import (
    DATA_SUFFIXES,
    check_columns,
    check_outputs,
    load_model,
    load_table,
    match_label,
)
from auditor.cli._outputs import add_render_options, check_template_dir, write_outputs

__all__ = ["add_parser", "run"]

_TRUST_HELP = (
    "load a joblib/pickle --model file. Loading a pickle RUNS CODE stored in the file: anyone who could "
    "change the file can take over this machine. Use it only for files you created or fully trust; "
    "prefer saving models with skops (skops.io.dump)."
)


_EPILOG = """\
Every output is checked before the audit starts, and written atomically.
Command-line flags override the --config file; unknown keys in it are errors.

example audit.toml:
  [data]
  target = "income"
  sensitive = ["sex", "race"]
  drop = ["row_id"]               # columns neither the model nor the audit uses
  reference = "train.csv"         # --reference; relative to this file
  [audit]
  n_bootstrap = 1000
  confidence_level = 0.95         # of every interval and so of every verdict
  random_state = 0
  pos_label = 1                   # the favourable class
  sections = ["performance", "data_quality", "drift", "fairness"]  # default: every analysis
  [sections.performance]          # options of one analysis: whatever
  n_calibration_bins = 10         # changes a computed number
  [sections.fairness]
  min_group_size = 30             # rows a group needs to enter a verdict
  reference_groups = { sex = "Male" }  # default: the largest group
  [sections.drift]
  n_resamples = 500               # bootstrap of the performance on both sides
  [report]
  template_dir = "branding"       # a folder of templates, relative to this file
  page_size = "A4"
  [model_card]                    # or: file = "card.yaml"; missing fields are listed
  owners = ["Credit risk analytics"]
  intended_use = "Pre-screening of loan applications"
  out_of_scope_uses = ["Final credit decisions without review"]
  [policy.performance]            # thresholds only
  min_roc_auc = 0.75              # false turns a check off
  [policy.fairness]
  min_selection_rate_ratio = 0.8  # four-fifths rule
  max_equalized_odds_difference = 0.1
  [policy.data_quality]
  max_differential_missingness = 0.05  # a column missing 5 points more for a group
  max_representation_shift = 0.05      # a group's share moved against the reference
  max_unseen_share = 0.01              # values the reference never showed
  [policy.drift]
  alpha = 0.05                    # drifted: adjusted p < alpha and
  distance_threshold = 0.1        #   distance >= 0.1 or
  psi_threshold = 0.2             #   PSI >= 0.2
  max_drifted_share = 0.5         # share of the model's features that drifted
  top_k = 5
  max_top_feature_psi = 0.25      # PSI of the 5 features the model relies on most
  max_domain_auc = 0.6            # a classifier telling the data from the reference
  max_performance_drop = 0.05     # ROC AUC (else accuracy) lost since the reference

exit codes: 0 pass (WARN included), 1 policy FAIL (or INCONCLUSIVE with
--fail-on-inconclusive), 2 usage or input error, 3 internal error.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="audit a saved model on a data file and gate on the policy",
        description=textwrap.fill(
            "Audit a fitted model on a CSV or Parquet file: performance, explanations and fairness with "
            "confidence intervals, judged against a policy. Writes the HTML report, the PDF and the JSON "
            "evidence, prints the findings, and exits 0 when the policy passes (WARN included), 1 when it "
            "fails, 2 on a usage or input error.",
            width=78,
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--model", required=True, type=Path, metavar="MODEL",
                   help="the fitted model: a skops file (.skops, preferred) or, with --trust-model-file, "
                        "a joblib/pickle file (.joblib, .pkl, .pickle)")
    p.add_argument("--data", required=True, type=Path, metavar="DATA",
                   help=f"the rows to audit, with the target column ({', '.join(DATA_SUFFIXES)}); with --engine dask "
                        "a glob of such files, quoted ('decisions/*.parquet')")
    p.add_argument("--engine", default="memory", metavar="ENGINE",
                   help="where the rows are audited: 'memory' (default, pandas) or 'dask' (the rows stay on a Dask "
                        "cluster; performance, fairness, data quality, drift and TreeSHAP over every row, the other "
                        "analyses on a stated sample)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --engine dask: the Dask scheduler to use (tcp://host:8786); default a local cluster "
                        "of this machine's cores, started for the audit")
    p.add_argument("--target", metavar="COLUMN", help="the column of true outcomes (or [data] target in --config); "
                   "with --reference it may be absent from --data (no labels yet: the performance is estimated)")
    p.add_argument("--reference", type=Path, metavar="DATA",
                   help="reference rows to compare with, e.g. the training data (or [data] reference): data quality "
                        "and drift chapters; its target column, when present, is the reference's labels"),
    p.add_argument("--sensitive", nargs="+", metavar="COLUMN",
                   help="columns that define the groups compared for fairness (or [data] sensitive)")
    p.add_argument("--config", type=Path, metavar="TOML",
                   help="audit configuration: [policy] thresholds and [audit], [data], [sections.NAME], [report] options")
    p.add_argument("--out", type=Path, metavar="HTML", help="write the HTML report here (.html)")
    p.add_argument("--pdf", type=Path, metavar="PDF", help="write the PDF report here (.pdf)")
    p.add_argument("--json", type=Path, metavar="JSON", help="write the JSON evidence here (.json); `auditor render` re-renders it")
    p.add_argument("--pos-label", metavar="LABEL", help="the favourable class of a binary target")
    p.add_argument("--sections", nargs="+", metavar="NAME", help="analyses to run (default: all)")
    p.add_argument("--random-state", type=int, metavar="INT", help="seed of every random step (default: 0)")
    p.add_argument("--n-bootstrap", type=int, metavar="INT", help="bootstrap resamples behind each interval (default: 1000)")
    p.add_argument("--model-name", metavar="TEXT", help="how the report names the model")
    p.add_argument("--model-card", type=Path, metavar="FILE",
                   help="the model card (TOML or YAML: owners, intended use, limitations, sign-off; "
                        "or [model_card] in --config)")
    p.add_argument("--data-name", metavar="TEXT", help="how the report names the data (default: the file name)")
    p.add_argument("--fail-on-inconclusive", action="store_true",
                   help="exit 1 also when a check is INCONCLUSIVE (the data cannot tell whether it passes)")
    p.add_argument("--trust-type", action="append", default=[], metavar="TYPE",
                   help="trust this type when loading a skops model (repeat for several); the error for an "
                        "untrusted file lists the types it contains")
    p.add_argument("--trust-model-file", action="store_true", help=_TRUST_HELP)
    add_render_options(p)
    p.set_defaults(handler=run)


def _option(args_value: Any, cfg: dict, key: str, default: Any = None) -> Any:
    return args_value if args_value is not None else cfg.get(key, default)


def run(args: argparse.Namespace) -> int:
    from auditor.cli._config import ConfigError, build_sections, read_config
    from auditor.cli._engine import check_engine, dask_client, load_dask_table
    from auditor.cli._progress import Say, StageProgress

    say = Say(args.quiet)
    check_engine(args.engine, args.scheduler)
    try:
        cfg = read_config(args.config) if args.config is not None else None
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    data_cfg = cfg.data if cfg else {}
    audit_cfg = cfg.audit if cfg else {}
    report_cfg = cfg.report if cfg else {}
    template_dir = args.template_dir or (Path(report_cfg["template_dir"]) if "template_dir" in report_cfg else None)
    page_size = args.page_size or report_cfg.get("page_size", "A4")
    if page_size not in ("A4", "Letter"):
        raise UsageError(f"Expected [report] page_size to be 'A4' or 'Letter'. Got {page_size!r}.")

    reference_path = _reference_path(args, data_cfg)
    # everything that can be checked without the audit is checked before it
    check_outputs(
        [("--out", args.out, (".html", ".htm")), ("--pdf", args.pdf, (".pdf",)), ("--json", args.json, (".json",))],
        force=args.force,
        inputs=[args.model, args.data] + ([args.config] if args.config else []) + ([reference_path] if reference_path else []),
    )
    check_template_dir(template_dir, needed=args.out is not None or args.pdf is not None)
    target = _option(args.target, data_cfg, "target")
    if target is None:
        raise UsageError("Expected the target column: pass --target COLUMN (or set [data] target in --config).")
    sensitive = list(args.sensitive) if args.sensitive else list(data_cfg.get("sensitive", []))
    weight_col = data_cfg.get("sample_weight")
    drop = list(data_cfg.get("drop", []))
    source = cfg.source if cfg else "the configuration"
    try:
        sections = build_sections(_option(args.sections, audit_cfg, "sections"), cfg.section_options if cfg else {}, source)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None

    with ExitStack() as stack:
        # under --engine dask the audit runs while the cluster is up
        dask = args.engine == "dask"
        if dask:
            stack.enter_context(dask_client(args.scheduler, say))
        say(f"Reading {args.data} ...")
        frame = load_dask_table(str(args.data)) if dask else load_table(args.data)
        reference = None
        if reference_path is not None:
            say(f"Reading the reference {reference_path} ...")
            reference = load_table(reference_path, flag="--reference")
        labelled = target in frame.columns or reference is None or target not in reference.columns
        if labelled:
            check_columns(frame, [target], "--target", str(args.data))
        else:
            say(f"{args.data} has no column {target!r}: auditing without labels (the performance is estimated from "
                f"the reference {reference_path.name}).")
        check_columns(frame, sensitive, "--sensitive", str(args.data))
        if weight_col is not None:
            check_columns(frame, [weight_col], "[data] sample_weight", str(args.data))
        check_columns(frame, drop, "[data] drop", str(args.data))
        if target in sensitive:
            raise UsageError(f"Column {target!r} is both the target and a sensitive feature.")
        y = frame[target] if labelled else None
        if y is not None and not dask and y.isna().any():  # the Dask engine checks on the workers
            raise UsageError(f"Expected no missing values in the target column {target!r}. Found {int(y.isna().sum()):,}.")
        X = frame.drop(columns=([target] if labelled else []) + drop + ([weight_col] if weight_col else []))
        X_reference = y_reference = None
        if reference is not None:
            if target in reference.columns:
                y_reference = reference[target]
                if y_reference.isna().any():
                    raise UsageError(f"Expected no missing values in the target column {target!r} of --reference "
                                     f"{str(reference_path)!r}. Found {int(y_reference.isna().sum()):,}.")
            gone = [target] + drop + ([weight_col] if weight_col else [])
            X_reference = reference.drop(columns=[c for c in gone if c in reference.columns])
        sample_weight = (frame[weight_col] if dask else frame[weight_col].to_numpy()) if weight_col else None
        pos_label = _option(args.pos_label, audit_cfg, "pos_label")
        if pos_label is not None:
            labels = y if y is not None else y_reference
            if labels is not None:
                distinct = labels.drop_duplicates()
                pos_label = match_label(pos_label, list(distinct.compute() if dask else distinct), "--pos-label")

        say(f"Loading the model {args.model} ...")
        from auditor._provenance import file_sha256
        from auditor.preflight import record_warnings

        # the bytes that were loaded, hashed before loading them: provenance names the file exactly
        model_sha256 = file_sha256(args.model) if Path(args.model).is_file() else None
        with record_warnings() as load_warnings:  # e.g. scikit-learn's InconsistentVersionWarning: into the result
            model = load_model(args.model, trusted_types=args.trust_type, trust_model_file=args.trust_model_file)

        from auditor.auditor import Auditor

        try:
            auditor = Auditor(
                model,
                X,
                y,
                X_reference=X_reference,
                y_reference=y_reference,
                reference_name=None if reference_path is None else reference_path.name,
                sensitive_features=sensitive or None,
                task=audit_cfg.get("task", "auto"),
                pos_label=pos_label,
                sample_weight=sample_weight,
                random_state=_option(args.random_state, audit_cfg, "random_state", 0),
                sections=sections if sections is not None else _option(args.sections, audit_cfg, "sections"),
                policy=cfg.policy if cfg else None,
                n_bootstrap=_option(args.n_bootstrap, audit_cfg, "n_bootstrap", 1000),
                confidence_level=audit_cfg.get("confidence_level", 0.95),
                sensitive_nan=audit_cfg.get("sensitive_nan", "raise"),
                model_name=_option(args.model_name, audit_cfg, "model_name"),
                model_card=args.model_card if args.model_card is not None else (cfg.model_card if cfg else None),
                data_name=_option(args.data_name, audit_cfg, "data_name") or args.data.name,
                errors=audit_cfg.get("errors", "record"),
                n_jobs=audit_cfg.get("n_jobs"),
            )
        except (ValueError, TypeError, KeyError) as exc:
            # our validation errors name the argument or column; they are input errors
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            raise UsageError(f"Cannot audit these inputs: {message}") from None
        auditor._setup_warnings += [f"Loading the model file {args.model.name}: {w}" for w in load_warnings]

        from auditor.sections import run_order

        stages = ["predict"] + [s.name for s in run_order(auditor.sections)]
        with StageProgress(stages, quiet=args.quiet) as progress:
            result = auditor.run(progress=progress)
    if model_sha256 is not None:
        import dataclasses

        result = dataclasses.replace(
            result, provenance=dataclasses.replace(result.provenance, model_file_sha256=model_sha256))

    written = write_outputs(result, html=args.out, pdf=args.pdf, json=args.json, template_dir=template_dir,
                            page_size=page_size, force=args.force, say=say)
    code = exit_code(result.verdict, fail_on_inconclusive=args.fail_on_inconclusive)
    _report(result, written, code, args)
    return code


def _reference_path(args: argparse.Namespace, data_cfg: dict) -> Path | None:
    """The --reference file, else [data] reference (already relative to the config file)."""
    if args.reference is not None:
        return args.reference
    return Path(data_cfg["reference"]) if "reference" in data_cfg else None


def _report(result, written: list[Path], code: int, args: argparse.Namespace) -> None:
    from auditor.render import render_text

    counts = ", ".join(f"{sum(1 for f in result.findings if f.status is st)} {st.value}"
                       for st in sorted({f.status for f in result.findings}, key=lambda s: -s.severity))
    gate = "passes" if code == 0 else "fails"
    if args.quiet:
        print(f"Verdict: {result.verdict.value}" + (f" ({counts})" if counts else ""))
        return
    print(render_text(result), end="")
    print()
    for path in written:
        print(f"Wrote {path}")
    note = ""
    if result.verdict.value == "INCONCLUSIVE" and not args.fail_on_inconclusive:
        note = " (INCONCLUSIVE counts as a pass without --fail-on-inconclusive)"
    print(f"Gate: {gate} with exit code {code}{note}.", file=sys.stdout)
