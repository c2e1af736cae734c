"""Computation behind the fairness section: groups, vectorised group metrics,
disparities, proxies, mitigation; and tidy tables of its results."""

from auditor.fairness.tables import comparison_table, disparity_table, group_table

__all__ = ["group_table", "comparison_table", "disparity_table"]
