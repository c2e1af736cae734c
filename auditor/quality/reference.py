"""Values the reference never showed: numbers outside its range, unseen categories.

A model extrapolates outside the range it learned from and has no learned
response to a category it never saw (a one-hot encoder with
``handle_unknown="ignore"`` silently maps it to "none of the known ones").
Missing values are not counted here (see the column profiles).

Examples are deterministic: out-of-range numbers farthest from the range first
(ties: smaller value first), unseen categories most frequent first (ties: by
label).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.drift.checks import check_frame, check_same_columns
from auditor.drift.columns import MISSING_LABEL, NUMERIC, column_kinds, encode_categorical, numeric_values
from auditor.results.data_quality import ReferenceCoverage

__all__ = ["MAX_EXAMPLES", "ReferenceCoverage", "reference_coverage"]

MAX_EXAMPLES = 5


def _fmt(x: float) -> str:
    return f"{x:.10g}"


def _numeric(col: str, cur: pd.Series, ref: pd.Series, max_examples: int) -> ReferenceCoverage:
    v = numeric_values(cur)
    v = v[~np.isnan(v)]
    r = numeric_values(ref)
    r = r[~np.isnan(r)]
    if len(r) == 0:
        return ReferenceCoverage(col, NUMERIC, len(v), 0, None, (), reason="the reference has no non-missing value")
    lo, hi = float(r.min()), float(r.max())
    below, above = v < lo, v > hi
    outside = np.unique(v[below | above])
    distance = np.where(outside < lo, lo - outside, outside - hi)
    order = np.lexsort((outside, -distance))[:max_examples]
    n_out = int(below.sum() + above.sum())
    return ReferenceCoverage(
        column=col, kind=NUMERIC, n_rows=len(v), n_outside=n_out, share=n_out / len(v) if len(v) else None,
        examples=tuple(_fmt(x) for x in outside[order]), reference_min=lo, reference_max=hi,
        n_below=int(below.sum()), n_above=int(above.sum()),
        reason=None if len(v) else "the current data has no non-missing value",
    )


def _categorical(col: str, cur: pd.Series, ref: pd.Series, kind: str, max_examples: int) -> ReferenceCoverage:
    codes = encode_categorical(ref, cur)
    k = codes.n_categories
    c_ref = np.bincount(codes.reference, minlength=k)
    c_cur = np.bincount(codes.current, minlength=k)
    labels = np.array(codes.labels, dtype=object)
    real = labels != MISSING_LABEL
    unseen = real & (c_ref == 0) & (c_cur > 0)
    n_rows = int(c_cur[real].sum())
    idx = np.flatnonzero(unseen)
    idx = idx[np.lexsort((labels[idx].astype(str), -c_cur[idx]))][:max_examples]
    n_out = int(c_cur[unseen].sum())
    return ReferenceCoverage(
        column=col, kind=kind, n_rows=n_rows, n_outside=n_out, share=n_out / n_rows if n_rows else None,
        examples=tuple(str(x) for x in labels[idx]), n_unseen_categories=int(unseen.sum()),
        reason=None if n_rows else "the current data has no non-missing value",
    )


def reference_coverage(
    X: pd.DataFrame, X_reference: pd.DataFrame, *, categorical_features=None, max_examples: int = MAX_EXAMPLES
) -> tuple[ReferenceCoverage, ...]:
    """Per column, how many current values lie outside the reference's range or categories.

    Parameters
    ----------
    X, X_reference : pandas.DataFrame
        Current and reference data, same columns.
    categorical_features : iterable of str, optional
        Numeric columns to treat as categories (then an unseen code counts, not a range).
    max_examples : int, default 5

    Returns
    -------
    tuple of ReferenceCoverage
        In ``X``'s column order.
    """
    check_frame(X, "X")
    check_frame(X_reference, "X_reference")
    check_same_columns(X, X_reference)
    if max_examples < 0:
        raise ValueError(f"Expected a non-negative max_examples. Got {max_examples} instead.")
    kinds = column_kinds(X, X_reference, categorical_features=categorical_features)
    return tuple(
        _numeric(c, X[c], X_reference[c], max_examples) if kinds[c] == NUMERIC
        else _categorical(c, X[c], X_reference[c], kinds[c], max_examples)
        for c in X.columns
    )
