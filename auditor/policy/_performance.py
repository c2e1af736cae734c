"""Performance checks of the policy.

Each check compares a metric's whole interval with its threshold (see
:func:`auditor.policy._judge.judge`). Before that, the evidence must be there: a
check on fewer rows than ``performance.min_rows`` (of any class, for
classification) is INCONCLUSIVE whatever its interval says, since a bootstrap
interval from a handful of rows is no evidence (two rows give a ROC AUC of 1
with the interval [1, 1]).
"""

from __future__ import annotations

from dataclasses import replace

from auditor.policy._judge import fmt_value, threshold_finding
from auditor.results import Finding, PerformanceResult, Policy, Status

__all__ = ["performance_findings"]

# (policy field, metric key per task, comparison, plain subject, consequence of a FAIL)
_CHECKS = (
    (
        "min_roc_auc",
        {"binary": "roc_auc", "multiclass": "roc_auc_ovr"},
        ">=",
        "The model's ROC AUC (how well it ranks positive cases above negative ones)",
        "The model does not separate the outcomes well enough for this policy.",
    ),
    (
        "min_balanced_accuracy",
        {"binary": "balanced_accuracy", "multiclass": "balanced_accuracy"},
        ">=",
        "The model's balanced accuracy",
        "The model is not accurate enough across classes for this policy.",
    ),
    (
        "min_r2",
        {"regression": "r2"},
        ">=",
        "The share of the outcome's variation the model explains (R²)",
        "The model's predictions explain too little of the outcome for this policy.",
    ),
    (
        "max_expected_calibration_error",
        {"binary": "expected_calibration_error", "multiclass": "expected_calibration_error"},
        "<=",
        "The model's calibration error (gap between predicted probabilities and observed rates)",
        "Its probabilities should not be read as real-world chances without recalibration.",
    ),
)


def performance_findings(result: PerformanceResult, policy: Policy) -> list[Finding]:
    findings = []
    keys = {m.key for m in result.metrics}
    scarce = _scarce(result, policy.performance.min_rows)
    for field, by_task, comparison, subject, consequence in _CHECKS:
        threshold = getattr(policy.performance, field)
        key = by_task.get(result.task)
        if threshold is None or key is None or key not in keys:
            continue
        metric = result.metric(key)
        if field == "min_r2" and threshold == 0:
            # R² > 0 is the baseline every regression model must beat: predicting the mean
            subject = "The share of the outcome's variation the model explains (R², 0 for always predicting the mean)"
            consequence = "The model predicts no better than always predicting the average outcome."
        finding = threshold_finding(
            check=f"performance.{field}",
            section="performance",
            title=f"{metric.label} {comparison} {threshold:g}",
            subject=subject,
            estimate=metric.estimate,
            threshold=threshold,
            comparison=comparison,  # type: ignore[arg-type]
            confidence_level=result.confidence_level,
            consequence=consequence,
            metric=key,
        )
        if field == "min_r2" and threshold == 0 and finding.status is Status.PASS:
            finding = replace(finding, message=finding.message + " The model predicts better than always predicting "
                                                                 "the average outcome.")
        if scarce is not None:
            finding = replace(
                finding, status=Status.INCONCLUSIVE,
                message=(f"{subject} is {fmt_value(metric.estimate.value)}, but {scarce}, fewer than the "
                         f"{policy.performance.min_rows} a performance check needs (performance.min_rows): an interval "
                         "from so few rows is not evidence, so these data cannot support a verdict."),
            )
        findings.append(finding)
    return findings


def _scarce(result: PerformanceResult, min_rows: int | None) -> str | None:
    """Why the evidence is too thin for any check, or ``None``."""
    if min_rows is None:
        return None
    if result.task == "regression":
        n = result.n_rows if result.n_rows is not None else (result.residuals.n_rows if result.residuals else None)
        return None if n is None or n >= min_rows else f"the audit has only {n} row{'s' if n != 1 else ''}"
    counts = result.class_counts
    if counts is None and result.confusion_matrix is not None and not result.confusion_matrix.weighted:
        # archives before 2.1: the unweighted confusion matrix holds the class counts
        cm = result.confusion_matrix
        counts = {label: int(sum(row)) for label, row in zip(cm.labels, cm.counts)}
    if not counts:
        return None
    label, n = min(counts.items(), key=lambda kv: (kv[1], kv[0]))
    if n >= min_rows:
        return None
    return f"only {n} audited row{'s' if n != 1 else ''} {'is' if n == 1 else 'are'} of class {label}"
