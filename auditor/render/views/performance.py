"""View of the performance section."""

from __future__ import annotations

from auditor.plots import (
    plot_calibration,
    plot_confusion_matrix,
    plot_cost_curve,
    plot_precision_recall,
    plot_residual_histogram,
    plot_residuals,
    plot_roc_curve,
)
from auditor.render._figures import Figure, encode_figure
from auditor.render._format import fmt_ci, fmt_count, fmt_num
from auditor.results import AuditResult, PerformanceResult

__all__ = ["build"]



def build(perf: PerformanceResult, result: AuditResult, *, figures: bool = True) -> dict:
    """The chapter's view model (see :mod:`auditor.render.views`)."""
    level = f"{round(100 * perf.confidence_level)}%"
    rows = [
        {
            "key": m.key,
            "label": m.label,
            "value": fmt_num(m.estimate.value),
            "ci": fmt_ci(m.estimate),
            "reason": m.estimate.reason or "",
            "description": m.description,
            "direction": {True: "higher is better", False: "lower is better", None: ""}[m.higher_is_better],
        }
        for m in perf.metrics
    ]
    figs: list[Figure] = []
    if figures:
        figs = _figures(result)
    confusion = None
    if perf.confusion_matrix is not None:
        cm = perf.confusion_matrix
        confusion = {
            "labels": list(cm.labels),
            "rows": [{"label": lab, "cells": [fmt_count(v) for v in row]} for lab, row in zip(cm.labels, cm.counts)],
            "weighted": cm.weighted,
        }
    interval_note = (
        f"Intervals are {level} percentile bootstrap intervals from {perf.n_bootstrap:,} resamples of the audited rows."
        if perf.n_bootstrap
        else "No confidence intervals were computed (n_bootstrap=0)."
    )
    return {
        "intro": _intro(result),
        "metrics": rows,
        "interval_note": interval_note,
        "ci_header": f"{level} interval",
        "confusion": confusion,
        "base_rates": [{"label": k, "value": f"{100 * v:.1f}%"} for k, v in (perf.base_rates or {}).items()],
        "figures": [f.as_dict() for f in figs],
        "notes": list(perf.notes),
        "key_numbers": _key_numbers(perf, level),
        "methods": _methods(perf, level),
        "costs": _costs(perf, level),
        "imbalance": imbalance(perf),
        "summary_notes": [n for n in (imbalance(perf), _cost_sentence(perf)) if n],
    }


_KEY_METRICS = {
    "binary": ("roc_auc", "accuracy", "balanced_accuracy", "f1"),
    "multiclass": ("roc_auc_ovr", "accuracy", "balanced_accuracy", "f1_macro"),
    "regression": ("r2", "mean_absolute_error", "root_mean_squared_error"),
}
#: With a rare (or near-universal) outcome, accuracy flatters: lead with these.
_IMBALANCED_KEY_METRICS = ("balanced_accuracy", "recall", "precision", "average_precision", "matthews_corrcoef")
#: Below this share (or above one minus it) a class is rare enough to mislead.
IMBALANCE_SHARE = 0.10


def _rare(perf) -> tuple[str, float] | None:
    """The rarest class and its share, when it is rare enough to mislead."""
    if perf.task == "regression" or not perf.base_rates:
        return None
    label, share = min(perf.base_rates.items(), key=lambda kv: kv[1])
    return (label, share) if share < IMBALANCE_SHARE else None


def imbalance(perf) -> str:
    """A sentence on which numbers to read when one class is rare, else ''."""
    rare = _rare(perf)
    if rare is None:
        return ""
    label, share = rare
    always = max(perf.base_rates.values())
    if perf.task == "binary":
        read = "balanced accuracy, recall, precision, average precision and the Matthews correlation"
    else:
        read = "balanced accuracy, the macro-averaged recall and F1 score and the Matthews correlation"
    return (
        f"Only {100 * share:.1f}% of the audited rows have the outcome {label}: a model that never predicts it would "
        f"already be {100 * always:.1f}% accurate, so accuracy misleads here. Read {read} instead."
    )


