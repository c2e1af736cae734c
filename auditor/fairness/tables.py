"""Tidy tables of fairness results, for notebooks and further analysis."""

from __future__ import annotations

import pandas as pd

from auditor.results import FairnessResult

__all__ = ["group_table", "comparison_table", "disparity_table"]


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


_COMPARISON_COLUMNS = (
    "grouping", "family", "metric", "group", "reference_group", "eligible", "value", "reference_value", "ratio",
    "ratio_ci_low", "ratio_ci_high", "difference", "difference_ci_low", "difference_ci_high", "p_value", "test",
)


def comparison_table(result: FairnessResult, family: str | None = None) -> pd.DataFrame:
    """One row per (grouping, family, metric, group): the comparisons with the reference group.

    Every ratio and difference with its simultaneous interval (simultaneous
    within its family), and the unadjusted p-value of "no difference from the
    reference". A comparison that is not ``eligible`` (a group too small) has
    no interval and no test.

    Parameters
    ----------
    result : FairnessResult
    family : str, optional
        Only this family (``"rates"`` is the full ratio table; ``"selection_rate"``,
        ``"equalized_odds"``, ... are the families the checks read).
    """
    rows = []
    for g in result.groupings:
        for fam in g.families:
            if family is not None and fam.key != family:
                continue
            for c in fam.comparisons:
                rows.append({
                    "grouping": g.name, "family": fam.key, "metric": c.metric, "group": c.group,
                    "reference_group": fam.reference, "eligible": c.eligible, "value": c.value,
                    "reference_value": c.reference_value, "ratio": c.ratio.value, "ratio_ci_low": c.ratio.ci_low,
                    "ratio_ci_high": c.ratio.ci_high, "difference": c.difference.value,
                    "difference_ci_low": c.difference.ci_low, "difference_ci_high": c.difference.ci_high,
                    "p_value": c.p_value, "test": c.test,
                })
    return pd.DataFrame(rows, columns=list(_COMPARISON_COLUMNS))


def disparity_table(result: FairnessResult) -> pd.DataFrame:
    """One row per (grouping, disparity), as archives before schema 2.1 stored them.

    Those compared the extreme groups; newer audits store comparisons with the
    reference group instead (:func:`comparison_table`), and give an empty table here.
    """
    columns = ["grouping", "disparity", "between", "between_ci_low", "between_ci_high", "lowest_group",
               "highest_group", "vs_reference", "reference_group", "worst_vs_reference", "groups_judged"]
    rows = []
    for g in result.groupings:
        for d in g.disparities:
            rows.append({
                "grouping": g.name, "disparity": d.key, "between": d.between.value, "between_ci_low": d.between.ci_low,
                "between_ci_high": d.between.ci_high, "lowest_group": d.lowest_group, "highest_group": d.highest_group,
                "vs_reference": d.vs_reference.value, "reference_group": d.reference_group,
                "worst_vs_reference": d.worst_vs_reference, "groups_judged": d.n_groups,
            })
    return pd.DataFrame(rows, columns=columns)
