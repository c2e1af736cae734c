"""Tidy tables of explanation results, for notebooks and further analysis."""

from __future__ import annotations

import pandas as pd

from auditor.results import ImportanceResult, LimeResult, ShapResult

__all__ = ["importance_table", "shap_table", "lime_table"]


def importance_table(result: ImportanceResult) -> pd.DataFrame:
    """One row per raw column: permutation importance with its interval and the
    spread over the repeats, and the model's native importance where it has one.

    Parameters
    ----------
    result : ImportanceResult
        ``AuditResult.importance``.

    Returns
    -------
    pandas.DataFrame
        Columns ``feature``, ``permutation``, ``ci_low``, ``ci_high``, ``std``,
        ``native`` (missing when the model has no native importance), in the
        order of the permutation ranking.
    """
    native = {f.feature: f.estimate.value for f in result.native.features} if result.native else {}
    return pd.DataFrame(
        [
            {
                "feature": f.feature,
                "permutation": f.estimate.value,
                "ci_low": f.estimate.ci_low,
                "ci_high": f.estimate.ci_high,
                "std": f.std,
                "native": native.get(f.feature),
            }
            for f in result.permutation.features
        ],
        columns=["feature", "permutation", "ci_low", "ci_high", "std", "native"],
    )


def shap_table(result: ShapResult) -> pd.DataFrame:
    """One row per (raw column, output): mean |SHAP| with its interval, and the
    mean signed SHAP value, in the result's output space.

    Parameters
    ----------
    result : ShapResult
        ``AuditResult.shap``.
    """
    rows = []
    for f in result.features:
        for k, output in enumerate(result.output_names):
            est = f.mean_abs[k]
            rows.append({
                "feature": f.feature, "output": output, "mean_abs": est.value, "ci_low": est.ci_low,
                "ci_high": est.ci_high, "mean": f.mean[k],
            })
    return pd.DataFrame(rows, columns=["feature", "output", "mean_abs", "ci_low", "ci_high", "mean"])


def lime_table(result: LimeResult) -> pd.DataFrame:
    """One row per (explained row, LIME term): the row's index label, why it was
    chosen, the raw column, the condition LIME found and its weight."""
    rows = [
        {"row": r.row, "reason": r.reason, "output": r.output, "feature": t.feature, "term": t.term, "weight": t.weight}
        for r in result.rows
        for t in r.terms
    ]
    return pd.DataFrame(rows, columns=["row", "reason", "output", "feature", "term", "weight"])
