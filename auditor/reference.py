"""The reference data an audit compares the audited rows with (typically the
training data, or last quarter's), validated like the audited data.

Errors name the argument or column at fault. Nothing here modifies the caller's
objects; the validated frames sit on a positional ``RangeIndex``.

Sensitive features of the reference, decided here once for every section:

- given to the audit as column names of ``X``: the same columns are looked up in
  ``X_reference``;
- given as values (a Series, an array): pass ``sensitive_features_reference=``
  with the reference rows' values;
- ``sensitive_features_reference=`` always wins, and must have the same columns;
- when neither is possible (the reference lacks the columns), the group
  comparisons against the reference are left out and ``sensitive_reason`` says
  why; the rest of the comparison still runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from auditor.data import SensitiveFeatures, SensitiveNan, validate_sensitive_features, validate_target, validate_X

__all__ = ["ReferenceData", "validate_reference"]


@dataclass(frozen=True)
class ReferenceData:
    """Validated reference data, aligned by position.

    Attributes
    ----------
    X : pandas.DataFrame
        Every column passed as ``X_reference``, on a ``RangeIndex``.
    y_true : numpy.ndarray or None
        ``y_reference``, when given.
    sensitive_features : pandas.DataFrame or None
        The same sensitive columns as the audited rows', on the reference rows;
        ``None`` when they are not available (``sensitive_reason``).
    sensitive_reason : str or None
        Why the reference has no sensitive features, when the audit has some.
    index : pandas.Index
        The caller's row labels of ``X_reference``.
    target_name : str or None
        The name of ``y_reference`` when it is a named Series.
    name : str
        How the report names the reference data.
    """

    X: pd.DataFrame
    y_true: np.ndarray | None
    sensitive_features: pd.DataFrame | None
    sensitive_reason: str | None
    index: pd.Index
    target_name: str | None
    name: str = ""

    @property
    def n_rows(self) -> int:
        return len(self.index)

    @property
    def has_labels(self) -> bool:
        return self.y_true is not None


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def validate_reference(
    X_reference: Any,
    y_reference: Any = None,
    *,
    X: pd.DataFrame | None,
    sensitive: SensitiveFeatures,
    model_columns: Sequence[str],
    sensitive_features_reference: Any = None,
    sensitive_nan: SensitiveNan = "raise",
    name: str = "",
) -> ReferenceData | None:
    """Validate the reference data against the audited data and the model.

    Parameters
    ----------
    X_reference : pandas.DataFrame or 2-D array or None
        ``None``: no reference (then ``y_reference`` and
        ``sensitive_features_reference`` must be ``None`` too).
    y_reference : array-like of shape (n_reference,), optional
    X : pandas.DataFrame or None
        The validated audited features.
    sensitive : SensitiveFeatures
        The validated sensitive features of the audited rows.
    model_columns : sequence of str
        The columns the model takes (every column of ``X`` for an audit built
        from predictions): ``X_reference`` must have all of them.
    sensitive_features_reference : optional
        The reference rows' sensitive values, in any form ``sensitive_features``
        takes; needed when those were given as values.
    sensitive_nan : {"raise", "group"}
    name : str
        How the report names the reference.

    Raises
    ------
    ValueError
        If ``X_reference`` lacks a column the model takes, a shared column is
        numeric on one side only, lengths or indexes disagree, or a reference
        argument comes without ``X_reference``.
    KeyError
        If ``sensitive_features_reference`` names a column ``X_reference`` lacks.
    """
    if X_reference is None:
        given = [n for n, v in (("y_reference", y_reference), ("sensitive_features_reference", sensitive_features_reference))
                 if v is not None]
        if given:
            raise ValueError(f"Expected X_reference (the reference rows' features) with {' and '.join(given)}. Got none.")
        return None
    if X is None:
        raise ValueError(
            "Expected X (the audited rows' features) to compare with X_reference. Got none; "
            "pass X=... to Auditor.from_predictions."
        )
    X_ref, index = validate_X(X_reference, name="X_reference")
    missing = [c for c in model_columns if c not in X_ref.columns]
    if missing:
        raise ValueError(
            f"Expected X_reference to have every column the model takes. Got X_reference without "
            f"{missing[:10]}{' and more' if len(missing) > 10 else ''}."
        )
    for col in (c for c in X.columns if c in X_ref.columns):
        if _is_numeric(X[col]) != _is_numeric(X_ref[col]):
            raise ValueError(
                f"Expected column {col!r} of X_reference to hold the same kind of values as in X. "
                f"Got dtype {X_ref[col].dtype} in X_reference and {X[col].dtype} in X; convert one "
                "(e.g. pd.to_numeric) so both are compared alike."
            )
    n = len(X_ref)
    y, target = None, None
    if y_reference is not None:
        y, target = validate_target(y_reference, n, index, name="y_reference", of="X_reference")
        if not isinstance(y_reference, (pd.Series, pd.DataFrame)) or target == "target":
            target = None
    frame, reason = _sensitive(X_ref, n, index, sensitive, sensitive_features_reference, sensitive_nan)
    return ReferenceData(X=X_ref, y_true=y, sensitive_features=frame, sensitive_reason=reason, index=index,
                         target_name=target, name=name)


def _sensitive(X_ref, n, index, sensitive: SensitiveFeatures, given, sensitive_nan):
    columns = list(sensitive.frame.columns)
    if given is not None:
        if not columns:
            raise ValueError(
                "Expected sensitive_features_reference only with sensitive_features (the groups to compare). "
                "Got sensitive_features_reference without sensitive_features."
            )
        ref = validate_sensitive_features(given, X_ref, n, index, sensitive_nan=sensitive_nan,
                                          name="sensitive_features_reference", of="X_reference").frame
        if list(ref.columns) != columns:
            raise ValueError(
                f"Expected sensitive_features_reference to have the sensitive features' columns {columns}. "
                f"Got {list(ref.columns)} instead."
            )
        return ref, None
    if not columns:
        return None, None
    if not sensitive.named_columns:
        return None, (
            "the sensitive features were given as values for X, so the reference rows' groups are unknown; "
            "pass sensitive_features_reference=... to compare groups with the reference"
        )
    absent = [c for c in columns if c not in X_ref.columns]
    if absent:
        return None, (
            f"X_reference has no column {absent[0]!r}" if len(absent) == 1 else f"X_reference has no columns {absent}"
        ) + " of the sensitive features; pass sensitive_features_reference=... to compare groups with the reference"
    ref = validate_sensitive_features(columns, X_ref, n, index, sensitive_nan=sensitive_nan,
                                      name="sensitive_features", of="X_reference").frame
    return ref, None
