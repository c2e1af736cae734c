"""Per-column data quality: missing values, distinct values, constancy, types, outliers.

Counts are of rows, unweighted: a sample weight says how much a row matters to a
population estimate, not whether the value in it is clean.

- **near-constant**: the most frequent non-missing value covers at least
  ``near_constant_share`` (default 0.95) of the non-missing rows; **constant**:
  one distinct value at most.
- **mixed types** (object and categorical columns): every distinct non-missing
  value is classed as ``number`` (int, float, Decimal, numpy number), ``bool``,
  ``numeric_text`` (a string that parses as a number, "12", "3.5"), ``text``
  (any other string) or ``other`` (dates, lists, ...); the column mixes types when
  its rows fall in more than one class (``"12"`` next to ``"abc"`` is mixed: a
  number stored as text among words).
- **outliers** (numeric columns): Tukey's rule, outside
  ``[Q1 - k IQR, Q3 + k IQR]`` with ``k = 1.5`` (``outlier_k``), strictly; the
  quartiles are numpy's default ``"linear"`` quantiles (Hyndman & Fan type 7) of
  the non-missing values, and the share is of the non-missing rows. A column
  whose quartiles coincide (``capital_gain``: mostly zeros) has ``IQR = 0`` and
  every other value is an outlier; that is what the rule says, and ``iqr`` is
  reported so a reader sees why.
"""

from __future__ import annotations

import decimal
import math
import numbers

import numpy as np
import pandas as pd

from auditor.drift.checks import check_frame
from auditor.drift.columns import NUMERIC, column_kinds, numeric_values
from auditor.results.data_quality import ColumnProfile

__all__ = ["NEAR_CONSTANT_SHARE", "OUTLIER_K", "TYPE_CLASSES", "ColumnProfile", "column_profiles", "profile_column",
           "value_type"]

NEAR_CONSTANT_SHARE = 0.95
OUTLIER_K = 1.5
TYPE_CLASSES = ("number", "bool", "numeric_text", "text", "other")


def value_type(v) -> str:
    """The class of one non-missing value (see the module notes)."""
    if isinstance(v, (bool, np.bool_)):
        return "bool"
    if isinstance(v, (numbers.Number, decimal.Decimal)):
        return "number"
    if isinstance(v, str):
        try:
            # "1_000" parses in Python but is not how data writes a number; "nan"
            # and "inf" are markers, not numbers
            x = float(v.replace("_", "x"))
        except ValueError:
            return "text"
        return "numeric_text" if math.isfinite(x) else "text"
    return "other"


def _label(v) -> str:
    return str(v.item() if hasattr(v, "item") else v)


def _profile(s: pd.Series, col: str, kind: str, near_constant_share: float, outlier_k: float) -> ColumnProfile:
    n = len(s)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    present = codes >= 0
    n_missing = int(n - present.sum())
    n_present = n - n_missing
    counts = np.bincount(codes[present], minlength=len(uniques))
    n_distinct = int(len(uniques))
    reasons = []
    if n_present:
        # the most frequent value; ties go to the smallest label, not to whichever came first
        top = counts.max()
        ties = np.flatnonzero(counts == top)
        if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            # continuous values all tie at one row each: compare numbers, not their text
            dominant = _label(np.asarray(uniques)[ties].min())
        else:
            dominant = min(_label(uniques[i]) for i in ties)
        dominant_share = float(top / n_present)
    else:
        dominant, dominant_share = None, None
        reasons.append("no non-missing value")
    if pd.api.types.is_bool_dtype(s.dtype):
        type_counts = {"bool": n_present}
    elif pd.api.types.is_numeric_dtype(s.dtype):
        type_counts = {"number": n_present}
    else:
        type_counts: dict[str, int] = {}
        for u, c in zip(uniques, counts):
            t = value_type(u)
            type_counts[t] = type_counts.get(t, 0) + int(c)
        type_counts = {t: type_counts[t] for t in TYPE_CLASSES if t in type_counts}
    out = dict(n_outliers=None, outlier_share=None, q1=None, q3=None, iqr=None, lower_fence=None, upper_fence=None)
    if kind == NUMERIC and n_present:
        v = numeric_values(s)
        v = v[~np.isnan(v)]
        q1, q3 = np.quantile(v, [0.25, 0.75], method="linear")
        iqr = q3 - q1
        lo, hi = q1 - outlier_k * iqr, q3 + outlier_k * iqr
        k = int(((v < lo) | (v > hi)).sum())
        out = dict(n_outliers=k, outlier_share=k / len(v), q1=float(q1), q3=float(q3), iqr=float(iqr),
                   lower_fence=float(lo), upper_fence=float(hi))
    return ColumnProfile(
        column=col, dtype=str(s.dtype), kind=kind, n_rows=n, n_missing=n_missing,
        missing_share=n_missing / n if n else None, n_distinct=n_distinct, dominant_value=dominant,
        dominant_share=dominant_share, is_constant=n_distinct <= 1,
        is_near_constant=n_distinct > 1 and dominant_share is not None and dominant_share >= near_constant_share,
        type_counts=type_counts, mixed_types=len(type_counts) > 1, **out,
        reason="; ".join(reasons) or (None if n else "no rows"),
    )


def column_profiles(
    X: pd.DataFrame,
    *,
    categorical_features=None,
    near_constant_share: float = NEAR_CONSTANT_SHARE,
    outlier_k: float = OUTLIER_K,
) -> tuple[ColumnProfile, ...]:
    """Profile every column of ``X`` (in its order).

    Parameters
    ----------
    X : pandas.DataFrame
    categorical_features : iterable of str, optional
        Numeric columns to treat as categories (no outlier rule).
    near_constant_share : float, default 0.95
        Share of the non-missing rows the most frequent value must reach for the
        column to be near-constant.
    outlier_k : float, default 1.5
        Tukey's fence multiplier.

    Returns
    -------
    tuple of ColumnProfile
    """
    check_frame(X, "X")
    _check_options(near_constant_share, outlier_k)
    kinds = column_kinds(X, categorical_features=categorical_features)
    return tuple(_profile(X[c], c, kinds[c], near_constant_share, outlier_k) for c in X.columns)


def profile_column(
    s: pd.Series,
    column: str,
    *,
    categorical: bool = False,
    near_constant_share: float = NEAR_CONSTANT_SHARE,
    outlier_k: float = OUTLIER_K,
) -> ColumnProfile:
    """Profile one column, as :func:`column_profiles` profiles each of a frame's:
    the Dask engine brings the audited rows to the client one column at a time.

    Parameters
    ----------
    s : pandas.Series
    column : str
        The column's name.
    categorical : bool, default False
        A numeric column to treat as categories (``categorical_features``).
    near_constant_share, outlier_k : float
        As for :func:`column_profiles`.
    """
    _check_options(near_constant_share, outlier_k)
    frame = s.to_frame(column)
    kind = column_kinds(frame, categorical_features=[column] if categorical else None)[column]
    return _profile(frame[column], column, kind, near_constant_share, outlier_k)


def _check_options(near_constant_share: float, outlier_k: float) -> None:
    if not 0 < near_constant_share <= 1:
        raise ValueError(f"Expected near_constant_share in (0, 1]. Got {near_constant_share} instead.")
    if outlier_k < 0:
        raise ValueError(f"Expected a non-negative outlier_k. Got {outlier_k} instead.")
