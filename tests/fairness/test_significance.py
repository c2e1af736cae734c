"""Tests of no difference against scipy and exact enumeration; Holm against a hand computation."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from scipy import stats

from auditor.fairness.significance import (
    FISHER_BELOW,
    error_permutation_test,
    holm,
    proportion_pvalues,
    two_proportion_test,
)


def test_z_test_is_pearson_chi_square_without_correction():
    res = two_proportion_test(120, 400, 90, 410)
    assert res.test == "z"
    table = [[120, 280], [90, 320]]
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    assert res.p_value == pytest.approx(p, rel=1e-10)
    pooled = 210 / 810
    z = (120 / 400 - 90 / 410) / np.sqrt(pooled * (1 - pooled) * (1 / 400 + 1 / 410))
    assert z**2 == pytest.approx(chi2, rel=1e-10)


def test_fisher_when_an_expected_count_is_small():
    # pooled 4/40: expected positives 20 * 0.1 = 2 < 5
    res = two_proportion_test(3, 20, 1, 20)
    assert res.test == "fisher"
    assert res.p_value == pytest.approx(stats.fisher_exact([[3, 17], [1, 19]]).pvalue, rel=1e-12)
    # the hypergeometric sum by hand: tables as or less likely than the observed one
    pmf = stats.hypergeom(40, 4, 20).pmf
    observed = pmf(3)
    assert res.p_value == pytest.approx(sum(pmf(k) for k in range(5) if pmf(k) <= observed * (1 + 1e-7)), rel=1e-9)


def test_switch_rule_at_the_boundary():
    # smallest expected count = min(n) * min(pooled, 1 - pooled)
    below = proportion_pvalues([4], [50], [5], [50])  # 50 * 9/100 = 4.5
    above = proportion_pvalues([5], [50], [6], [50])  # 50 * 11/100 = 5.5
    assert 50 * 9 / 100 < FISHER_BELOW < 50 * 11 / 100
    assert below[1] == ["fisher"] and above[1] == ["z"]


def test_equal_boundary_rates_are_no_evidence():
    assert two_proportion_test(0, 300, 0, 500).p_value == pytest.approx(1.0)
    assert two_proportion_test(300, 300, 500, 500).p_value == pytest.approx(1.0)


def test_bad_counts_say_what_was_expected():
    with pytest.raises(ValueError, match="Expected 0 <= successes <= n and n > 0"):
        two_proportion_test(5, 4, 1, 10)


def test_holm_by_hand():
    p = [0.01, 0.04, None, 0.03, 0.005]
    # sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> running max 0.06
    assert holm(p) == pytest.approx((0.03, 0.06, None, 0.06, 0.02))
    assert holm([0.5, 0.9]) == pytest.approx((1.0, 1.0))
    assert holm([]) == () and holm([None, float("nan")]) == (None, None)
    assert holm([0.02]) == pytest.approx((0.02,))


def _exact_permutation_p(err, w, n1, rmse=False):
    """Every split of the pooled rows, enumerated."""
    n = len(err)
    obs = None
    stats_ = []
    for first in combinations(range(n), n1):
        mask = np.zeros(n, dtype=bool)
        mask[list(first)] = True
        a = np.average(err[mask], weights=w[mask])
        b = np.average(err[~mask], weights=w[~mask])
        if rmse:
            a, b = np.sqrt(a), np.sqrt(b)
        stats_.append(abs(a - b))
        if first == tuple(range(n1)):
            obs = abs(a - b)
    return np.mean(np.array(stats_) >= obs - 1e-12)


@pytest.mark.parametrize("metric", ["mean_absolute_error", "root_mean_squared_error"])
def test_permutation_p_value_matches_exact_enumeration(metric):
    y_true = np.array([1.0, 2.0, 0.5, 3.0, 2.0, 1.0, 0.0, 1.5, 2.5])
    y_pred = np.array([1.8, 1.0, 1.5, 2.5, 2.9, 1.1, 0.9, 1.4, 2.0])
    codes = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0])  # group 1 (4 rows) against reference 0 (5 rows)
    w = np.array([1.0, 2.0, 1.0, 1.0, 1.0, 3.0, 1.0, 1.0, 2.0])
    p = error_permutation_test(y_true, y_pred, codes, reference=0, metric=metric, sample_weight=w,
                               n_permutations=20000, random_state=np.random.default_rng(0))
    e = y_true - y_pred
    err = np.abs(e) if metric == "mean_absolute_error" else e**2
    order = np.r_[np.flatnonzero(codes == 1), np.flatnonzero(codes == 0)]
    exact = _exact_permutation_p(err[order], w[order], 4, rmse=metric == "root_mean_squared_error")
    assert np.isnan(p[0])
    # 126 splits; Monte Carlo standard error of 20,000 draws about 0.0035
    assert p[1] == pytest.approx(exact, abs=0.015)
    assert 0.02 < exact < 0.98  # a p-value that tells the test something


def test_permutation_test_ignores_row_order_and_group_labels():
    rng = np.random.default_rng(5)
    codes = rng.integers(0, 3, 90)
    y = rng.normal(size=90)
    yhat = y + rng.normal(size=90) * (1 + codes)
    p = error_permutation_test(y, yhat, codes, reference=0, n_permutations=300, random_state=np.random.default_rng(9))
    shuffle = rng.permutation(90)
    relabel = np.array([2, 0, 1])  # old code -> new code
    q = error_permutation_test(y[shuffle], yhat[shuffle], relabel[codes[shuffle]], reference=2, n_permutations=300,
                               random_state=np.random.default_rng(9))
    np.testing.assert_array_equal(q[relabel], p)
    assert p[2] < 0.01  # errors three times as large are clearly different


def test_permutation_test_rejects_unknown_metric():
    with pytest.raises(ValueError, match="Expected metric in"):
        error_permutation_test(np.zeros(4), np.zeros(4), np.array([0, 0, 1, 1]), reference=0, metric="r2",
                               random_state=np.random.default_rng(0))
