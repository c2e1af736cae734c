"""The copy of the data a model is given, so it never sees the caller's objects."""

from __future__ import annotations

from typing import Any

__all__ = ["private_copy"]


def private_copy(X: Any) -> Any:
    """A deep copy of a model input (DataFrame, array or sparse matrix).

    A model that writes into its input (an in-place imputer, a custom
    ``predict`` that adds a column) then changes only this copy: not the user's
    frame, and not the audit's own data that later sections read.
    """
    if hasattr(X, "copy"):
        try:
            return X.copy(deep=True)
        except TypeError:  # numpy and scipy's copy() take no ``deep``: always deep
            return X.copy()
    return X
