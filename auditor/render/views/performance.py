"""View of the performance section."""

from __future__ import annotations

from auditor.plots import (
    plot_calibration,
    plot_confusion_matrix,
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
    }


_KEY_METRICS = {
    "binary": ("roc_auc", "accuracy", "balanced_accuracy", "f1"),
    "multiclass": ("roc_auc_ovr", "accuracy", "balanced_accuracy", "f1_macro"),
    "regression": ("r2", "mean_absolute_error", "root_mean_squared_error"),
}


def _key_numbers(perf, level: str) -> list[dict]:
    """The headline metrics for the executive summary."""
    present = {m.key: m for m in perf.metrics}
    out = []
    for key in _KEY_METRICS[perf.task]:
        if key in present:
            m = present[key]
            ci = fmt_ci(m.estimate)
            out.append({
                "label": m.label,
                "value": fmt_num(m.estimate.value),
                "ci": f"{level} interval {ci}" if ci else (m.estimate.reason or ""),
            })
    return out


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
