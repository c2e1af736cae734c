"""The explanation checks' defaults against what agreement looks like by simulation.

On models with a known additive structure, LIME's local linear model and SHAP
should tell the same story: the default thresholds must not call them in
disagreement, and LIME's local fit must pass for nearly every row. On a model
with a strong interaction, which no additive local model can describe, the
checks must notice. A small version of bench/bench_explanation_agreement.py
(20 audits per model, whose numbers the policy's docstring quotes).
"""

from __future__ import annotations

import numpy as np
import pytest

from auditor.results import ExplanationPolicy
from tests.explain.agreement_simulation import simulate

DEFAULTS = ExplanationPolicy()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["logistic", "linear"])
def test_additive_models_agree_under_the_defaults(kind):
    rows = fitted = 0
    for seed in range(3):
        agreement, lime = simulate(kind, seed, num_samples=1500)
        assert agreement.median_row_rank_correlation >= DEFAULTS.min_row_rank_correlation, seed
        assert agreement.median_row_sign_agreement >= DEFAULTS.min_row_sign_agreement, seed
        for row in lime.rows:
            rows += 1
            fitted += row.local_fit_problem(DEFAULTS.min_lime_local_r2, DEFAULTS.max_lime_range_excess) is None
    assert rows >= 12 and fitted / rows >= 0.85


@pytest.mark.slow
def test_an_interaction_is_noticed():
    medians, r2 = [], []
    for seed in range(3):
        agreement, lime = simulate("interaction", seed, num_samples=1000)
        medians.append(agreement.median_row_rank_correlation)
        r2 += [row.score for row in lime.rows]
    assert sum(m < DEFAULTS.min_row_rank_correlation for m in medians) >= 2
    assert np.median(r2) < 0.1  # LIME's local model explains little of such a model
