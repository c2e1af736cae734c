"""Check verdicts from simultaneous intervals: by hand, and against the policy's judge."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.fairness.checks import Evidence, classify_evidence, difference_check, ratio_check
from auditor.fairness.counts import rates_from_cells, resample_cells
from auditor.fairness.reference import (
    Comparison,
    GroupMetric,
    IntervalEstimate,
    ReferenceComparisons,
    compare_to_reference,
)
from auditor.policy._judge import judge
from auditor.results import Estimate, Status


def _family(ratios=(), diffs=None, *, eligible=None, p_values=None, n_resamples=1000):
    """A family from (value, low, high) triples on the ratio scale (and optionally the difference scale)."""
    diffs = diffs or [(None, None, None)] * len(ratios)
    eligible = eligible or [True] * len(ratios)
    p_values = p_values or [None] * len(ratios)
    comps = tuple(
        Comparison("selection_rate", g + 1, ok, None, None, IntervalEstimate(*r), IntervalEstimate(*d), p)
        for g, (r, d, ok, p) in enumerate(zip(ratios, diffs, eligible, p_values))
    )
    return ReferenceComparisons(reference=0, metrics=("selection_rate",), confidence_level=0.95,
                                n_resamples=n_resamples, comparisons=comps, extremes=())


def test_ratio_bounds_and_verdict_by_hand():
    fam = _family([(1.0, 0.85, 1.1), (0.8, 0.7, 0.9), (1.15, 1.05, 1.3)])
    res = ratio_check(fam, 0.8)
    # sizes min(r, 1/r): [.85, 1], [.7, .9], [1/1.3, 1/1.05]; the worst group's bounds are their minima
    assert (res.ci_low, res.ci_high) == pytest.approx((0.7, 0.9))
    assert res.value == pytest.approx(0.8) and res.worst == ("selection_rate", 2) and res.worst_signed == 0.8
    assert res.status == "inconclusive" and res.unsettled == (("selection_rate", 2), ("selection_rate", 3))
    assert res.failing == () and "interval includes the limit" in res.reason
    assert ratio_check(_family([(1.0, 0.85, 1.1), (0.9, 0.82, 1.2)]), 0.8).status == "pass"
    failed = ratio_check(_family([(1.0, 0.85, 1.1), (1.5, 1.3, 1.7)]), 0.8)
    assert failed.status == "fail" and failed.failing == (("selection_rate", 2),)
    assert failed.value == pytest.approx(1 / 1.5) and failed.worst_signed == 1.5  # a ratio above 1 is a gap too


def test_a_ratio_equal_to_epsilon_passes():
    assert ratio_check(_family([(0.9, 0.8, 1.0)]), 0.8).status == "pass"
    assert ratio_check(_family([(0.9, 0.8, 1.25)]), 0.8).status == "pass"


def test_difference_bounds_and_verdict_by_hand():
    fam = _family([(None,) * 3] * 3, diffs=[(0.02, -0.03, 0.07), (-0.12, -0.16, -0.08), (0.05, 0.0, 0.1)])
    res = difference_check(fam, 0.1)
    # sizes |d|: [0, .07], [.08, .16], [0, .1]
    assert (res.ci_low, res.ci_high) == pytest.approx((0.08, 0.16))
    assert res.value == pytest.approx(0.12) and res.worst_signed == pytest.approx(-0.12)
    assert res.status == "inconclusive" and res.unsettled == (("selection_rate", 2),)
    assert difference_check(_family([(None,) * 3], diffs=[(-0.2, -0.25, -0.15)]), 0.1).status == "fail"


def test_small_groups_never_fail_a_check_but_are_listed():
    fam = _family([(1.0, 0.9, 1.1), (0.3, None, None)], eligible=[True, False])
    res = ratio_check(fam, 0.8)
    assert res.status == "pass" and res.n_judged == 1
    assert res.small_crossing == (("selection_rate", 2),) and res.failing == ()


def test_undefined_comparisons_leave_the_check_open():
    fam = _family([(1.0, 0.9, 1.1), (None, None, None, "the reference group's selection_rate is 0")])
    res = ratio_check(fam, 0.8)
    assert res.status == "inconclusive" and "is undefined (the reference group's selection_rate is 0)" in res.reason
    # an undefined ratio's size could be anything in [0, 1], so it widens the worst value's bounds to that
    assert (res.ci_low, res.ci_high) == (0.0, 1.0)
    none = ratio_check(_family([]), 0.8)
    assert none.status == "inconclusive" and none.value is None and "no other group is large enough" in none.reason
    small_ref = compare_to_reference([GroupMetric("true_positive_rate", [0.5, 0.7], [False, True])], reference=0)
    assert "reference group is too small or undefined for true_positive_rate" in ratio_check(small_ref).reason


def test_without_resamples_the_values_decide():
    assert ratio_check(_family([(0.9, None, None), (0.7, None, None)], n_resamples=0), 0.8).status == "fail"
    res = ratio_check(_family([(0.9, None, None), (1.1, None, None)], n_resamples=0), 0.8)
    assert res.status == "pass" and res.ci_low is None and "judged on the values alone" in res.reason


def test_check_p_value_is_holm_within_the_check_and_evidence():
    fam = _family([(1.0, 0.9, 1.1), (0.7, 0.6, 0.82), (0.95, 0.8, 1.1)], p_values=[0.2, 0.01, 0.04])
    res = ratio_check(fam, 0.8)
    # Holm: 0.01 * 3 = 0.03, 0.04 * 2 = 0.08, 0.2 -> the check's p-value is 0.03, at group 2
    assert res.p_value == pytest.approx(0.03) and res.most_significant == ("selection_rate", 2)
    assert res.worst == ("selection_rate", 2) and res.worst_p_value == pytest.approx(0.03)
    assert res.evidence is Evidence.LARGE_AND_CLEAR and res.status == "inconclusive"
    # the worst gap is large but unclear, while a small one is clear: the evidence is about the worst gap
    mixed = ratio_check(_family([(0.7, 0.5, 0.98), (0.95, 0.9, 0.99)], p_values=[0.3, 0.001]), 0.8)
    assert mixed.most_significant == ("selection_rate", 2) and mixed.p_value == pytest.approx(0.002)
    assert mixed.worst_p_value == pytest.approx(0.3) and mixed.evidence is Evidence.LARGE_NOT_CLEAR


def test_the_four_cases():
    assert classify_evidence(True, 0.01, 0.05) == "large_and_clear"
    assert classify_evidence(True, 0.2, 0.05) is Evidence.LARGE_NOT_CLEAR
    assert classify_evidence(False, 0.01, 0.05) is Evidence.SMALL_BUT_CLEAR
    assert classify_evidence(False, 0.05, 0.05) is Evidence.NEITHER  # p must be below alpha
    assert classify_evidence(True, None, 0.05) is None


_STATUS = {Status.PASS: "pass", Status.FAIL: "fail", Status.INCONCLUSIVE: "inconclusive"}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(0.3, 2.0), st.floats(0.0, 0.6), st.floats(0.0, 0.6)), min_size=1, max_size=6),
       st.sampled_from([0.8, 0.9]))
def test_ratio_verdict_is_the_interval_rule_and_the_policy_judge(groups, epsilon):
    ratios = [(r, r * np.exp(-a), r * np.exp(b)) for r, a, b in groups]
    res = ratio_check(_family(ratios), epsilon)
    inside = [lo >= epsilon and hi <= 1 / epsilon for _, lo, hi in ratios]
    outside = [hi < epsilon or lo > 1 / epsilon for _, lo, hi in ratios]
    expected = "fail" if any(outside) else "pass" if all(inside) else "inconclusive"
    assert res.status == expected
    assert _STATUS[judge(Estimate(res.value, res.ci_low, res.ci_high), epsilon, ">=")] == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(-0.3, 0.3), st.floats(0.0, 0.2), st.floats(0.0, 0.2)), min_size=1, max_size=6))
def test_difference_verdict_is_the_interval_rule_and_the_policy_judge(groups):
    t = 0.1
    diffs = [(d, d - a, d + b) for d, a, b in groups]
    res = difference_check(_family([(None,) * 3] * len(diffs), diffs=diffs), t)
    inside = [lo >= -t and hi <= t for _, lo, hi in diffs]
    outside = [lo > t or hi < -t for _, lo, hi in diffs]
    expected = "fail" if any(outside) else "pass" if all(inside) else "inconclusive"
    assert res.status == expected
    assert _STATUS[judge(Estimate(res.value, res.ci_low, res.ci_high), t, "<=")] == expected


def test_end_to_end_from_the_engine():
    cells = np.array([[300, 100, 60, 140], [210, 60, 50, 80], [160, 20, 80, 40]])
    point, reps = rates_from_cells(cells), rates_from_cells(resample_cells(cells, 999, np.random.default_rng(0)))
    m = GroupMetric("selection_rate", point["selection_rate"], [True] * 3, reps["selection_rate"],
                    n_effective=cells.sum(axis=1))
    fam = compare_to_reference([m], reference=0)
    res = ratio_check(fam, 0.8)
    # group 2 selects 60/300 against 240/600: ratio 1/2, clearly below 0.8
    assert res.worst == ("selection_rate", 2) and res.worst_signed == pytest.approx(0.5)
    assert res.status == "fail" and res.evidence is Evidence.LARGE_AND_CLEAR
    assert res.ci_high == pytest.approx(fam.comparisons[1].ratio.ci_high)


def test_bad_thresholds():
    with pytest.raises(ValueError, match="Expected epsilon in"):
        ratio_check(_family([]), 1.2)
    with pytest.raises(ValueError, match="Expected a non-negative threshold"):
        difference_check(_family([]), -0.1)
