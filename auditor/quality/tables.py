"""Tidy tables of data-quality results, for notebooks and further analysis."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from auditor.results import AuditResult, DataQualityResult

__all__ = ["quality_table", "missingness_table"]

_COLUMNS = [
    "column", "kind", "dtype", "n_rows", "n_missing", "missing_share", "n_distinct", "dominant_value",
    "dominant_share", "is_constant", "is_near_constant", "mixed_types", "n_outliers", "outlier_share",
    "missing_share_reference", "n_outside_reference", "outside_reference_share", "outside_reference_examples",
]


def _section(result: AuditResult | DataQualityResult) -> DataQualityResult:
    if isinstance(result, DataQualityResult):
        return result
    if isinstance(result, AuditResult):
        q = result.sections.get("data_quality")
        if q is None:
            reason = next((s.reason for s in result.skipped if s.section == "data_quality"),
                          "the data-quality section did not run")
            raise ValueError(f"Expected an audit with a data-quality result. Got none: {reason}.")
        return q
    raise TypeError(f"Expected an AuditResult or a DataQualityResult. Got {type(result).__name__} instead.")


def quality_table(
    result: AuditResult | DataQualityResult, *, dataset: Literal["current", "reference"] = "current"
) -> pd.DataFrame:
    """One row per column: missing values, distinct values, constancy, mixed types,
    IQR outliers and, for the audited data with a reference, the values outside it.

    Parameters
    ----------
    result : AuditResult or DataQualityResult
    dataset : {"current", "reference"}, default="current"
        The audited rows, or the reference data.

    Returns
    -------
    pandas.DataFrame
        Columns as in :class:`~auditor.results.ColumnProfile`, plus
        ``missing_share_reference``, ``n_outside_reference``,
        ``outside_reference_share`` and ``outside_reference_examples`` (the
        audited data against the reference; missing otherwise). Undefined values
        are missing.
    """
    q = _section(result)
    if dataset not in ("current", "reference"):
        raise ValueError(f"Expected dataset 'current' or 'reference'. Got {dataset!r} instead.")
    data = q.current if dataset == "current" else q.reference
    if data is None:
        raise ValueError(f"Expected a reference dataset in the result. Got none: {q.reference_reason}.")
    ref = {c.column: c for c in q.reference.columns} if q.reference is not None and dataset == "current" else {}
    coverage = {c.column: c for c in q.coverage} if dataset == "current" else {}
    rows = []
    for c in data.columns:
        r, cov = ref.get(c.column), coverage.get(c.column)
        rows.append({
            "column": c.column, "kind": c.kind, "dtype": c.dtype, "n_rows": c.n_rows, "n_missing": c.n_missing,
            "missing_share": c.missing_share, "n_distinct": c.n_distinct, "dominant_value": c.dominant_value,
            "dominant_share": c.dominant_share, "is_constant": c.is_constant, "is_near_constant": c.is_near_constant,
            "mixed_types": c.mixed_types, "n_outliers": c.n_outliers, "outlier_share": c.outlier_share,
            "missing_share_reference": None if r is None else r.missing_share,
            "n_outside_reference": None if cov is None else cov.n_outside,
            "outside_reference_share": None if cov is None else cov.share,
            "outside_reference_examples": None if cov is None else list(cov.examples),
        })
    table = pd.DataFrame(rows, columns=_COLUMNS)
    for col in ("n_outliers", "n_outside_reference"):
        table[col] = table[col].astype("Int64")
    return table


def missingness_table(result: AuditResult | DataQualityResult) -> pd.DataFrame:
    """One row per (dataset, sensitive feature, group, column with missing values):
    the group's missing share against the other rows', the difference with its
    interval, and the Benjamini-Hochberg adjusted p-value."""
    q = _section(result)
    rows = [
        {"dataset": d.role, "sensitive_feature": e.sensitive_feature, "group": e.group, "column": e.column,
         "n_group": e.n_group, "missing_share_group": e.missing_share_group, "missing_share_rest": e.missing_share_rest,
         "difference": e.difference.value, "ci_low": e.difference.ci_low, "ci_high": e.difference.ci_high,
         "p_value": e.p_value, "p_adjusted": e.p_value_adjusted}
        for d in (q.current, q.reference) if d is not None for e in d.differential_missingness
    ]
    return pd.DataFrame(rows, columns=["dataset", "sensitive_feature", "group", "column", "n_group",
                                       "missing_share_group", "missing_share_rest", "difference", "ci_low", "ci_high",
                                       "p_value", "p_adjusted"])
