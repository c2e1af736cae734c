"""The comparison families an audit stores: which metrics each fairness check reads.

A *family* is the set of comparisons (every group against the reference group,
on one or more metrics) whose intervals hold together, computed by
:func:`auditor.fairness.reference.compare_to_reference`. Each check of the
policy reads one family, so its bounds on the worst group follow from
simultaneous intervals. The families are computed whatever the policy says, so
an archived audit can be re-judged against any thresholds.

=====================  ===============================================  ==========================================
family                 metrics (multiclass: per class)                  checks reading it
=====================  ===============================================  ==========================================
``selection_rate``     selection rate                                   four-fifths rule, demographic parity
``equalized_odds``     true and false positive rates                    equalized odds
``equal_opportunity``  true positive rate                               equal opportunity
``predictive_parity``  precision                                        predictive parity
``errors``             mean absolute error (regression)                 error ratio
``rates``              every rate of the ratio table (binary: selection  dalex's fairness check (``max_ratio_outside``)
                       rate, TPR, FPR, FNR, precision, accuracy;
                       regression: MAE and RMSE)
=====================  ===============================================  ==========================================

A wider family gives wider (more conservative) intervals: the ``rates`` table
holds simultaneously over all its metrics, so dalex's check, which reads five of
them, is judged on intervals at least as wide as it needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from auditor.fairness.reference import Comparison, GroupMetric, IntervalEstimate, compare_to_reference
from auditor.results import ComparisonFamily, Estimate, Extremes, GroupComparison

__all__ = ["FamilySpec", "family_specs", "compare_groups", "BINARY_RATES", "REGRESSION_ERRORS"]

#: The rates of the binary ratio table, in display order.
BINARY_RATES = ("selection_rate", "true_positive_rate", "false_positive_rate", "false_negative_rate", "precision",
                "accuracy")

#: The errors of the regression ratio table.
REGRESSION_ERRORS = ("mean_absolute_error", "root_mean_squared_error")


@dataclass(frozen=True)
class FamilySpec:
    """A family's key, plain name and metrics."""

    key: str
    label: str
    metrics: tuple[str, ...]


def family_specs(task: str, classes: tuple[str, ...] = ()) -> tuple[FamilySpec, ...]:
    """The families the fairness section computes for ``task``.

    Parameters
    ----------
    task : {"binary", "multiclass", "regression"}
    classes : tuple of str
        Class labels (multiclass): metrics are one-vs-rest per class, keyed
        ``"selection_rate:<class>"``.
    """
    if task == "binary":
        return (
            FamilySpec("selection_rate", "Selection rate", ("selection_rate",)),
            FamilySpec("equalized_odds", "True and false positive rates", ("true_positive_rate", "false_positive_rate")),
            FamilySpec("equal_opportunity", "True positive rate", ("true_positive_rate",)),
            FamilySpec("predictive_parity", "Precision", ("precision",)),
            FamilySpec("rates", "Every rate", BINARY_RATES),
        )
    if task == "multiclass":
        def per_class(metric: str) -> tuple[str, ...]:
            return tuple(f"{metric}:{c}" for c in classes)

        rates = ("accuracy",) + tuple(f"{m}:{c}" for c in classes
                                      for m in ("selection_rate", "true_positive_rate", "false_positive_rate", "precision"))
        return (
            FamilySpec("selection_rate", "Selection rate of each class", per_class("selection_rate")),
            FamilySpec("equalized_odds", "True and false positive rates of each class",
                       per_class("true_positive_rate") + per_class("false_positive_rate")),
            FamilySpec("equal_opportunity", "True positive rate of each class", per_class("true_positive_rate")),
            FamilySpec("predictive_parity", "Precision of each class", per_class("precision")),
            FamilySpec("rates", "Every rate", rates),
        )
    return (
        FamilySpec("errors", "Mean absolute error", ("mean_absolute_error",)),
        FamilySpec("rates", "Every error", REGRESSION_ERRORS),
    )


def compare_groups(
    spec: FamilySpec,
    *,
    labels: tuple[str, ...],
    point: Mapping[str, np.ndarray],
    replicates: Mapping[str, np.ndarray | None],
    eligible: Mapping[str, np.ndarray],
    reference: int,
    confidence_level: float,
    n_effective: Mapping[str, np.ndarray] | None = None,
    p_values: Mapping[str, np.ndarray] | None = None,
    test: str | None = None,
) -> ComparisonFamily:
    """One family's comparisons with the reference group, as the result stores them.

    Parameters
    ----------
    spec : FamilySpec
    labels : tuple of str
        Group labels, by group code.
    point, replicates, eligible : dict of metric to array
        ``(G,)`` values, ``(B, G)`` bootstrap replicates (or ``None``), and
        ``(G,)`` masks of groups large enough and defined.
    reference : int
        Code of the reference group.
    confidence_level : float
    n_effective : dict of metric to array, optional
        Effective denominators of proportions (binomial intervals and
        two-proportion tests); metrics without one are treated as errors.
    p_values : dict of metric to array, optional
        Tests computed elsewhere (permutation tests of errors), named ``test``.

    Returns
    -------
    ComparisonFamily
    """
    n_effective = n_effective or {}
    p_values = p_values or {}
    metrics = [
        GroupMetric(m, point[m], eligible[m], replicates.get(m), n_effective=n_effective.get(m),
                    p_values=p_values.get(m), test=test if m in p_values else None)
        for m in spec.metrics
    ]
    fam = compare_to_reference(metrics, reference=reference, confidence_level=confidence_level)
    return ComparisonFamily(
        key=spec.key,
        label=spec.label,
        metrics=fam.metrics,
        reference=labels[reference],
        confidence_level=fam.confidence_level,
        n_resamples=fam.n_resamples,
        comparisons=tuple(_comparison(c, labels) for c in fam.comparisons),
        reference_eligible=fam.reference_eligible,
        extremes=tuple(
            Extremes(e.metric, None if e.lowest_group is None else labels[e.lowest_group],
                     None if e.highest_group is None else labels[e.highest_group], e.ratio, e.difference)
            for e in fam.extremes
        ),
        ratio_critical_value=fam.ratio_critical_value,
        difference_critical_value=fam.difference_critical_value,
        notes=fam.notes,
    )


def _estimate(e: IntervalEstimate) -> Estimate:
    return Estimate(value=e.value, ci_low=e.ci_low, ci_high=e.ci_high, reason=e.reason)


def _comparison(c: Comparison, labels: tuple[str, ...]) -> GroupComparison:
    return GroupComparison(
        metric=c.metric, group=labels[c.group], eligible=c.eligible, value=c.value, reference_value=c.reference_value,
        ratio=_estimate(c.ratio), difference=_estimate(c.difference), p_value=c.p_value, test=c.test,
        ratio_method=c.ratio_method, difference_method=c.difference_method,
    )
