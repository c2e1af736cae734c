"""Results of the data-quality section, and the records of the quality engine it is built from.

The engine (:mod:`auditor.quality`) returns these frozen dataclasses and the
section nests them in :class:`DataQualityResult`; they live here so that a stored
audit reads them back without importing any computation. Which differences are
worth a finding is the policy's call (:class:`~auditor.results.DataQualityPolicy`).
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.results._base import Estimate
from auditor.results._section import SectionResult

__all__ = [
    "ColumnProfile",
    "DuplicateRows",
    "ReferenceCoverage",
    "GroupProfile",
    "DifferentialMissingness",
    "GroupShare",
    "RepresentationShift",
    "DatasetQuality",
    "DataQualityResult",
]


@dataclass(frozen=True)
class ColumnProfile:
    """Quality measurements of one column.

    Shares are ``None`` (with ``reason``) when their denominator is 0. Outlier
    fields are ``None`` for a non-numeric column.
    """

    column: str
    dtype: str
    kind: str
    n_rows: int
    n_missing: int
    missing_share: float | None
    n_distinct: int
    dominant_value: str | None
    dominant_share: float | None
    is_constant: bool
    is_near_constant: bool
    type_counts: dict[str, int]
    mixed_types: bool
    n_outliers: int | None
    outlier_share: float | None
    q1: float | None
    q3: float | None
    iqr: float | None
    lower_fence: float | None
    upper_fence: float | None
    reason: str | None = None


@dataclass(frozen=True)
class DuplicateRows:
    """Rows equal in every column to another row.

    ``n_duplicates`` counts the copies beyond the first (``n_rows`` minus the
    number of distinct rows), ``n_duplicated_groups`` the distinct rows that occur
    more than once, ``largest_group`` the most copies of one row.
    """

    n_rows: int
    n_duplicates: int
    duplicate_share: float | None
    n_duplicated_groups: int
    largest_group: int
    reason: str | None = None


@dataclass(frozen=True)
class ReferenceCoverage:
    """How much of one column of the current data lies outside what the reference showed.

    For a numeric column: ``n_below`` / ``n_above`` the reference's
    ``[reference_min, reference_max]``; for a categorical one: ``n_unseen`` rows
    whose category is absent from the reference, ``n_unseen_categories`` such
    categories. ``share`` is of the current non-missing rows; ``examples`` are up
    to ``max_examples`` offending values (as text).
    """

    column: str
    kind: str
    n_rows: int
    n_outside: int
    share: float | None
    examples: tuple[str, ...]
    reference_min: float | None = None
    reference_max: float | None = None
    n_below: int | None = None
    n_above: int | None = None
    n_unseen_categories: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class GroupProfile:
    """One group's share of the rows, base rate and missing share per column.

    ``base_rate`` (share of ``y_true == pos_label``, Wilson interval) is ``None``
    when no labels were given. ``missing_share`` lists every column.
    """

    sensitive_feature: str
    group: str
    n_rows: int
    share: float
    base_rate: Estimate | None
    missing_share: dict[str, float]


@dataclass(frozen=True)
class DifferentialMissingness:
    """How much more often ``column`` is missing for ``group`` than for the other rows.

    ``difference`` is ``missing_share_group - missing_share_rest`` with a Newcombe
    interval; ``ratio`` is ``None`` (with ``reason``) when the rest has no missing value.
    """

    sensitive_feature: str
    group: str
    column: str
    n_group: int
    n_rest: int
    missing_share_group: float
    missing_share_rest: float | None
    difference: Estimate
    ratio: float | None
    p_value: float | None
    p_value_adjusted: float | None
    reason: str | None = None

    def flagged(self, *, alpha: float = 0.05, min_difference: float = 0.05) -> bool:
        """Whether the group's column is significantly (adjusted p below ``alpha``) and
        materially (by at least ``min_difference``) more often missing than the rest's."""
        d = self.difference.value
        return (self.p_value_adjusted is not None and self.p_value_adjusted < alpha and d is not None
                and d >= min_difference)


@dataclass(frozen=True)
class GroupShare:
    """A group's share of the current and of the reference rows, and the difference (current - reference)."""

    group: str
    n_current: int
    n_reference: int
    share_current: float | None
    share_reference: float | None
    difference: Estimate

    def shifted(self, min_difference: float = 0.05) -> bool:
        """Whether the share moved by at least ``min_difference`` (absolute) with an
        interval of the difference that excludes 0."""
        d = self.difference
        if d.value is None or abs(d.value) < min_difference or d.ci_low is None or d.ci_high is None:
            return False
        return d.ci_low > 0 or d.ci_high < 0


@dataclass(frozen=True)
class RepresentationShift:
    """Group shares of one sensitive feature, current against reference.

    ``statistic``/``p_value``: chi-squared homogeneity of the group counts.
    """

    sensitive_feature: str
    statistic: float | None
    p_value: float | None
    dof: int
    groups: tuple[GroupShare, ...]
    reason: str | None = None


@dataclass(frozen=True)
class DatasetQuality:
    """The quality measurements of one dataset (the audited rows, or the reference).

    Attributes
    ----------
    role : {"current", "reference"}
    n_rows, n_columns : int
    columns : tuple of ColumnProfile
        Every column examined, in the data's order.
    duplicates : DuplicateRows
    groups : tuple of GroupProfile
        Share, base rate (binary tasks with labels) and missing share per column
        of every sensitive group; empty without sensitive features.
    differential_missingness : tuple of DifferentialMissingness
        Each group's missing share against the other rows', for every column
        with a missing value; p-values adjusted over all entries of the dataset.
    """

    role: str
    n_rows: int
    n_columns: int
    columns: tuple[ColumnProfile, ...]
    duplicates: DuplicateRows
    groups: tuple[GroupProfile, ...] = ()
    differential_missingness: tuple[DifferentialMissingness, ...] = ()

    def column(self, name: str) -> ColumnProfile:
        """The profile of column ``name``; ``KeyError`` when it was not examined."""
        for c in self.columns:
            if c.column == name:
                return c
        raise KeyError(f"Expected one of {[c.column for c in self.columns]}. Got {name!r} instead.")


@dataclass(frozen=True)
class DataQualityResult(SectionResult):
    """Is the data clean, and is every group represented and measured alike?

    Attributes
    ----------
    current : DatasetQuality
        The audited rows.
    reference : DatasetQuality or None
        The reference data, on the columns it shares with the audited rows;
        ``None`` without one (``reference_reason``).
    coverage : tuple of ReferenceCoverage
        Per shared column, current values outside the reference's range and
        categories the reference never had.
    representation : tuple of RepresentationShift
        Group shares of the audited rows against the reference's.
    sensitive_features : tuple of str
        The sensitive features whose groups were examined.
    groups_reason, representation_reason : str or None
        Why a group analysis is absent.
    bins : dict or None
        Bin labels of each binned (numeric) sensitive feature.
    near_constant_share, outlier_k : float
        The rules behind the near-constant and outlier columns.
    confidence_level : float
        Of the Wilson and Newcombe intervals.
    notes : tuple of str
    """

    current: DatasetQuality
    confidence_level: float
    near_constant_share: float
    outlier_k: float
    reference: DatasetQuality | None = None
    reference_reason: str | None = None
    coverage: tuple[ReferenceCoverage, ...] = ()
    representation: tuple[RepresentationShift, ...] = ()
    sensitive_features: tuple[str, ...] = ()
    groups_reason: str | None = None
    representation_reason: str | None = None
    bins: dict[str, tuple[str, ...]] | None = None
    notes: tuple[str, ...] = ()
