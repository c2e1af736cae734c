"""Result of the fairness section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from auditor.results._base import Estimate
from auditor.results._section import SectionResult

__all__ = [
    "GroupMetrics",
    "GroupComparison",
    "Extremes",
    "ComparisonFamily",
    "Disparity",
    "GroupingResult",
    "ExcludedGroup",
    "Proxy",
    "ShapGroupDifference",
    "ShapByGroup",
    "MitigationOutcome",
    "FairnessResult",
]


@dataclass(frozen=True)
class GroupMetrics:
    """Metrics of one group, with bootstrap intervals.

    Attributes
    ----------
    label : str
        The group's name, e.g. ``"Female"`` or ``"Female · Black"`` for an
        intersection.
    values : tuple of str
        The value of each sensitive feature of the grouping.
    count : int
        Rows in the group (unweighted: the sample size behind its metrics).
    share : float
        Share of all audited rows (weighted when weights are given).
    metrics : dict of str to Estimate
        Keyed by metric code (``selection_rate``, ``true_positive_rate``, ...);
        a rate whose denominator is empty is undefined, with the reason.
    denominators : dict of str to int
        Rows behind each kind of rate: ``rows``, ``positives``, ``negatives``,
        ``predicted_positives``.
    missing_values : dict of str to int
        Missing values per column of X in this group (only columns with any).
    """

    label: str
    values: tuple[str, ...]
    count: int
    share: float
    metrics: dict[str, Estimate]
    denominators: dict[str, int]
    missing_values: dict[str, int]


@dataclass(frozen=True)
class GroupComparison:
    """One group against the reference group on one metric.

    Attributes
    ----------
    metric : str
        The metric's key (``"selection_rate"``, ``"true_positive_rate:versicolor"``).
    group : str
        The group's label.
    eligible : bool
        Large enough, like the reference, to enter a verdict. A comparison that
        is not eligible is described (its ratio and difference) with no interval.
    value, reference_value : float or None
        The group's and the reference group's values of the metric.
    ratio : Estimate
        ``value / reference_value`` (may exceed 1), with its simultaneous interval.
    difference : Estimate
        ``value - reference_value``, with its simultaneous interval.
    p_value : float or None
        Unadjusted two-sided p-value of "no difference from the reference";
        ``None`` when not eligible.
    test : str or None
        ``"z"`` (two-proportion z test), ``"fisher"`` (Fisher's exact test, for
        small counts) or ``"permutation"`` (regression errors).
    ratio_method, difference_method : str or None
        Where each interval comes from: ``"bootstrap-t"`` (a proportion),
        ``"bootstrap-se"`` (an error) or ``"clopper-pearson"`` (a rate of 0 or 1).
    """

    metric: str
    group: str
    eligible: bool
    value: float | None
    reference_value: float | None
    ratio: Estimate
    difference: Estimate
    p_value: float | None = None
    test: str | None = None
    ratio_method: str | None = None
    difference_method: str | None = None


@dataclass(frozen=True)
class Extremes:
    """The lowest and highest eligible group on one metric: described, never judged.

    No interval: the gap between the extreme groups is a maximum over groups, and
    a bootstrap of a maximum cannot cover "no gap" (see ``ComparisonFamily``).
    """

    metric: str
    lowest_group: str | None
    highest_group: str | None
    ratio: float | None
    difference: float | None


@dataclass(frozen=True)
class ComparisonFamily:
    """Every group against the reference group, on the metrics behind one check.

    The intervals of all eligible comparisons in the family hold *together* at
    ``confidence_level``, on the ratio scale and on the difference scale, so a
    check may read them all at once: its bounds on the worst group follow from
    them, and "no disparity" lies inside them as often as the level promises.

    Attributes
    ----------
    key : str
        ``"selection_rate"`` (four-fifths rule and demographic parity),
        ``"equalized_odds"`` (true and false positive rates),
        ``"equal_opportunity"``, ``"predictive_parity"``, ``"errors"``
        (regression) or ``"rates"`` (every rate of the ratio table, and dalex's
        fairness check).
    label : str
    metrics : tuple of str
    reference : str
        The reference group's label.
    confidence_level : float
    n_resamples : int
        Bootstrap resamples behind the intervals (0: values only).
    comparisons : tuple of GroupComparison
        By metric, then group, the reference left out.
    reference_eligible : tuple of bool
        Per metric: is the reference group itself large enough?
    extremes : tuple of Extremes
        Per metric, described only.
    ratio_critical_value, difference_critical_value : float or None
        The max-t multipliers of the simultaneous intervals.
    """

    key: str
    label: str
    metrics: tuple[str, ...]
    reference: str
    confidence_level: float
    n_resamples: int
    comparisons: tuple[GroupComparison, ...]
    reference_eligible: tuple[bool, ...] = ()
    extremes: tuple[Extremes, ...] = ()
    ratio_critical_value: float | None = None
    difference_critical_value: float | None = None
    notes: tuple[str, ...] = ()

    def judged(self) -> tuple[GroupComparison, ...]:
        """The comparisons a verdict rests on."""
        return tuple(c for c in self.comparisons if c.eligible)

    def comparison(self, metric: str, group: str) -> GroupComparison:
        for c in self.comparisons:
            if c.metric == metric and c.group == group:
                return c
        raise KeyError(f"No comparison of {group!r} on {metric!r} in family {self.key!r}.")


@dataclass(frozen=True)
class Disparity:
    """A gap between groups on one metric (archives written before schema 2.1).

    Audits now store :class:`ComparisonFamily` records instead: this bootstrapped
    the gap between the extreme groups, an interval that cannot contain "no
    disparity". It is kept so that older archives still load and render.

    ``between`` compares the extreme groups (difference: highest minus lowest;
    ratio: lowest over highest); ``vs_reference`` compares the worst group with the
    reference group (difference: largest absolute gap; ratio: lowest ratio).
    Only groups large enough for the metric enter (see ``excluded`` of the result);
    ``all_groups_*`` is the point value with the small groups too, so a verdict can
    tell when a group too small to judge would cross the threshold.
    """

    key: str
    label: str
    metric: str
    kind: Literal["difference", "ratio"]
    between: Estimate
    lowest_group: str | None
    highest_group: str | None
    vs_reference: Estimate
    reference_group: str | None
    worst_vs_reference: str | None
    n_groups: int
    all_groups_between: float | None = None
    all_groups_vs_reference: float | None = None
    small_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupingResult:
    """One way of splitting the rows: a sensitive feature or an intersection.

    ``families`` hold every group's comparison with the reference group, the
    numbers every fairness verdict rests on. ``disparities`` is filled only in
    archives written before schema 2.1.
    """

    name: str
    features: tuple[str, ...]
    groups: tuple[GroupMetrics, ...]
    reference_group: str | None
    reference_source: Literal["given", "largest group"]
    is_intersection: bool = False
    families: tuple[ComparisonFamily, ...] = ()
    disparities: tuple[Disparity, ...] = ()

    def group(self, label: str) -> GroupMetrics:
        for g in self.groups:
            if g.label == label:
                return g
        raise KeyError(f"No group {label!r} in {self.name}; groups are {[g.label for g in self.groups]}")

    def family(self, key: str) -> ComparisonFamily:
        for f in self.families:
            if f.key == key:
                return f
        raise KeyError(f"No comparison family {key!r} in {self.name}; available: {[f.key for f in self.families]}")

    def disparity(self, key: str) -> Disparity:
        for d in self.disparities:
            if d.key == key:
                return d
        raise KeyError(f"No disparity {key!r}; available: {[d.key for d in self.disparities]}")


@dataclass(frozen=True)
class ExcludedGroup:
    """A group left out of the verdicts on one metric, and why."""

    grouping: str
    group: str
    metric: str
    denominator: str
    size: int
    reason: str


@dataclass(frozen=True)
class Proxy:
    """How much a feature tells about a sensitive attribute.

    ``strength`` is the mutual information normalised by the attribute's entropy:
    the share of the uncertainty about the attribute that the feature removes
    (0: none, 1: the feature reveals it completely).
    """

    sensitive_feature: str
    feature: str
    strength: float
    mutual_information: float


@dataclass(frozen=True)
class ShapGroupDifference:
    feature: str
    difference: float
    highest_group: str
    lowest_group: str


@dataclass(frozen=True)
class ShapByGroup:
    """Mean absolute SHAP contribution per group of one sensitive feature."""

    grouping: str
    output: str
    mean_abs: dict[str, dict[str, float]]
    mean_signed: dict[str, dict[str, float]]
    largest_differences: tuple[ShapGroupDifference, ...]
    n_rows: int


@dataclass(frozen=True)
class MitigationOutcome:
    """What a post-processing mitigation would change, on the audited rows."""

    constraint: str
    accuracy_before: float | None
    accuracy_after: float | None
    disparities_before: dict[str, float | None]
    disparities_after: dict[str, float | None]
    selection_rate_after: dict[str, float | None]


@dataclass(frozen=True)
class FairnessResult(SectionResult):
    """Group metrics, disparities with intervals, and why gaps may exist.

    Attributes
    ----------
    groupings : tuple of GroupingResult
        Each sensitive feature alone, then their intersections.
    excluded : tuple of ExcludedGroup
        Every group left out of a verdict, with the reason.
    bins : dict of str to tuple of str
        The bins a continuous sensitive feature was cut into.
    n_permutations : int
        Random splits behind each permutation test of regression errors (0 for
        classification, whose rates are tested with two-proportion tests).
    """

    task: Literal["binary", "multiclass", "regression"]
    sensitive_features: tuple[str, ...]
    groupings: tuple[GroupingResult, ...]
    min_group_size: int
    confidence_level: float
    n_bootstrap: int
    excluded: tuple[ExcludedGroup, ...] = ()
    bins: dict[str, tuple[str, ...]] | None = None
    proxies: tuple[Proxy, ...] = ()
    proxy_rows: int = 0
    shap_by_group: tuple[ShapByGroup, ...] = ()
    shap_note: str | None = None
    mitigation: tuple[MitigationOutcome, ...] = ()
    mitigation_note: str | None = None
    notes: tuple[str, ...] = ()
    n_permutations: int = 0

    def grouping(self, name: str) -> GroupingResult:
        for g in self.groupings:
            if g.name == name:
                return g
        raise KeyError(f"No grouping {name!r}; available: {[g.name for g in self.groupings]}")
