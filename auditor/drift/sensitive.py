"""Sensitive groups as string labels, shared by the drift and quality engines.

A group is one value of one sensitive column (an intersection is a column the
caller builds, e.g. ``sex + " · " + race``). Labels are the values' ``str``,
missing is the group ``"(missing)"``; a numeric column with more than
:data:`MAX_GROUPS` values must be binned first (cutting ages is a substantive
choice, see :func:`auditor.fairness.groups.apply_bins`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.drift.columns import MISSING_LABEL, natural_key

__all__ = ["as_sensitive_frame", "group_labels", "MAX_GROUPS"]

MAX_GROUPS = 20


def as_sensitive_frame(sensitive, n_rows: int, name: str) -> pd.DataFrame:
    """A DataFrame of sensitive columns with a fresh RangeIndex (aligned by position)."""
    if isinstance(sensitive, pd.Series):
        sensitive = sensitive.to_frame(name=str(sensitive.name) if sensitive.name is not None else "sensitive")
    if not isinstance(sensitive, pd.DataFrame):
        raise TypeError(f"Expected {name} to be a pandas DataFrame or Series. Got {type(sensitive).__name__} instead.")
    if len(sensitive) != n_rows:
        raise ValueError(f"Expected {name} to have {n_rows} rows, one per row of the data. Got {len(sensitive)} instead.")
    return sensitive.reset_index(drop=True)


def group_labels(s: pd.Series, column: str, name: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Row labels of one sensitive column and its groups in sorted order."""
    # factorise first: str() on a million rows is slow, on a few uniques it is free
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype) and len(uniques) > MAX_GROUPS:
        raise ValueError(f"Expected at most {MAX_GROUPS} distinct values in sensitive feature {column!r} of {name}. "
                         f"Got {len(uniques)} instead: bin it first (for example with pandas.cut).")
    names = np.array([str(u.item() if hasattr(u, "item") else u) for u in uniques] + [MISSING_LABEL], dtype=object)
    labels = names[codes]
    return labels, tuple(sorted(set(labels), key=natural_key))
