"""Tidy tables of fairness results, for notebooks and further analysis."""

from __future__ import annotations

import pandas as pd

from auditor.results import FairnessResult

__all__ = ["group_table", "disparity_table"]


def group_table(result: FairnessResult, grouping: str) -> pd.DataFrame:
    """One row per (group, metric): value, interval, rows behind it, undefined reason.

    Parameters
    ----------
    result : FairnessResult
        ``AuditResult.fairness``.
    grouping : str
        A sensitive feature (``"sex"``) or an intersection (``"sex × age"``).
    """
    g = result.grouping(grouping)
    excluded = {(e.group, e.metric) for e in result.excluded if e.grouping == grouping}
    rows = []
    for grp in g.groups:
        for metric, est in grp.metrics.items():
            rows.append({
                "group": grp.label, "metric": metric, "value": est.value, "ci_low": est.ci_low, "ci_high": est.ci_high,
                "rows": grp.count, "in_verdicts": (grp.label, metric) not in excluded, "reason": est.reason,
            })
    return pd.DataFrame(rows)


def disparity_table(result: FairnessResult) -> pd.DataFrame:
    """One row per (grouping, disparity), between groups and against the reference."""
    rows = []
    for g in result.groupings:
        for d in g.disparities:
            rows.append({
                "grouping": g.name, "disparity": d.key, "between": d.between.value, "between_ci_low": d.between.ci_low,
                "between_ci_high": d.between.ci_high, "lowest_group": d.lowest_group, "highest_group": d.highest_group,
                "vs_reference": d.vs_reference.value, "reference_group": d.reference_group,
                "worst_vs_reference": d.worst_vs_reference, "groups_judged": d.n_groups,
            })
    return pd.DataFrame(rows)
