"""Sensitive groups of the audited and of the reference rows, cut alike.

The data-quality and drift sections compare groups across the two datasets, so a
group must mean the same rows on both sides: a numeric sensitive feature is cut
once, over the audited and reference rows together (quantile bins then have the
same edges on both sides; explicit cut points are the same anyway). A numeric
feature with many values and no bins is left out of the group analyses with the
reason, rather than failing the whole section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from auditor.artifacts import SENSITIVE_GROUPS
from auditor.context import AuditContext
from auditor.fairness.groups import MAX_CATEGORIES, apply_bins

__all__ = ["SensitiveGroups", "sensitive_groups", "positive_labels"]


@dataclass(frozen=True)
class SensitiveGroups:
    """Group labels (strings) per sensitive feature on each side.

    ``current`` is ``None`` (with ``reason``) when there is no usable sensitive
    feature; ``reference`` is ``None`` (with ``reference_reason``) when the
    reference has no sensitive values. ``left_out`` names features that needed
    bins and got none, with why.
    """

    current: pd.DataFrame | None
    reference: pd.DataFrame | None
    bins: dict[str, tuple[str, ...]]
    reason: str | None
    reference_reason: str | None
    left_out: tuple[str, ...]


def sensitive_groups(ctx: AuditContext, bins: Mapping[str, int | Sequence[float]], section: str) -> SensitiveGroups:
    """Cut the sensitive features of both sides with ``bins`` (``section`` names the
    section class in the message telling how to pass bins)."""
    current = ctx.sensitive_features
    if current.shape[1] == 0:
        return SensitiveGroups(None, None, {}, "no sensitive_features were given", None, ())
    ref = ctx.reference
    reference = None if ref is None else ref.sensitive_features
    reference_reason = None if ref is None else ref.sensitive_reason
    unknown = [c for c in bins if c not in current.columns]
    if unknown:
        raise KeyError(f"bins names column(s) {unknown} that are not sensitive features. Expected some of {list(current.columns)}.")
    left_out, keep = [], []
    for col in current.columns:
        s = current[col]
        numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
        if numeric and col not in bins and s.nunique() > MAX_CATEGORIES:
            left_out.append(
                f"{col!r} is numeric with {s.nunique()} distinct values and was left out of the group analyses: "
                f"pass {section}(bins={{{col!r}: [25, 40, 60]}}) for cut points or {section}(bins={{{col!r}: 4}}) "
                "for quartiles"
            )
        else:
            keep.append(col)
    if not keep:
        return SensitiveGroups(None, None, {}, "; ".join(left_out), reference_reason, tuple(left_out))
    # both sections cut the same groups: once per audit (and per bins option)
    key = f"{SENSITIVE_GROUPS}:{sorted((k, repr(v)) for k, v in bins.items())!r}"
    cur, other, described = ctx.memo(key, lambda: _cut(current, reference, keep, bins))
    return SensitiveGroups(cur, other, described, None, reference_reason, tuple(left_out))


def _cut(current, reference, keep, bins):
    n = len(current)
    binned = [c for c in keep if c in bins]
    described: dict[str, tuple[str, ...]] = {}
    columns = {}
    for col in keep:
        pooled = current[col] if reference is None else pd.concat([current[col], reference[col]], ignore_index=True)
        if col in binned:
            frame, cut = apply_bins(pooled.to_frame(), {col: bins[col]})
            described.update(cut)
            values = frame[col]
        else:
            values = pooled
        # plain strings, as the engines label groups; str() of the few distinct
        # values, not of a million rows
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        names = np.array([str(u.item() if hasattr(u, "item") else u) for u in uniques] + ["(missing)"], dtype=object)
        columns[col] = names[codes]
    labels = pd.DataFrame(columns)
    cur = labels.iloc[:n].reset_index(drop=True)
    other = None if reference is None else labels.iloc[n:].reset_index(drop=True)
    return cur, other, described


def positive_labels(ctx: AuditContext, values: np.ndarray | None) -> np.ndarray | None:
    """Binary task: 1 where ``values`` (true labels) are the positive class, else 0;
    ``None`` for other tasks or without labels (base rates need a positive class)."""
    if values is None or ctx.task != "binary":
        return None
    codes, _ = ctx.encode(values, "the labels")
    return (codes == ctx.pos_index).astype(np.int64)
