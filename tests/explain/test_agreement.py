"""Agreement measures against hand computations."""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from auditor.explain._agreement import global_agreement, row_agreement, spearman


def test_row_agreement_on_the_union_of_top_features():
    lime = {"a": 0.5, "b": -0.3, "c": 0.1, "d": 0.0, "e": 0.05}
    shap = {"a": 1.0, "b": 0.2, "c": -0.8, "d": 0.1, "e": 0.01}
    rho, sign, comps, reason = row_agreement(lime, shap, top_k=2)
    # top-2 by |lime|: a, b; by |shap|: a, c -> union a, b, c
    assert [c.feature for c in comps] == ["a", "c", "b"]
    expected = spearmanr([0.5, 0.1, 0.3], [1.0, 0.8, 0.2]).statistic
    assert rho == expected and reason is None
    assert sign == 1 / 3  # only "a" pushes the same way in both


def test_spearman_undefined_cases_have_reasons():
    assert spearman(np.array([1.0, 2.0]), np.array([1.0, 2.0]))[0] is None
    rho, reason = spearman(np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, 3.0]))
    assert rho is None and "same importance" in reason


def test_global_agreement_ranks_and_disagreements():
    methods = {
        "P": {"a": 5.0, "b": 4.0, "c": 3.0, "d": 2.0, "e": 1.0, "f": 0.5},
        "S": {"a": 5.0, "b": 0.1, "c": 3.0, "d": 2.0, "e": 1.0, "f": 0.5},
    }
    pairs, feats = global_agreement(methods, max_rank_gap=3)
    assert pairs[0].rank_correlation == spearmanr(list(methods["P"].values()), list(methods["S"].values())).statistic
    ranks = {f.feature: f.ranks for f in feats}
    assert ranks["b"] == {"P": 2, "S": 6}
    assert [f.feature for f in feats if f.disagreement] == ["b"]
