"""Performance checks of the policy."""

from __future__ import annotations

from auditor.policy._judge import threshold_finding
from auditor.results import Finding, PerformanceResult, Policy

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
    for field, by_task, comparison, subject, consequence in _CHECKS:
        threshold = getattr(policy.performance, field)
        key = by_task.get(result.task)
        if threshold is None or key is None or key not in keys:
            continue
        metric = result.metric(key)
        findings.append(
            threshold_finding(
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
        )
    return findings
