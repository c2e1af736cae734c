"""Drift within each sensitive group.

A change confined to one group (the ages of women shift, the men's do not) can
vanish in the pooled comparison. Within every group with at least ``min_rows``
rows on both sides, every feature gets the tests and effects of
:func:`auditor.drift.features.feature_drift`; smaller groups are listed with a
reason instead. p-values are adjusted with Benjamini-Hochberg over all the
(group, feature) tests of one call, so that many groups do not multiply false
alarms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from auditor.drift.checks import check_frame, check_same_columns, check_weights
from auditor.drift.columns import column_kinds, natural_key
from auditor.drift.effects import N_BINS, PSI_EPSILON
from auditor.drift.features import FeatureDrift, adjust, compare_series
from auditor.drift.sensitive import as_sensitive_frame, group_labels
from auditor.results.drift import GroupDrift

__all__ = ["MIN_GROUP_ROWS", "GroupDrift", "group_drift", "GroupPlan", "plan_groups", "compare_in_groups",
           "assemble_groups"]

#: Rows a group needs on each side to be compared.
MIN_GROUP_ROWS = 100



def group_drift(
    X: pd.DataFrame,
    X_reference: pd.DataFrame,
    sensitive,
    sensitive_reference,
    *,
    features: Iterable[str] | None = None,
    categorical_features: Iterable[str] | None = None,
    sample_weight=None,
    sample_weight_reference=None,
    min_rows: int = MIN_GROUP_ROWS,
    ks_method: str = "auto",
    n_bins: int = N_BINS,
    psi_epsilon: float = PSI_EPSILON,
) -> tuple[GroupDrift, ...]:
    """Per-feature drift within each group of each sensitive feature.

    Parameters
    ----------
    X, X_reference : pandas.DataFrame
        Current and reference data, same columns.
    sensitive, sensitive_reference : pandas.DataFrame or Series
        Sensitive columns aligned by position with ``X`` and ``X_reference``.
    features : iterable of str, optional
        Columns to compare; all of ``X``'s by default (a sensitive column that is
        also a feature is constant within its own groups and tests as unchanged).
    categorical_features, sample_weight, sample_weight_reference, ks_method, n_bins, psi_epsilon
        As in :func:`auditor.drift.features.feature_drift`.
    min_rows : int, default 100
        Rows a group needs on each side.

    Returns
    -------
    tuple of GroupDrift
        Sensitive features in the given order, groups sorted by label.
    """
    check_frame(X, "X")
    check_frame(X_reference, "X_reference")
    check_same_columns(X, X_reference)
    S = as_sensitive_frame(sensitive, len(X), "sensitive")
    S_ref = as_sensitive_frame(sensitive_reference, len(X_reference), "sensitive_reference")
    check_same_columns(S, S_ref, "sensitive", "sensitive_reference")
    if min_rows < 1:
        raise ValueError(f"Expected min_rows of at least 1. Got {min_rows} instead.")
    w_cur = check_weights(sample_weight, len(X), "sample_weight")
    w_ref = check_weights(sample_weight_reference, len(X_reference), "sample_weight_reference")
    cols = list(X.columns) if features is None else list(features)
    kinds = column_kinds(X[cols], X_reference[cols], categorical_features=categorical_features)
    Xc, Xr = X[cols].reset_index(drop=True), X_reference[cols].reset_index(drop=True)
    plan = plan_groups(S, S_ref, min_rows=min_rows)
    by_column = {
        c: compare_in_groups(plan, Xr[c], Xc[c], kind=kinds[c], name=c, sample_weight=w_cur,
                             sample_weight_reference=w_ref, ks_method=ks_method, n_bins=n_bins, psi_epsilon=psi_epsilon)
        for c in cols
    }
    return assemble_groups(plan, by_column, cols)


@dataclass(frozen=True)
class GroupPlan:
    """Which rows of each side every (sensitive feature, group) compares, or why
    the group is left out (too few rows on a side)."""

    groups: tuple[tuple[str, str, np.ndarray, np.ndarray, str | None], ...]


def plan_groups(sensitive: pd.DataFrame, sensitive_reference: pd.DataFrame, *, min_rows: int = MIN_GROUP_ROWS) -> GroupPlan:
    """The groups :func:`group_drift` compares: sensitive features in order, groups
    sorted by label, each with its row positions on both sides."""
    out = []
    for attr in sensitive.columns:
        lab_cur, groups_cur = group_labels(sensitive[attr], attr, "sensitive")
        lab_ref, groups_ref = group_labels(sensitive_reference[attr], attr, "sensitive_reference")
        for g in sorted(set(groups_cur) | set(groups_ref), key=natural_key):
            rows_cur, rows_ref = np.flatnonzero(lab_cur == g), np.flatnonzero(lab_ref == g)
            reason = None
            if min(len(rows_cur), len(rows_ref)) < min_rows:
                reason = f"fewer than {min_rows} rows on a side ({len(rows_ref)} reference, {len(rows_cur)} current)"
            out.append((attr, g, rows_ref, rows_cur, reason))
    return GroupPlan(tuple(out))


def compare_in_groups(plan: GroupPlan, reference: pd.Series, current: pd.Series, *, kind: str, name: str,
                      sample_weight=None, sample_weight_reference=None, ks_method: str = "auto", n_bins: int = N_BINS,
                      psi_epsilon: float = PSI_EPSILON) -> list[FeatureDrift | None]:
    """One column compared within every planned group (``None`` for a group left
    out); p-values unadjusted until :func:`assemble_groups`. Column by column, so
    a caller that reads one column at a time (the Dask engine) can feed it."""
    out: list[FeatureDrift | None] = []
    for _, _, rows_ref, rows_cur, reason in plan.groups:
        if reason is not None:
            out.append(None)
            continue
        out.append(compare_series(
            reference.iloc[rows_ref], current.iloc[rows_cur], kind=kind, name=name,
            sample_weight=None if sample_weight is None else sample_weight[rows_cur],
            sample_weight_reference=None if sample_weight_reference is None else sample_weight_reference[rows_ref],
            ks_method=ks_method, n_bins=n_bins, psi_epsilon=psi_epsilon))
    return out


def assemble_groups(plan: GroupPlan, by_column: dict[str, list[FeatureDrift | None]], columns) -> tuple[GroupDrift, ...]:
    """The groups' results, p-values adjusted with Benjamini-Hochberg over every
    (group, feature) test, features in ``columns`` order."""
    columns = list(columns)
    compared = [i for i, (*_, reason) in enumerate(plan.groups) if reason is None]
    flat = [by_column[c][i] for i in compared for c in columns]
    adjusted = iter(adjust(flat))
    out = []
    for attr, g, rows_ref, rows_cur, reason in plan.groups:
        feats = () if reason is not None else tuple(next(adjusted) for _ in columns)
        out.append(GroupDrift(sensitive_feature=attr, group=g, n_reference=len(rows_ref), n_current=len(rows_cur),
                              features=feats, reason=reason))
    return tuple(out)
