"""How each column is compared: as numbers or as categories, and its encoding.

A column is numeric when both frames hold it with a numeric, non-boolean dtype;
everything else (strings, categories, booleans, an object column mixing numbers and
strings, a column numeric on one side only) is compared as categories. Callers can
force columns to categorical with ``categorical_features`` (a numeric code such as
a ZIP code is not a quantity).

Category labels are the values' ``str``; a missing value (NaN, None, pd.NA) is
its own category, :data:`MISSING_LABEL`, listed last. Labels are sorted (numbers
numerically, then text), so codes depend on the values only, never on row order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["NUMERIC", "CATEGORICAL", "MISSING_LABEL", "column_kinds", "CategoricalCodes", "encode_categorical", "numeric_values",
           "natural_key"]

NUMERIC = "numeric"
CATEGORICAL = "categorical"
#: Label of the missing-value category.
MISSING_LABEL = "(missing)"


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def column_kinds(
    X: pd.DataFrame, X_reference: pd.DataFrame | None = None, *, categorical_features: Iterable[str] | None = None
) -> dict[str, str]:
    """``{column: "numeric" | "categorical"}`` for every column of ``X``, in its order.

    Parameters
    ----------
    X : pandas.DataFrame
    X_reference : pandas.DataFrame, optional
        When given, a column is numeric only if it is numeric in both frames.
    categorical_features : iterable of str, optional
        Columns to compare as categories even when numeric.

    Raises
    ------
    KeyError
        If ``categorical_features`` names a column that ``X`` does not have.
    """
    forced = set(categorical_features or ())
    unknown = sorted(forced - set(X.columns))
    if unknown:
        raise KeyError(f"Expected categorical_features to name columns of X. Got {unknown!r} instead.")
    kinds = {}
    for col in X.columns:
        numeric = _is_numeric(X[col]) and (X_reference is None or _is_numeric(X_reference[col]))
        kinds[col] = NUMERIC if numeric and col not in forced else CATEGORICAL
    return kinds


def numeric_values(s: pd.Series) -> np.ndarray:
    """Float values with missing as NaN (nullable integer columns included)."""
    return s.astype("float64").to_numpy(dtype=float, na_value=np.nan) if s.hasnans else s.to_numpy(dtype=float)


@dataclass(frozen=True)
class CategoricalCodes:
    """Both sides of a categorical column coded over one shared, sorted label list.

    ``reference`` and ``current`` are int arrays indexing ``labels``; missing
    values have the code of :data:`MISSING_LABEL`, the last label, present only
    when some value is missing.
    """

    reference: np.ndarray
    current: np.ndarray
    labels: tuple[str, ...]

    @property
    def n_categories(self) -> int:
        return len(self.labels)


def natural_key(label: str):
    """Sort key of a label: numbers numerically, then text."""
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def _side_codes(s: pd.Series) -> tuple[np.ndarray, list[str]]:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy().astype(np.int64), [_label(c) for c in s.cat.categories]
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    return codes.astype(np.int64), [_label(u) for u in uniques]


def _label(v) -> str:
    # numpy scalars print their Python value ("3", not "np.int64(3)")
    return str(v.item() if hasattr(v, "item") else v)


def encode_categorical(reference: pd.Series | None, current: pd.Series) -> CategoricalCodes:
    """Code two samples of one categorical column over their shared labels.

    Values whose ``str`` coincide (``1`` and ``"1"``) become one category.
    ``reference`` may be ``None``: the codes then cover ``current`` alone (and
    ``CategoricalCodes.reference`` is empty).
    """
    sides = [_side_codes(s) for s in ([] if reference is None else [reference]) + [current]]
    has_missing = any((codes < 0).any() for codes, _ in sides)
    labels = sorted({lab for _, labs in sides for lab in labs}, key=natural_key)
    # a declared but unused category of a Categorical is not a category of the data
    used = set()
    for codes, labs in sides:
        # counting, not np.unique: no sort of a million codes
        present = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(labs)))
        used.update(labs[i] for i in present)
    labels = [lab for lab in labels if lab in used]
    if has_missing and MISSING_LABEL not in labels:
        labels.append(MISSING_LABEL)
    position = {lab: i for i, lab in enumerate(labels)}
    missing_code = position.get(MISSING_LABEL, -1)
    out = []
    for codes, labs in sides:
        lookup = np.array([position.get(lab, -1) for lab in labs] + [missing_code], dtype=np.int64)
        # code -1 (missing) indexes the appended last entry
        out.append(lookup[codes])
    if reference is None:
        out.insert(0, np.empty(0, dtype=np.int64))
    return CategoricalCodes(reference=out[0], current=out[1], labels=tuple(labels))
