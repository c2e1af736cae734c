"""A numeric encoding of the model's raw input, and its exact inverse.

LIME (and the model-agnostic SHAP explainer when a model takes a DataFrame) work on
float matrices. String, categorical and boolean columns are encoded as integer
codes and decoded, with their original dtype, before the model is called, so the
model always sees data shaped like what it was trained on and explanations speak
of raw values ("sex=Female"), never of one-hot columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["RawCodec", "MISSING"]

#: How a missing value of a categorical column is named in explanations.
MISSING = "(missing)"

#: A numeric column with missing values is treated as categorical (LIME cannot
#: discretise NaN) when it has at most this many distinct values.
MAX_CATEGORICAL_NUMERIC = 50


@dataclass
class RawCodec:
    """Encode a frame of raw model inputs as floats and back.

    Build it with :meth:`fit` on the audited rows; every value later decoded comes
    from those rows (codes) or from LIME's / SHAP's numeric sampling.

    Attributes
    ----------
    columns : tuple of str
    categorical : tuple of int
        Positions of the columns encoded as codes.
    values : dict of int to list
        For each categorical column, the original value of each code (``None``
        for the missing code, which is last).
    """

    columns: tuple[str, ...]
    dtypes: tuple[Any, ...]
    categorical: tuple[int, ...]
    values: dict[int, list[Any]] = field(default_factory=dict)

    @classmethod
    def fit(cls, frame: pd.DataFrame, *, nan_numeric_as_categorical: bool = True) -> RawCodec:
        """Learn the encoding of ``frame``'s columns.

        Raises
        ------
        ValueError
            If a numeric column has missing values and too many distinct values to
            be treated as categorical (``nan_numeric_as_categorical``).
        """
        categorical, values = [], {}
        for j, col in enumerate(frame.columns):
            s = frame[col]
            numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
            if numeric and not (nan_numeric_as_categorical and s.isna().any()):
                continue
            if numeric and s.nunique(dropna=True) > MAX_CATEGORICAL_NUMERIC:
                raise ValueError(
                    f"Column {col!r} is numeric with missing values and {s.nunique()} distinct values; "
                    "LIME cannot sample it. Impute it in the pipeline or leave it out of the LIME section."
                )
            categorical.append(j)
            if isinstance(s.dtype, pd.CategoricalDtype):
                cats = list(s.cat.categories)
            else:
                uniq = pd.unique(s.dropna())
                cats = sorted(uniq) if _sortable(uniq) else sorted(uniq, key=str)
            if s.isna().any():
                cats = cats + [None]
            values[j] = cats
        return cls(tuple(str(c) for c in frame.columns), tuple(frame.dtypes), tuple(categorical), values)

    # -- names ------------------------------------------------------------------
    def category_names(self) -> dict[int, list[str]]:
        """LIME's ``categorical_names``: the label of every code of every categorical column."""
        return {j: [MISSING if v is None else str(v) for v in vals] for j, vals in self.values.items()}

    # -- encoding -----------------------------------------------------------------
    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        out = np.empty((len(frame), len(self.columns)), dtype=float)
        for j, col in enumerate(self.columns):
            s = frame[col]
            if j not in self.values:
                out[:, j] = s.to_numpy(dtype=float, na_value=np.nan)
                continue
            vals = self.values[j]
            known = [v for v in vals if v is not None]
            if isinstance(s.dtype, pd.CategoricalDtype) and list(s.cat.categories) == known:
                codes = s.cat.codes.to_numpy().astype(np.int64)
            else:
                codes = pd.Index(known, dtype=object).get_indexer(s.astype(object).to_numpy())
            missing = codes < 0
            if missing.any():
                if vals[-1] is not None or not s[missing].isna().all():
                    bad = s[missing & s.notna().to_numpy()].unique()[:5]
                    raise ValueError(f"Column {col!r} holds value(s) {list(bad)} unseen when the encoding was built.")
                codes = np.where(missing, len(vals) - 1, codes)
            out[:, j] = codes
        return out

    def decode(self, Z: np.ndarray) -> pd.DataFrame:
        """The frame ``Z`` encodes, with the original dtypes (integer columns are
        rounded: LIME samples numbers on a continuum)."""
        Z = np.atleast_2d(np.asarray(Z, dtype=float))
        data = {}
        for j, col in enumerate(self.columns):
            dtype = self.dtypes[j]
            if j not in self.values:
                x = Z[:, j]
                if pd.api.types.is_integer_dtype(dtype):
                    data[col] = pd.Series(np.rint(x)).astype(dtype)
                else:
                    data[col] = pd.Series(x).astype(dtype)
                continue
            vals = self.values[j]
            codes = np.clip(np.rint(Z[:, j]).astype(np.int64), 0, len(vals) - 1)
            if isinstance(dtype, pd.CategoricalDtype):
                missing_code = len(vals) - 1 if vals[-1] is None else -2
                cat_codes = np.where(codes == missing_code, -1, codes)
                data[col] = pd.Series(pd.Categorical.from_codes(cat_codes, dtype=dtype))
            else:
                obj = np.empty(len(vals), dtype=object)
                obj[:] = vals
                decoded = pd.Series(obj[codes], dtype=object)
                try:
                    data[col] = decoded.astype(dtype)
                except (TypeError, ValueError):
                    data[col] = decoded
        return pd.DataFrame(data)

    def describe(self, j: int, value: float) -> str:
        """A readable form of the encoded ``value`` of column ``j``."""
        if j in self.values:
            v = self.values[j][int(round(value))]
            return MISSING if v is None else str(v)
        return f"{value:.4g}"


def _sortable(values) -> bool:
    try:
        sorted(values)
        return True
    except TypeError:
        return False
