"""Argument checks shared by the drift and data-quality engines (public so that
:mod:`auditor.quality` may use them).

Errors name the argument and say what was expected, then what was given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["check_frame", "check_same_columns", "check_weights", "check_vector", "as_rng"]


def check_frame(X, name: str) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"Expected {name} to be a pandas DataFrame. Got {type(X).__name__} instead.")
    if not all(isinstance(c, str) for c in X.columns):
        bad = [c for c in X.columns if not isinstance(c, str)][:3]
        raise ValueError(f"Expected string column names in {name}. Got {bad!r} instead.")
    if X.columns.has_duplicates:
        dup = sorted(set(X.columns[X.columns.duplicated()]))
        raise ValueError(f"Expected unique column names in {name}. Got duplicates {dup!r} instead.")
    return X


def check_same_columns(X: pd.DataFrame, X_reference: pd.DataFrame, name: str = "X", reference_name: str = "X_reference") -> None:
    missing = [c for c in X.columns if c not in X_reference.columns]
    extra = [c for c in X_reference.columns if c not in X.columns]
    if missing or extra:
        raise ValueError(
            f"Expected {name} and {reference_name} to have the same columns. "
            f"Got {missing!r} only in {name} and {extra!r} only in {reference_name} instead."
        )


def check_vector(values, n_rows: int, name: str, *, dtype=None) -> np.ndarray:
    arr = np.asarray(values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else values, dtype=dtype)
    if arr.ndim != 1 or len(arr) != n_rows:
        raise ValueError(f"Expected {name} to be one-dimensional with {n_rows} values. Got shape {arr.shape} instead.")
    return arr


def check_weights(sample_weight, n_rows: int, name: str) -> np.ndarray | None:
    """``None`` (every row counts once) or a finite, non-negative float array with a positive sum."""
    if sample_weight is None:
        return None
    w = check_vector(sample_weight, n_rows, name, dtype=float)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(f"Expected finite, non-negative values in {name}. Got a negative or non-finite weight instead.")
    if n_rows and w.sum() <= 0:
        raise ValueError(f"Expected {name} to have a positive sum. Got {w.sum()} instead.")
    return w


def as_rng(random_state) -> np.random.Generator:
    """A Generator from an int seed or a Generator (used as is, so a caller's stream advances)."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return np.random.default_rng(int(random_state))
    raise TypeError(f"Expected random_state to be an int or a numpy.random.Generator. Got {type(random_state).__name__} instead.")
