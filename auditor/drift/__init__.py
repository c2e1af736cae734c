"""Drift: is the data the model sees like the data it learned from?

Pure computation: pandas/numpy in, frozen dataclasses of JSON-native values out.
No rendering, no policy; thresholds are arguments (:class:`DriftThresholds`).

- :func:`feature_drift` — per feature: KS / chi-squared with Benjamini-Hochberg,
  PSI, normalised Wasserstein / Jensen-Shannon, missing-share change;
- :func:`drift_verdicts`, :func:`drifted_features` — the "significant and large" rule;
- :func:`domain_classifier` — multivariate drift (cross-validated ROC AUC);
- :func:`prediction_drift`, :func:`label_drift` — scores and labels;
- :func:`group_drift` — per-feature drift within sensitive groups;
- :func:`performance_shift` — a metric on reference and current data, with the difference;
- :func:`estimate_performance` — accuracy / ROC AUC without labels (CBPE);
- :func:`drift_table` — the drift section's result as a tidy DataFrame.
"""

from auditor.drift.cbpe import EstimatedPerformance, IsotonicCalibrator, estimate_performance, fit_calibrator
from auditor.drift.columns import column_kinds
from auditor.drift.domain import DomainClassifierResult, DomainImportance, domain_classifier
from auditor.drift.features import FeatureDrift, FeatureDriftResult, compare_series, feature_drift
from auditor.drift.groups import GroupDrift, group_drift
from auditor.drift.outputs import label_drift, prediction_drift
from auditor.drift.performance import PerformanceShift, performance_shift
from auditor.drift.rule import DriftThresholds, DriftVerdict, drift_verdict, drift_verdicts, drifted_features
from auditor.drift.stattests import benjamini_hochberg
from auditor.drift.tables import drift_table

__all__ = [
    "column_kinds",
    "FeatureDrift", "FeatureDriftResult", "compare_series", "feature_drift",
    "DriftThresholds", "DriftVerdict", "drift_verdict", "drift_verdicts", "drifted_features",
    "DomainClassifierResult", "DomainImportance", "domain_classifier",
    "prediction_drift", "label_drift",
    "GroupDrift", "group_drift",
    "PerformanceShift", "performance_shift",
    "EstimatedPerformance", "IsotonicCalibrator", "estimate_performance", "fit_calibrator",
    "benjamini_hochberg",
    "drift_table",
]
