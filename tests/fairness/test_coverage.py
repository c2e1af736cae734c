"""Coverage of the simultaneous intervals and verdict rates, by simulation with known rates.

Every case simulates many data sets at once (tests/fairness/simulate.py): group
confusion counts from known cell probabilities, the count-level stratified
bootstrap (equal in distribution to the audit's row bootstrap, see
test_counts.py), then the production engine and both checks (ratio within
[0.8, 1.25], difference within 0.1) on the same data sets.

Margins. With N = 1000 data sets an observed coverage lies within
1.96 * sqrt(.95 * .05 / N) = 1.4 points of the true one 95% of the time; the
93% floor at nominal 95% leaves 2 points (about 2.9 standard errors) before a
correct method fails. FAIL rates are asserted <= 2.5% when the true values are
acceptable: a FAIL then needs an interval to miss its true value on the far
side, which a symmetric two-sided 95% family does with probability at most
about 2.5% (observed here: 0-0.5%).

Measured with 3,000 data sets per case (ratio check / difference check):
no disparity, 650 rows per group: 2 groups 94.9 / 95.2%, 6 groups 95.1 / 95.0%,
12 groups 95.3 / 95.2%, FAIL 0%; planted ratio 0.75: 94.8%; ratio 0.8: 95.2%,
FAIL 0.4%; difference 0.1: 94.7%, FAIL 0.5%; groups of 20-40 rows 95.8 / 95.6%;
equalized odds (TPR + FPR, 6 groups) 95.5%; ratio 0.6 with 2,000 rows: FAIL 100%.
bench/bench_fairness_power.py prints the four-fifths table by true ratio and size.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.fairness.simulate import cell_probabilities, simulate

N = 1000
MIN_COVERAGE = 0.93
MAX_WRONG = 0.025


def _probs(n_groups, selection_scale=None, shift=None):
    """Base rate 0.4, TPR 0.7, FPR 0.2 (selection rate 0.4); the last group planted.

    ``selection_scale`` multiplies its TPR and FPR (its selection rate ratio is
    that scale); ``shift`` adds to both (its selection rate difference is that shift).
    """
    tpr, fpr = np.full(n_groups, 0.7), np.full(n_groups, 0.2)
    if selection_scale is not None:
        tpr[-1], fpr[-1] = 0.7 * selection_scale, 0.2 * selection_scale
    if shift is not None:
        tpr[-1], fpr[-1] = 0.7 + shift, 0.2 + shift
    return cell_probabilities(0.4, tpr, fpr)


def _sizes(n_groups, low, high, seed):
    return np.random.default_rng(seed).integers(low, high + 1, n_groups)


@pytest.mark.parametrize("n_groups", [2, 6, 12])
def test_no_disparity_is_covered_and_never_fails(n_groups):
    res = simulate(_probs(n_groups), _sizes(n_groups, 600, 700, n_groups), n_datasets=N,
                   rng=np.random.default_rng(100 + n_groups))
    for check in (res.ratio, res.difference):
        assert check.coverage >= MIN_COVERAGE and check.check_coverage >= MIN_COVERAGE
        assert check.fail <= MAX_WRONG
    # the old max-minus-min interval could never reach "no disparity"; these can, when the data allow
    if n_groups == 2:
        assert res.ratio.pass_ > 0.5


@pytest.mark.parametrize("ratio", [0.75, 0.8])
def test_planted_ratio_near_the_threshold(ratio):
    res = simulate(_probs(6, selection_scale=ratio), _sizes(6, 600, 700, 7), n_datasets=N,
                   rng=np.random.default_rng(int(ratio * 100)))
    assert res.ratio.coverage >= MIN_COVERAGE
    if ratio == 0.8:  # acceptable (a ratio of exactly 0.8 passes): FAIL is the error
        assert res.ratio.fail <= MAX_WRONG
    else:  # unacceptable: PASS is the error
        assert res.ratio.pass_ <= MAX_WRONG


def test_planted_difference_at_the_threshold():
    res = simulate(_probs(6, shift=0.1), _sizes(6, 600, 700, 8), threshold=0.1, n_datasets=N,
                   rng=np.random.default_rng(10))
    assert res.difference.coverage >= MIN_COVERAGE
    assert res.difference.fail <= MAX_WRONG


def test_small_groups():
    # every group eligible (the policy's minimum lowered to 20): where the bootstrap-t matters
    res = simulate(_probs(6), _sizes(6, 20, 40, 9), n_datasets=N, min_group_size=20, rng=np.random.default_rng(11))
    for check in (res.ratio, res.difference):
        assert check.coverage >= MIN_COVERAGE
        assert check.fail <= MAX_WRONG


def test_equalized_odds_family():
    res = simulate(_probs(4), _sizes(4, 600, 700, 12), metrics=("true_positive_rate", "false_positive_rate"),
                   n_datasets=500, rng=np.random.default_rng(13))
    # 500 data sets: standard error 1.0 point, the 93% floor 2 of them below nominal
    assert res.difference.coverage >= MIN_COVERAGE
    assert res.difference.fail <= MAX_WRONG


def test_clear_disparity_fails_nearly_always():
    res = simulate(_probs(3, selection_scale=0.6), [2000] * 3, n_datasets=300, rng=np.random.default_rng(14))
    assert res.ratio.fail >= 0.98
    assert res.ratio.coverage >= MIN_COVERAGE
