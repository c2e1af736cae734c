"""Result of the performance section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from auditor.results._base import Estimate, Metric
from auditor.results._section import SectionResult

__all__ = [
    "ConfusionMatrix",
    "RocCurve",
    "CalibrationCurve",
    "ResidualSummary",
    "PerformanceResult",
]


@dataclass(frozen=True)
class ConfusionMatrix:
    """Counts of true (rows) against predicted (columns) labels.

    ``counts`` are sums of sample weights when the audit is weighted, else row counts.
    """

    labels: tuple[str, ...]
    counts: tuple[tuple[float, ...], ...]
    weighted: bool = False


@dataclass(frozen=True)
class RocCurve:
    """One ROC curve (binary, or one class against the rest), thinned for display."""

    label: str
    fpr: tuple[float, ...]
    tpr: tuple[float, ...]
    auc: float | None


@dataclass(frozen=True)
class CalibrationCurve:
    """Observed rate of the positive class against the mean predicted probability.

    Bins are equal-width on [0, 1]; only non-empty bins are listed.
    """

    label: str
    bin_edges: tuple[float, ...]
    mean_predicted: tuple[float, ...]
    fraction_positive: tuple[float, ...]
    bin_weight: tuple[float, ...]
    expected_calibration_error: Estimate


@dataclass(frozen=True)
class ResidualSummary:
    """What the residual figures need, without a row per audited record.

    ``sample_*`` is a seeded random sample of at most ``max_points`` rows; the
    histogram covers every row.
    """

    sample_y_pred: tuple[float, ...]
    sample_residual: tuple[float, ...]
    histogram_edges: tuple[float, ...]
    histogram_counts: tuple[float, ...]
    n_rows: int


@dataclass(frozen=True)
class PerformanceResult(SectionResult):
    """Performance metrics with bootstrap confidence intervals.

    Parameters
    ----------
    task : {"binary", "multiclass", "regression"}
    metrics : tuple of Metric
        Every headline metric, in display order.
    n_bootstrap : int
        Number of bootstrap resamples behind the intervals (0: no intervals).
    confidence_level : float
    base_rates : dict of str to float
        Share of each class among the audited rows (weighted when weights are given).
    """

    task: Literal["binary", "multiclass", "regression"]
    metrics: tuple[Metric, ...]
    n_bootstrap: int
    confidence_level: float
    confusion_matrix: ConfusionMatrix | None = None
    roc_curves: tuple[RocCurve, ...] = ()
    calibration: tuple[CalibrationCurve, ...] = ()
    residuals: ResidualSummary | None = None
    base_rates: dict[str, float] | None = None
    notes: tuple[str, ...] = ()

    def metric(self, key: str) -> Metric:
        """Return the metric with code name ``key``."""
        for m in self.metrics:
            if m.key == key:
                return m
        raise KeyError(f"No metric {key!r}; available: {[m.key for m in self.metrics]}")