def _key_numbers(perf, level: str) -> list[dict]:
    """The headline metrics for the executive summary."""
    present = {m.key: m for m in perf.metrics}
    out = []
    keys = list(_KEY_METRICS[perf.task])
    if _rare(perf) is not None:
        lead = [k for k in _IMBALANCED_KEY_METRICS if k in present] if perf.task == "binary" else [
            k for k in ("balanced_accuracy", "recall_macro", "f1_macro", "matthews_corrcoef") if k in present]
        # accuracy stays, last, so a reader sees the number the others correct
        keys = lead + ["accuracy"]
    if perf.costs is not None:
        keys = ["expected_cost_per_1000"] + keys
    for key in keys:
        if key in present:
            m = present[key]
            ci = fmt_ci(m.estimate)
            out.append({
                "label": m.label,
                "value": fmt_num(m.estimate.value),
                "ci": f"{level} interval {ci}" if ci else (m.estimate.reason or ""),
            })
    return out


def _cost_sentence(perf) -> str:
    """What errors cost, in the words a budget holder uses; '' without costs."""
    c = perf.costs
    if c is None or c.cost_per_1000.value is None:
        return ""
    now = f"At the model's current decisions, errors cost about {fmt_cost(c.cost_per_1000.value)} per 1,000 decisions"
    if c.current_threshold is not None:
        now = (f"At the current threshold ({fmt_num(c.current_threshold)}), errors cost about "
               f"{fmt_cost(c.cost_per_1000.value)} per 1,000 decisions")
    if c.best_threshold is None or c.best_cost_per_1000 is None or c.best_cost_per_1000 >= c.cost_per_1000.value - 1e-9:
        return now + "; no other threshold on the score would cost less on these rows."
    return (f"{now}; at {fmt_num(c.best_threshold)} they would cost {fmt_cost(c.best_cost_per_1000)} on these rows "
            "(a threshold chosen on the audited rows flatters itself: confirm it on fresh data).")


def fmt_cost(x: float | None) -> str:
    """A cost per 1,000 decisions as a reader says it: whole units above 10."""
    if x is None:
        return "—"
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.2f}"


def _costs(perf, level: str) -> dict | None:
    c = perf.costs
    if c is None:
        return None
    labels = list(c.matrix)
    cells = [{"label": t, "cells": [f"{c.matrix[t][p]:g}" for p in labels]} for t in labels]
    groups = [{
        "grouping": g.grouping, "group": g.group, "count": f"{g.count:,}",
        "value": fmt_cost(g.cost_per_1000.value),
        "ci": fmt_ci(g.cost_per_1000) or (g.cost_per_1000.reason or ""),
    } for g in c.by_group]
    return {
        "sentence": _cost_sentence(perf),
        "value": fmt_cost(c.cost_per_1000.value),
        "ci": fmt_ci(c.cost_per_1000),
        "labels": labels,
        "matrix": cells,
        "groups": groups,
        "ci_header": f"{level} interval",
    }


def _methods(perf, level: str) -> list[dict]:
    rows = [{
        "label": "Metric intervals",
        "value": f"{level} percentile bootstrap, {perf.n_bootstrap:,} resamples of the audited rows"
        if perf.n_bootstrap else "none (n_bootstrap=0)",
    }]
    if perf.calibration:
        cal = perf.calibration[0]
        rows.append({
            "label": "Calibration",
            "value": f"{len(cal.bin_edges) - 1} equal-width probability bins; expected calibration error is the "
            "row-weighted mean gap between predicted probability and observed rate",
        })
    if perf.roc_curves:
        rows.append({"label": "ROC curves", "value": "computed on every row; thinned to at most a few hundred points for display"})
    if perf.residuals is not None:
        r = perf.residuals
        rows.append({
            "label": "Residual scatter",
            "value": f"a seeded random sample of {len(r.sample_residual):,} of {r.n_rows:,} rows; the histogram uses every row",
        })
    return rows


