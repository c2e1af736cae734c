"""Data quality: is the data clean, and is every group represented and measured alike?

The public face of the quality engine (:mod:`auditor.quality`) and tidy tables of
the data-quality section's result:

>>> from auditor.data_quality import quality_table
>>> quality_table(result)            # doctest: +SKIP
"""

from auditor.quality import (
    ColumnProfile,
    DifferentialMissingness,
    DuplicateRows,
    GroupProfile,
    GroupShare,
    ReferenceCoverage,
    RepresentationShift,
    column_profiles,
    differential_missingness,
    differential_missingness_flags,
    duplicate_rows,
    group_profiles,
    reference_coverage,
    representation_shift,
)
from auditor.quality.tables import missingness_table, quality_table

__all__ = [
    "quality_table",
    "missingness_table",
    "ColumnProfile",
    "column_profiles",
    "DuplicateRows",
    "duplicate_rows",
    "ReferenceCoverage",
    "reference_coverage",
    "GroupProfile",
    "group_profiles",
    "DifferentialMissingness",
    "differential_missingness",
    "differential_missingness_flags",
    "GroupShare",
    "RepresentationShift",
    "representation_shift",
]
