"""Result of the fairness section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from auditor.results._base import Estimate
from auditor.results._section import SectionResult

__all__ = [
    "GroupMetrics",
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
class Disparity:
    """A gap between groups on one metric.

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
    """One way of splitting the rows: a sensitive feature or an intersection."""

    name: str
    features: tuple[str, ...]
    groups: tuple[GroupMetrics, ...]
    disparities: tuple[Disparity, ...]
    reference_group: str | None
    reference_source: Literal["given", "largest group"]
    is_intersection: bool = False

    def group(self, label: str) -> GroupMetrics:
        for g in self.groups:
            if g.label == label:
                return g
        raise KeyError(f"No group {label!r} in {self.name}; groups are {[g.label for g in self.groups]}")

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

    def grouping(self, name: str) -> GroupingResult:
        for g in self.groupings:
            if g.name == name:
                return g
        raise KeyError(f"No grouping {name!r}; available: {[g.name for g in self.groupings]}")
