"""Data quality: is the data clean, and is every group represented and measured alike?

Pure computation: pandas in, frozen dataclasses of JSON-native values out. No
rendering, no policy; thresholds are arguments.

- :func:`column_profiles` — missing share, distinct values, (near-)constant,
  mixed types, IQR outliers per column;
- :func:`duplicate_rows` — duplicated rows;
- :func:`reference_coverage` — values outside the reference's range, categories
  the reference never had;
- :func:`group_profiles`, :func:`differential_missingness`,
  :func:`differential_missingness_flags`, :func:`representation_shift` — per
  sensitive group;
- :func:`quality_table`, :func:`missingness_table` — the data-quality section's
  result as tidy DataFrames (also in :mod:`auditor.data_quality`).
"""

from auditor.quality.columns import NEAR_CONSTANT_SHARE, OUTLIER_K, ColumnProfile, column_profiles
from auditor.quality.groups import (
    DifferentialMissingness,
    GroupProfile,
    GroupShare,
    RepresentationShift,
    differential_missingness,
    differential_missingness_flags,
    group_profiles,
    representation_shift,
)
from auditor.quality.reference import MAX_EXAMPLES, ReferenceCoverage, reference_coverage
from auditor.quality.rows import DuplicateRows, duplicate_rows
from auditor.quality.tables import missingness_table, quality_table

__all__ = [
    "NEAR_CONSTANT_SHARE", "OUTLIER_K", "MAX_EXAMPLES",
    "ColumnProfile", "column_profiles",
    "DuplicateRows", "duplicate_rows",
    "ReferenceCoverage", "reference_coverage",
    "GroupProfile", "group_profiles",
    "DifferentialMissingness", "differential_missingness", "differential_missingness_flags",
    "GroupShare", "RepresentationShift", "representation_shift",
    "quality_table", "missingness_table",
]
