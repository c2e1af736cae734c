"""Data quality and representation: is the data clean, is every group represented
and measured alike, and does the audited data stay within what the reference showed?"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from auditor.context import AuditContext, SkipSection
from auditor.data import missing_matrix, row_hashes
from auditor.policy import data_quality_findings
from auditor.quality import reference_coverage, representation_shift
from auditor.quality.columns import profile_column
from auditor.quality.groups import differential_missingness_from_missing, group_profiles_from_missing
from auditor.quality.rows import duplicates_from_hashes
from auditor.results import DataQualityResult, DatasetQuality
from auditor.sections._base import Section
from auditor.sections._groups import SensitiveGroups, positive_labels, sensitive_groups

__all__ = ["DataQualitySection"]


@dataclass(frozen=True)
class DataQualitySection(Section):
    """Profile the audited data (and the reference data, when given) column by column
    and group by group.

    Per column: missing share, distinct values, constant or near-constant columns,
    mixed value types, numeric outliers (Tukey's IQR rule), duplicated rows and,
    against the reference, values outside its range and categories it never had.
    Per sensitive group: share of the rows, base rate and missing share per column,
    the difference of each group's missing share from the other rows'
    (*differential missingness*, with Newcombe intervals and Benjamini-Hochberg
    adjusted tests) and the group's share against the reference's.

    Counts are of rows, unweighted: a sample weight says how much a row matters to
    a population estimate, not whether the value in it is clean.

    Parameters
    ----------
    bins : dict of str to int or list of float, default={}
        Cuts for numeric sensitive features, as in
        :class:`~auditor.FairnessSection`: cut points (``{"age": [25, 40]}``) or a
        number of quantile bins (``{"age": 4}``, computed over the audited and
        reference rows together so both sides are cut alike). A numeric sensitive
        feature with more than 20 values and no bins is left out of the group
        analyses, with the reason.
    categorical_features : tuple of str, default=()
        Numeric columns that are codes (a ZIP code): profiled and compared as
        categories, without an outlier rule.
    near_constant_share : float, default=0.95
        A column is near-constant when its most frequent value covers at least
        this share of its non-missing rows.
    outlier_k : float, default=1.5
        Tukey's fence multiplier.
    max_examples : int, default=5
        Out-of-reference values listed per column.
    """

    name = "data_quality"
    # every statistic reads one column at a time, the rows' hashes or where values
    # are missing: under the Dask engine, all of it over every row (see _Columns)
    distributed = True
    reads_model_inputs = False
    title = "Data quality and representation"
    topic = "data quality and representation"
    result_type = DataQualityResult
    findings = data_quality_findings
    view = "auditor.render.views.data_quality:build"
    template = "sections/data_quality.html.j2"

    bins: Mapping[str, int | Sequence[float]] = field(default_factory=dict)
    categorical_features: tuple[str, ...] = ()
    near_constant_share: float = 0.95
    outlier_k: float = 1.5
    max_examples: int = 5

    def __post_init__(self) -> None:
        if not 0 < self.near_constant_share <= 1:
            raise ValueError(f"Expected near_constant_share in (0, 1]. Got {self.near_constant_share!r} instead.")
        if self.outlier_k < 0:
            raise ValueError(f"Expected a non-negative outlier_k. Got {self.outlier_k!r} instead.")
        if isinstance(self.max_examples, bool) or not isinstance(self.max_examples, int) or self.max_examples < 0:
            raise ValueError(f"Expected max_examples to be a non-negative int. Got {self.max_examples!r} instead.")
        object.__setattr__(self, "categorical_features", tuple(self.categorical_features))

    def compute(self, ctx: AuditContext) -> DataQualityResult:
        X = ctx.X
        if X is None:
            raise SkipSection("needs the features X; this audit was built from predictions without X")
        unknown = [c for c in self.categorical_features if c not in X.columns]
        if unknown:
            raise KeyError(f"categorical_features names column(s) {unknown} that are not in X. Expected some of {list(X.columns)[:20]}.")
        level = ctx.confidence_level
        groups = sensitive_groups(ctx, self.bins, type(self).__name__)
        y_current = positive_labels(ctx, ctx.data.y_true)
        ref = ctx.reference
        shared = [] if ref is None else [c for c in X.columns if c in ref.X.columns]
        cat = set(self.categorical_features)
        coverage = []

        def compare(c: str, s: pd.Series) -> None:
            # against the reference while the audited column is at hand (pulled once under Dask)
            if c in shared:
                coverage.extend(reference_coverage(s.to_frame(c), ref.X[[c]], categorical_features=[c] if c in cat else None,
                                                   max_examples=self.max_examples))

        current = self._dataset(_Columns.of_context(ctx), "current", groups.current, y_current, level, compare)
        notes = list(groups.left_out)
        out = dict(
            current=current, confidence_level=level, near_constant_share=self.near_constant_share,
            outlier_k=self.outlier_k, sensitive_features=() if groups.current is None else tuple(groups.current.columns),
            groups_reason=groups.reason, bins=groups.bins or None,
        )
        if ref is None:
            out["reference_reason"] = "no reference data was given (Auditor(..., X_reference=...))"
            out["representation_reason"] = out["reference_reason"]
            return DataQualityResult(**out, notes=tuple(notes))
        only_current = [c for c in X.columns if c not in ref.X.columns]
        if only_current:
            notes.append(f"Column(s) {only_current} of the audited data are not in the reference and are not compared with it.")
        y_reference = positive_labels(ctx, ref.y_true)
        reference_groups = groups.reference if groups.current is not None else None
        out["reference"] = self._dataset(_Columns.of_frame(ref.X[shared]), "reference", reference_groups, y_reference,
                                         level)
        out["coverage"] = tuple(coverage)
        out["representation"], out["representation_reason"] = _representation(groups, level)
        return DataQualityResult(**out, notes=tuple(notes))

    def _dataset(self, data: _Columns, role: str, groups: pd.DataFrame | None, y, level: float,
                 each: Callable[[str, pd.Series], None] | None = None) -> DatasetQuality:
        cat = set(self.categorical_features)
        profiles = []
        for c in data.columns:
            s = data.column(c)
            profiles.append(profile_column(s, c, categorical=c in cat, near_constant_share=self.near_constant_share,
                                           outlier_k=self.outlier_k))
            if each is not None:
                each(c, s)
            del s  # one column in memory at a time
        by_group, missing = (), ()
        if groups is not None:
            names, na = data.missing_values()
            by_group = group_profiles_from_missing(data.columns, names, na, groups, y_true=y, pos_label=1,
                                                   confidence_level=level)
            missing = differential_missingness_from_missing(names, na, groups, confidence_level=level)
        return DatasetQuality(role=role, n_rows=data.n_rows, n_columns=len(data.columns), columns=tuple(profiles),
                              duplicates=duplicates_from_hashes(data.row_hash(), len(data.columns)), groups=by_group,
                              differential_missingness=missing)


@dataclass(frozen=True)
class _Columns:
    """What the section reads of a data set: its columns one at a time, every
    row's hash and where values are missing. The audited rows are read through
    the context (in memory, or column by column from a Dask cluster); the
    reference is a frame in memory."""

    columns: list[str]
    n_rows: int
    column: Callable[[str], pd.Series]
    row_hash: Callable[[], np.ndarray]
    missing_values: Callable[[], tuple[list[str], np.ndarray]]

    @classmethod
    def of_context(cls, ctx: AuditContext) -> _Columns:
        return cls(list(ctx.X.columns), ctx.n_rows, ctx.column, lambda: ctx.row_hash(None), ctx.missing_values)

    @classmethod
    def of_frame(cls, X: pd.DataFrame) -> _Columns:
        return cls(list(X.columns), len(X), lambda c: X[c], lambda: row_hashes(X), lambda: missing_matrix(X))


def _representation(groups: SensitiveGroups, level: float):
    if groups.current is None:
        return (), groups.reason
    if groups.reference is None:
        return (), groups.reference_reason
    return representation_shift(groups.current, groups.reference, confidence_level=level), None
