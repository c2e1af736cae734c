"""Tidy tables of drift results, for notebooks and further analysis."""

from __future__ import annotations

import pandas as pd

from auditor.results import AuditResult, DriftResult, Policy

__all__ = ["drift_table"]

_COLUMNS = [
    "feature", "kind", "test", "statistic", "p_value", "p_adjusted", "effect_size", "effect_size_name", "psi",
    "missing_share_reference", "missing_share_current", "drifted", "importance", "importance_rank",
]


def drift_table(result: AuditResult | DriftResult, *, policy: Policy | None = None) -> pd.DataFrame:
    """One row per compared feature: its test, effect sizes, whether it drifted, and
    how much the model relies on it.

    Parameters
    ----------
    result : AuditResult or DriftResult
        A whole audit (its ``drift`` section and its policy are used) or the
        drift section's result.
    policy : Policy, optional
        Thresholds of the drift rule; default the audit's policy, or
        :class:`~auditor.Policy` for a bare ``DriftResult``.

    Returns
    -------
    pandas.DataFrame
        Columns ``feature``, ``kind`` ("numeric"/"categorical"), ``test``
        ("ks"/"chi2"), ``statistic``, ``p_value``, ``p_adjusted``
        (Benjamini-Hochberg), ``effect_size`` (normalised Wasserstein for
        numbers, Jensen-Shannon for categories; named in ``effect_size_name``),
        ``psi``, the missing shares, ``drifted`` (the policy's rule),
        ``importance`` and ``importance_rank`` (1: the feature the model relies on
        most; missing without an explanation section). Rows follow the features'
        order. Undefined values are missing.

    Raises
    ------
    ValueError
        If the audit has no drift result.
    """
    if isinstance(result, AuditResult):
        policy = policy or result.policy
        drift = result.sections.get("drift")
        if drift is None:
            reason = next((s.reason for s in result.skipped if s.section == "drift"), "the drift section did not run")
            raise ValueError(f"Expected an audit with a drift result. Got none: {reason}.")
    elif isinstance(result, DriftResult):
        drift = result
    else:
        raise TypeError(f"Expected an AuditResult or a DriftResult. Got {type(result).__name__} instead.")
    rule = (policy or Policy()).drift.rule()
    rows = []
    for f in drift.features:
        imp = drift.importance_of(f.feature)
        rows.append({
            "feature": f.feature, "kind": f.kind, "test": f.test, "statistic": f.statistic, "p_value": f.p_value,
            "p_adjusted": f.p_value_adjusted, "effect_size": f.distance, "effect_size_name": f.distance_name,
            "psi": f.psi, "missing_share_reference": f.missing_share_reference,
            "missing_share_current": f.missing_share_current, "drifted": f.verdict(**rule).drifted,
            "importance": None if imp is None else imp.value,
            "importance_rank": pd.NA if imp is None else imp.rank,
        })
    table = pd.DataFrame(rows, columns=_COLUMNS)
    table["importance_rank"] = table["importance_rank"].astype("Int64")
    return table
