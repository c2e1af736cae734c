"""Result of the performance section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from auditor.results._base import Estimate, Metric
from auditor.results._section import SectionResult

__all__ = [
    "ConfusionMatrix",
    "RocCurve",
    "PrecisionRecallCurve",
    "GroupCost",
    "DecisionCosts",
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
class PrecisionRecallCurve:
    """Precision against recall for one class, thinned for display.

    ``base_rate`` is the precision of a model that flags everyone: the curve's
    floor, and why accuracy misleads when it is small.
    """

    label: str
    precision: tuple[float, ...]
    recall: tuple[float, ...]
    average_precision: float | None
    base_rate: float


@dataclass(frozen=True)
class GroupCost:
    """Expected cost per 1,000 decisions within one group of a sensitive feature."""

    grouping: str
    group: str
    count: int
    cost_per_1000: Estimate


@dataclass(frozen=True)
class DecisionCosts:
    """What the model's errors cost, at its current decisions and at the best threshold.

    Attributes
    ----------
    matrix : dict of str to dict of str to float
        The stated cost of each (true label, predicted label) cell.
    cost_per_1000 : Estimate
        Expected cost per 1,000 decisions at the model's current predictions.
    by_group : tuple of GroupCost
    current_threshold : float or None
        The score threshold the current predictions amount to (binary), ``None``
        when they are not a single threshold on the score.
    best_threshold, best_cost_per_1000 : float or None
        The threshold on the score minimising the cost on the audited rows, and
        that cost. Chosen on the same rows it is measured on, so optimistic.
    thresholds, curve : tuple of float
        Cost per 1,000 decisions against the threshold (thinned), for the figure.
    """

    matrix: dict[str, dict[str, float]]
    cost_per_1000: Estimate
    by_group: tuple[GroupCost, ...] = ()
    current_threshold: float | None = None
    best_threshold: float | None = None
    best_cost_per_1000: float | None = None
    thresholds: tuple[float, ...] = ()
    curve: tuple[float, ...] = ()
    score_label: str = ""


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
    interval_method : str
        How the intervals were computed (the row bootstrap, or for large data the
        cell bootstrap or the normal approximation of its sums).
    n_rows : int or None
        Rows behind the metrics (unweighted); ``None`` in archives before 2.1.
    class_counts : dict of str to int or None
        Rows of each class (classification, unweighted).
    """

    task: Literal["binary", "multiclass", "regression"]
    metrics: tuple[Metric, ...]
    n_bootstrap: int
    confidence_level: float
    confusion_matrix: ConfusionMatrix | None = None
    roc_curves: tuple[RocCurve, ...] = ()
    pr_curves: tuple[PrecisionRecallCurve, ...] = ()
    calibration: tuple[CalibrationCurve, ...] = ()
    residuals: ResidualSummary | None = None
    base_rates: dict[str, float] | None = None
    costs: DecisionCosts | None = None
    interval_method: str = ""
    notes: tuple[str, ...] = ()
    n_rows: int | None = None
    class_counts: dict[str, int] | None = None

    def metric(self, key: str) -> Metric:
        """Return the metric with code name ``key``."""
        for m in self.metrics:
            if m.key == key:
                return m
        raise KeyError(f"No metric {key!r}; available: {[m.key for m in self.metrics]}")
