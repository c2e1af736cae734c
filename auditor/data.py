"""Validation of the data an audit is given, and its fingerprint.

Every error names the argument or column at fault and says what was expected and
what was got; value errors are :class:`~auditor.errors.AuditInputError` (a
``ValueError``), which the command line reports as an input error (exit 2). Nothing here modifies the caller's objects: the validated data are
new frames on a positional ``RangeIndex`` (pandas' copy-on-write keeps that cheap).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from auditor.errors import AuditInputError

__all__ = [
    "AuditData",
    "validate_X",
    "validate_target",
    "validate_sensitive_features",
    "SensitiveFeatures",
    "validate_sample_weight",
    "data_fingerprint",
    "row_hashes",
    "missing_matrix",
    "MISSING_GROUP",
]

#: Label of the explicit group made of rows whose sensitive value is missing,
#: used when ``sensitive_nan="group"``.
MISSING_GROUP = "(missing)"

SensitiveNan = Literal["raise", "group"]


@dataclass(frozen=True)
class AuditData:
    """Validated inputs, aligned by position.

    Attributes
    ----------
    X : pandas.DataFrame
        Every column the caller passed, on a ``RangeIndex``; ``None`` only for an
        audit built from predictions without features. Under the Dask engine, a
        handle on the rows that stay on the cluster (``columns``, ``dtypes``,
        ``shape``, ``row_hash``, ``missing_values``, ``column``, ``take``: see
        :class:`auditor.engine.dask.RemoteFrame`); sections read it through the
        context's :meth:`~auditor.context.AuditContext.row_hash`,
        :meth:`~auditor.context.AuditContext.missing_values`,
        :meth:`~auditor.context.AuditContext.column` and
        :meth:`~auditor.context.AuditContext.take_rows`.
    y_true : numpy.ndarray or None
        ``None`` when the audited rows have no true outcomes yet (sections that
        need them are skipped, with the reason).
    sensitive_features : pandas.DataFrame
        One column per sensitive feature (possibly no column), on a ``RangeIndex``.
    sample_weight : numpy.ndarray or None
    index : pandas.Index
        The caller's original row labels, kept to name rows in the report.
    target_name : str
    """

    X: pd.DataFrame | None
    y_true: np.ndarray | None
    sensitive_features: pd.DataFrame
    sample_weight: np.ndarray | None
    index: pd.Index
    target_name: str

    @property
    def n_rows(self) -> int:
        return len(self.index)

    @property
    def has_labels(self) -> bool:
        return self.y_true is not None


def validate_X(X: Any, *, name: str = "X") -> tuple[pd.DataFrame, pd.Index]:
    """Return ``X`` as a DataFrame on a RangeIndex, and its original index.

    ``name`` is the argument named in errors (``"X_reference"``).

    Raises
    ------
    TypeError
        If ``X`` is neither a DataFrame nor a 2-D array.
    ValueError
        If ``X`` is empty or has duplicate or non-string column names.
    """
    if isinstance(X, pd.Series):
        raise TypeError(
            f"Expected {name} to be a 2-D pandas DataFrame. Got a Series instead; "
            f"use {name}.to_frame() for a single feature."
        )
    if isinstance(X, pd.DataFrame):
        frame = X
    elif isinstance(X, np.ndarray) or hasattr(X, "__array__"):
        arr = np.asarray(X)
        if arr.ndim != 2:
            raise AuditInputError(f"Expected {name} to be 2-D (rows, columns). Got an array with shape {arr.shape} instead.")
        frame = pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])])
    else:
        raise TypeError(f"Expected {name} to be a pandas DataFrame or a 2-D array. Got {type(X).__name__} instead.")
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise AuditInputError(
            f"Expected {name} to have at least one row and one column. Got shape {frame.shape} instead."
        )
    non_str = [c for c in frame.columns if not isinstance(c, str)]
    if non_str:
        raise AuditInputError(
            f"Expected {name}'s column names to be strings. Got {non_str[:5]!r}; "
            f"rename them, e.g. {name}.columns = {name}.columns.astype(str)."
        )
    dupes = sorted({c for c in frame.columns if (frame.columns == c).sum() > 1})
    if dupes:
        raise AuditInputError(f"Expected unique column names in {name}. Got duplicates: {dupes}.")
    index = frame.index.copy()
    positional = frame.reset_index(drop=True)
    return positional, index


def _check_aligned(obj: Any, index: pd.Index | None, name: str, of: str = "X") -> None:
    # Aligning by label would silently reorder, and a non-unique index makes label
    # alignment ambiguous; requiring the very same index rules out both.
    if index is None or not isinstance(obj, (pd.Series, pd.DataFrame)):
        return
    if not obj.index.equals(index):
        raise AuditInputError(
            f"Expected {name} to have the same index as {of} (same labels, same order). "
            f"Got a different index (first labels {list(obj.index[:3])!r} vs "
            f"{list(index[:3])!r}); align it, or pass a numpy array to match rows by position."
        )


def _check_length(n: int, expected: int, name: str, of: str = "X") -> None:
    if n != expected:
        raise AuditInputError(f"Expected {name} to have {expected} rows, one per row of {of}. Got {n} instead.")


def validate_target(
    y: Any, n_rows: int | None, index: pd.Index | None, *, name: str = "y", of: str = "X"
) -> tuple[np.ndarray, str]:
    """Return the target as a 1-D array and its display name (``of`` names the
    rows it must match in errors).

    Raises
    ------
    ValueError
        If ``y`` is not 1-D, its length differs from ``n_rows``, or it holds
        missing values.
    """
    if y is None:
        raise AuditInputError(f"Expected {name} (the true outcomes). Got None instead.")
    target_name = "target"
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise AuditInputError(f"Expected {name} to be one column. Got a DataFrame with {y.shape[1]} columns.")
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        _check_aligned(y, index, name, of)
        if y.name is not None:
            target_name = str(y.name)
        missing = y.isna().to_numpy()
        values = y.to_numpy()
        if isinstance(y.dtype, pd.CategoricalDtype):
            values = np.asarray(y.astype(object))
    else:
        values = np.asarray(y)
        if values.ndim == 2 and values.shape[1] == 1:
            values = values[:, 0]
        missing = pd.isna(values) if values.ndim == 1 else None
    if values.ndim != 1:
        raise AuditInputError(f"Expected {name} to be 1-D. Got shape {values.shape} instead.")
    if n_rows is not None:
        _check_length(len(values), n_rows, name, of)
    if len(values) == 0:
        raise AuditInputError(f"Expected {name} to have at least one row. Got none.")
    if missing is not None and missing.any():
        where = np.flatnonzero(missing)[:5].tolist()
        raise AuditInputError(
            f"Expected no missing values in {name}. Got {int(missing.sum())} "
            f"(first at positions {where}); drop or impute those rows before auditing."
        )
    return values, target_name


def validate_sample_weight(sample_weight: Any, n_rows: int, index: pd.Index | None) -> np.ndarray | None:
    """Return weights as a float array, or ``None``.

    Raises
    ------
    ValueError
        If the weights are not 1-D, not one per row, not finite, negative, or all zero.
    """
    if sample_weight is None:
        return None
    _check_aligned(sample_weight, index, "sample_weight")
    try:
        w = np.asarray(sample_weight, dtype=float)
    except (TypeError, ValueError) as exc:
        raise AuditInputError(f"Expected sample_weight to be numeric. Got {exc}.") from exc
    if w.ndim != 1:
        raise AuditInputError(f"Expected sample_weight to be 1-D. Got shape {w.shape} instead.")
    _check_length(len(w), n_rows, "sample_weight")
    if not np.isfinite(w).all():
        raise AuditInputError("Expected finite sample_weight values. Got NaN or infinity.")
    if (w < 0).any():
        raise AuditInputError("Expected non-negative sample_weight values. Got negative weights.")
    if w.sum() <= 0:
        raise AuditInputError("Expected sample_weight to have a positive sum. Got all zeros.")
    return w


@dataclass(frozen=True)
class SensitiveFeatures:
    """Validated sensitive features.

    Attributes
    ----------
    frame : pandas.DataFrame
        One column per sensitive feature (possibly none), on a ``RangeIndex``.
    named_columns : bool
        Whether the argument named columns of ``X`` (rather than giving values):
        such columns may be grouping-only, not model inputs.
    """

    frame: pd.DataFrame
    named_columns: bool


def validate_sensitive_features(
    sensitive_features: Any,
    X: pd.DataFrame | None,
    n_rows: int,
    index: pd.Index | None,
    *,
    sensitive_nan: SensitiveNan = "raise",
    name: str = "sensitive_features",
    of: str = "X",
) -> SensitiveFeatures:
    """Return the sensitive features as a DataFrame on a RangeIndex, and whether
    the argument named columns of ``X``.

    ``sensitive_features`` may be ``None``, a column name of ``X``, a list of column
    names, a Series, a DataFrame, a dict of name to values, or a 1-D/2-D array.

    Raises
    ------
    KeyError
        If a named column is not in ``X``.
    ValueError
        If lengths or indexes disagree, or a value is missing while
        ``sensitive_nan="raise"``.
    """
    if sensitive_nan not in ("raise", "group"):
        raise AuditInputError(f"Expected sensitive_nan to be 'raise' or 'group'. Got {sensitive_nan!r} instead.")
    if sensitive_features is None:
        return SensitiveFeatures(pd.DataFrame(index=pd.RangeIndex(n_rows)), named_columns=False)
    sf = sensitive_features
    named = _names_columns(sf, X, n_rows)
    if named:
        names = [sf] if isinstance(sf, str) else list(sf)
        if X is None:
            raise AuditInputError(
                f"Expected {name} as values (Series, DataFrame or array) because no {of} was given. "
                f"Got column names {names!r}."
            )
        unknown = [c for c in names if c not in X.columns]
        if unknown:
            raise KeyError(
                f"{name} names column(s) {unknown} that are not in {of}. "
                f"Expected some of {list(X.columns)[:20]}."
            )
        if len(set(names)) != len(names):
            raise AuditInputError(f"Expected distinct sensitive feature names. Got {names!r}.")
        frame = X[names]
    elif isinstance(sf, pd.Series):
        _check_aligned(sf, index, name, of)
        frame = sf.to_frame(name=str(sf.name) if sf.name is not None else "sensitive_feature")
    elif isinstance(sf, pd.DataFrame):
        _check_aligned(sf, index, name, of)
        frame = sf
        non_str = [c for c in frame.columns if not isinstance(c, str)]
        if non_str:
            frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
    elif isinstance(sf, dict):
        frame = pd.DataFrame({str(k): (v.to_numpy() if isinstance(v, pd.Series) else np.asarray(v)) for k, v in sf.items()})
    else:
        arr = np.asarray(sf)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise AuditInputError(f"Expected {name} to be 1-D or 2-D. Got shape {arr.shape} instead.")
        names = ["sensitive_feature"] if arr.shape[1] == 1 else [f"sensitive_feature_{i}" for i in range(arr.shape[1])]
        frame = pd.DataFrame(arr, columns=names)
    _check_length(len(frame), n_rows, name, of)
    if frame.shape[1] == 0:
        raise AuditInputError("Expected at least one sensitive feature. Got none; pass None to audit without groups.")
    dupes = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if dupes:
        raise AuditInputError(f"Expected unique sensitive feature names. Got duplicates: {dupes}.")
    frame = frame.reset_index(drop=True)
    missing = frame.isna()
    if missing.to_numpy().any():
        counts = {c: int(n) for c, n in missing.sum().items() if n}
        if sensitive_nan == "raise":
            raise AuditInputError(
                f"Expected no missing values in the sensitive feature(s) {sorted(counts)}. Got {counts} missing. "
                f"Pass sensitive_nan='group' to audit them as an explicit {MISSING_GROUP!r} group, "
                "or drop those rows."
            )
        frame = frame.copy()
        for col in counts:
            s = frame[col]
            if isinstance(s.dtype, pd.CategoricalDtype):
                s = s.cat.add_categories([MISSING_GROUP]) if MISSING_GROUP not in s.cat.categories else s
                frame[col] = s.fillna(MISSING_GROUP)
            else:
                frame[col] = s.astype(object).where(~missing[col], MISSING_GROUP)
    return SensitiveFeatures(frame, named_columns=named)


def _names_columns(sf: Any, X: pd.DataFrame | None, n_rows: int) -> bool:
    """Whether ``sf`` is column names of X rather than one value per row."""
    if isinstance(sf, str):
        return True
    if not (isinstance(sf, (list, tuple)) and sf and all(isinstance(c, str) for c in sf)):
        return False
    if X is None:
        # without X only values make sense, unless the length rules that out
        return len(sf) != n_rows
    # a list as long as X of strings that are not all columns is one value per row
    return all(c in X.columns for c in sf) or len(sf) != n_rows


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash of each row's values (``uint64``), independent of the index.

    A row's hash depends on that row alone, so the hashes of a frame's partitions
    put end to end are the hashes of the whole frame (the Dask engine relies on it).
    """
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def missing_matrix(frame: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """The columns of ``frame`` with a missing value, and the ``(n_rows, n_those)``
    boolean matrix of where they are missing (what the Dask engine's prediction
    pass brings back instead of the rows)."""
    na = frame.isna().to_numpy()
    cols = np.flatnonzero(na.any(axis=0))
    return [str(frame.columns[c]) for c in cols], na[:, cols]


def data_fingerprint(
    X: pd.DataFrame | None,
    y_true: np.ndarray | None,
    sensitive_features: pd.DataFrame,
    sample_weight: np.ndarray | None,
) -> str:
    """SHA-256 of the data's content, independent of the row index.

    Column names, dtypes and values enter the hash; the index does not, so
    re-indexing the same rows keeps the fingerprint.
    """
    h = hashlib.sha256()

    def add_frame(frame: Any, tag: str) -> None:
        h.update(tag.encode())
        h.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
        if frame.shape[1]:
            # a frame left on a cluster hashes its rows where they are
            hashes = row_hashes(frame) if isinstance(frame, pd.DataFrame) else frame.row_hash(None)
            h.update(hashes.tobytes())

    if X is not None:
        add_frame(X, "X")
    if y_true is not None:
        add_frame(pd.DataFrame({"y": pd.Series(y_true, dtype=object if y_true.dtype == object else None)}), "y")
    add_frame(sensitive_features, "sensitive")
    if sample_weight is not None:
        h.update(b"w" + np.ascontiguousarray(sample_weight, dtype=float).tobytes())
    return "sha256:" + h.hexdigest()