def _intro(result: AuditResult) -> str:
    s = result.summary
    if s.task == "regression":
        return f"How close the model's predictions of {s.target_name} are to the true values on the {s.n_rows:,} audited rows."
    return f"How often and how confidently the model predicts {s.target_name} correctly on the {s.n_rows:,} audited rows."


def _figures(result: AuditResult) -> list[Figure]:
    perf = result.performance
    figs = []
    if perf.confusion_matrix is not None:
        cm = perf.confusion_matrix
        figs.append(Figure(
            "fig-confusion", "Confusion matrix",
            encode_figure(plot_confusion_matrix(perf)),
            f"Confusion matrix of {len(cm.labels)} classes: counts of true (rows) against predicted (columns) labels.",
            "Rows are the true outcomes and columns the predictions; the diagonal holds the correct predictions. "
            "The largest off-diagonal cells are the mistakes the model makes most often.",
        ))
    if perf.roc_curves:
        aucs = ", ".join(f"{c.label}: {fmt_num(c.auc)}" for c in perf.roc_curves)
        figs.append(Figure(
            "fig-roc", "ROC curve",
            encode_figure(plot_roc_curve(perf)),
            f"ROC curve; area under the curve {aucs}.",
            "The closer the curve runs to the top-left corner, the better the model separates the outcomes; "
            "the dashed diagonal is what guessing would give.",
        ))
    if perf.pr_curves:
        pr = perf.pr_curves[0]
        figs.append(Figure(
            "fig-pr", "Precision-recall curve",
            encode_figure(plot_precision_recall(perf)),
            f"Precision against recall for {pr.label}; average precision {fmt_num(pr.average_precision)}, "
            f"base rate {100 * pr.base_rate:.1f}%.",
            "Each point is a threshold: further right finds more of the true cases, higher means fewer false alarms "
            "among the flagged. The dashed line is what flagging everyone would give; with a rare outcome this "
            "curve, not the ROC curve, shows how useful the flags are.",
        ))
    if perf.costs is not None and perf.costs.curve:
        c = perf.costs
        best = "" if c.best_threshold is None else f" lowest at {fmt_num(c.best_threshold)} ({fmt_cost(c.best_cost_per_1000)})"
        figs.append(Figure(
            "fig-cost", "Cost of errors by threshold",
            encode_figure(plot_cost_curve(perf)),
            f"Expected cost per 1,000 decisions against the threshold on {c.score_label};{best}.",
            "The line is what the stated costs of errors add up to if rows at or above each threshold were flagged. "
            "The round marker is the model's current rule, the diamond the cheapest threshold on these rows.",
        ))
    if perf.calibration:
        cal = perf.calibration[0]
        figs.append(Figure(
            "fig-calibration", "Calibration",
            encode_figure(plot_calibration(perf)),
            f"Reliability diagram over {len(cal.mean_predicted)} non-empty probability bins; "
            f"expected calibration error {fmt_num(cal.expected_calibration_error.value)}.",
            "Points on the dashed diagonal mean that a predicted probability of, say, 70% comes true about 70% "
            "of the time. Points below the diagonal show over-confidence, points above under-confidence; "
            "larger points hold more rows.",
        ))
    if perf.residuals is not None:
        figs.append(Figure(
            "fig-residuals", "Residuals against prediction",
            encode_figure(plot_residuals(perf), fmt="png"),
            "Scatter plot of residuals (true minus predicted) against the predicted value.",
            "Points should scatter evenly around the zero line; a funnel or a curve means the size of the error "
            "depends on the prediction, and the model is biased there.",
        ))
        figs.append(Figure(
            "fig-residual-hist", "Residual distribution",
            encode_figure(plot_residual_histogram(perf)),
            "Histogram of residuals over every audited row.",
            "A narrow peak centred on zero is good; a shifted peak means systematic over- or under-prediction, "
            "long tails mean occasional large errors.",
        ))
    return figs
