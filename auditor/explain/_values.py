"""Raw feature values of audited rows, as the report shows them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.context import AuditContext
from auditor.explain._codec import MISSING

__all__ = ["is_numeric", "raw_value", "raw_column"]


def is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def raw_column(ctx: AuditContext, feature: str) -> pd.Series | None:
    """The raw column named ``feature`` (``None`` for a joint group or a constant)."""
    X = ctx.X
    if X is None or feature not in X.columns:
        return None
    return X[feature]


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return MISSING
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.4g}"
    if isinstance(v, (np.integer,)):
        return str(int(v))
    return str(v)


def raw_value(ctx: AuditContext, feature: str, members: tuple[str, ...], position: int) -> str:
    """The value of ``feature`` (or of each member of a joint group) in one row."""
    X = ctx.X
    if X is None:
        return ""
    if len(members) == 1 and members[0] in X.columns:
        return _fmt(X[members[0]].iloc[position])
    return ", ".join(f"{m}={_fmt(X[m].iloc[position])}" for m in members if m in X.columns)
