"""Signed comparisons with the reference group: values by hand, intervals recomputed independently."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from auditor.fairness.counts import rates_from_cells, resample_cells
from auditor.fairness.reference import GroupMetric, compare_to_reference
from auditor.fairness.significance import two_proportion_test

ALPHA = 0.05


def _higher_quantile(T: np.ndarray, q: float) -> float:
    """The order statistic numpy's method="higher" picks, written out."""
    T = np.sort(T)
    return float(T[int(np.ceil(q * (len(T) - 1)))])


@pytest.fixture(scope="module")
def boot():
    """Selection rates of four groups (reference 0) with a count-level bootstrap."""
    cells = np.array([[300, 100, 60, 140], [200, 50, 50, 100], [150, 30, 40, 80], [90, 40, 20, 50]])
    reps = rates_from_cells(resample_cells(cells, 999, np.random.default_rng(0)))
    point = rates_from_cells(cells)
    return cells, point, reps


def _metric(point, reps, key, cells, eligible=None, proportion=True):
    n = cells.sum(axis=1).astype(float)
    return GroupMetric(key, point[key], np.ones(len(n), bool) if eligible is None else eligible, reps[key],
                       n_effective=n if proportion else None)


def test_values_are_signed_and_may_exceed_one():
    m = GroupMetric("selection_rate", [0.5, 0.25, 0.6], [True, True, True])
    fam = compare_to_reference([m], reference=0)
    (a, b) = fam.comparisons
    assert (a.group, b.group) == (1, 2)
    assert a.ratio.value == pytest.approx(0.5) and a.difference.value == pytest.approx(-0.25)
    assert b.ratio.value == pytest.approx(1.2) and b.difference.value == pytest.approx(0.1)
    # no resamples: values only, and said so
    assert a.ratio.ci_low is None and "no bootstrap" in a.ratio.reason
    assert fam.notes == ("no bootstrap resamples, so no intervals: values only",)
    assert fam.extremes[0].lowest_group == 1 and fam.extremes[0].highest_group == 2
    assert fam.extremes[0].ratio == pytest.approx(0.25 / 0.6) and fam.extremes[0].difference == pytest.approx(0.35)


def test_bootstrap_t_intervals_recomputed_by_hand(boot):
    cells, point, reps = boot
    fam = compare_to_reference([_metric(point, reps, "selection_rate", cells)], reference=0)
    p, r, n = point["selection_rate"], reps["selection_rate"], cells.sum(axis=1)

    def smooth(rate, rows):  # half a row added to successes and failures
        return (rate * rows + 0.5) / (rows + 1)

    def var_log(rate, rows):
        q = smooth(rate, rows)
        return (1 - q) / (rows * q)

    def var(rate, rows):
        q = smooth(rate, rows)
        return q * (1 - q) / rows

    for scale in ("ratio", "difference"):
        T, parts = [], []
        for g in (1, 2, 3):
            if scale == "ratio":
                theta, star = np.log(p[g] / p[0]), np.log(r[:, g] / r[:, 0])
                se = np.sqrt(var_log(p[g], n[g]) + var_log(p[0], n[0]))
                se_star = np.sqrt(var_log(r[:, g], n[g]) + var_log(r[:, 0], n[0]))
            else:
                theta, star = p[g] - p[0], r[:, g] - r[:, 0]
                se = np.sqrt(var(p[g], n[g]) + var(p[0], n[0]))
                se_star = np.sqrt(var(r[:, g], n[g]) + var(r[:, 0], n[0]))
            T.append(np.abs(star - theta) / se_star)
            parts.append((theta, se))
        c = _higher_quantile(np.max(T, axis=0), 1 - ALPHA)
        assert getattr(fam, f"{scale}_critical_value") == pytest.approx(c, rel=1e-12)
        # simultaneous over three comparisons: wider than one normal interval, narrower than Bonferroni's
        assert stats.norm.ppf(1 - ALPHA / 2) < c < stats.norm.ppf(1 - ALPHA / 6) + 0.1
        for comp, (theta, se) in zip(fam.comparisons, parts):
            lo, hi = theta - c * se, theta + c * se
            if scale == "ratio":
                lo, hi = np.exp(lo), np.exp(hi)
            est = getattr(comp, scale)
            assert (est.ci_low, est.ci_high) == pytest.approx((lo, hi), rel=1e-12)
            assert getattr(comp, f"{scale}_method") == "bootstrap-t"


def test_bootstrap_se_for_errors_recomputed_by_hand():
    rng = np.random.default_rng(3)
    point = np.array([2.0, 2.5, 1.8])
    reps = point + rng.normal(scale=[0.1, 0.2, 0.15], size=(499, 3))
    fam = compare_to_reference([GroupMetric("mean_absolute_error", point, [True] * 3, reps)], reference=0)
    theta = np.log(point[1:] / point[0])
    star = np.log(reps[:, 1:] / reps[:, :1])
    sd = star.std(axis=0, ddof=1)
    c = _higher_quantile(np.max(np.abs(star - theta) / sd, axis=1), 1 - ALPHA)
    assert fam.ratio_critical_value == pytest.approx(c)
    for comp, t, s in zip(fam.comparisons, theta, sd):
        assert (comp.ratio.ci_low, comp.ratio.ci_high) == pytest.approx((np.exp(t - c * s), np.exp(t + c * s)))
        assert comp.ratio_method == "bootstrap-se" and comp.p_value is None  # no test without counts


def test_zero_rates_take_exact_bounds_at_a_bonferroni_share(boot):
    cells, point, reps = boot
    cells = cells.copy()
    cells[2] = [180, 0, 120, 0]  # group 2 selects nobody
    point, reps = rates_from_cells(cells), rates_from_cells(resample_cells(cells, 999, np.random.default_rng(1)))
    fam = compare_to_reference([_metric(point, reps, "selection_rate", cells)], reference=0)
    zero = fam.comparisons[1]
    assert zero.group == 2 and zero.ratio.value == 0.0 and zero.difference.value == pytest.approx(-0.4)
    assert zero.ratio_method == zero.difference_method == "clopper-pearson"
    # K = 3 judged comparisons; each rate's exact interval at 1 - alpha / (2K)
    level = 1 - ALPHA / 6
    lo_g, hi_g = stats.binomtest(0, 300).proportion_ci(level, method="exact")
    lo_r, hi_r = stats.binomtest(240, 600).proportion_ci(level, method="exact")
    assert (zero.ratio.ci_low, zero.ratio.ci_high) == pytest.approx((lo_g / hi_r, hi_g / lo_r), rel=1e-9)
    assert (zero.difference.ci_low, zero.difference.ci_high) == pytest.approx((lo_g - hi_r, hi_g - lo_r), rel=1e-9)
    # the two bootstrap comparisons share the rest of alpha: 2/3 of it
    p, r, n = point["selection_rate"], reps["selection_rate"], cells.sum(axis=1)
    q = (r * n + 0.5) / (n + 1)
    T = np.max([np.abs(r[:, g] - r[:, 0] - (p[g] - p[0]))
                / np.sqrt(q[:, g] * (1 - q[:, g]) / n[g] + q[:, 0] * (1 - q[:, 0]) / n[0]) for g in (1, 3)], axis=0)
    assert fam.difference_critical_value == pytest.approx(_higher_quantile(T, 1 - ALPHA * 2 / 3))


def test_zero_reference_rate_leaves_the_ratio_undefined_not_zero():
    reps = np.tile([0.0, 0.1, 0.2], (50, 1))
    fam = compare_to_reference([GroupMetric("false_positive_rate", [0.0, 0.1, 0.2], [True] * 3, reps)], reference=0)
    for comp in fam.comparisons:
        assert comp.ratio.value is None and comp.ratio.ci_low is None
        assert "reference group's false_positive_rate is 0, so a ratio to it is undefined" in comp.ratio.reason
        assert comp.difference.value is not None


def test_small_groups_are_described_and_leave_the_family_alone(boot):
    cells, point, reps = boot
    base = compare_to_reference([_metric(point, reps, "selection_rate", cells)], reference=0)
    eligible = np.array([True, True, True, False])
    fam = compare_to_reference([_metric(point, reps, "selection_rate", cells, eligible)], reference=0)
    small = fam.comparisons[2]
    assert not small.eligible and small.ratio.value == pytest.approx(point["selection_rate"][3] / point["selection_rate"][0])
    assert small.ratio.ci_low is None and "not judged" in small.ratio.reason and small.p_value is None
    # two judged comparisons instead of three: a smaller critical value, same centres
    assert fam.ratio_critical_value < base.ratio_critical_value
    assert len(fam.judged()) == 2
    ref_small = compare_to_reference([_metric(point, reps, "selection_rate", cells, ~np.eye(4, dtype=bool)[0])],
                                     reference=0)
    assert ref_small.judged() == () and ref_small.ratio_critical_value is None


def test_resamples_where_the_comparison_is_undefined():
    rng = np.random.default_rng(2)
    reps = np.column_stack([rng.uniform(0.6, 0.7, 200), rng.uniform(0.5, 0.6, 200)])
    reps[:130, 1] = np.nan  # group 1 has no positives in 65% of the resamples
    point = np.array([0.65, 0.55])
    errors = compare_to_reference([GroupMetric("mean_absolute_error", point, [True, True], reps)], reference=0)
    assert errors.comparisons[0].ratio.ci_low is None
    assert "undefined in 130 of 200 bootstrap resamples" in errors.comparisons[0].ratio.reason
    rates = compare_to_reference([GroupMetric("true_positive_rate", point, [True, True], reps,
                                              n_effective=[300, 40])], reference=0)
    assert rates.comparisons[0].difference_method == "clopper-pearson"  # a proportion still has exact bounds


def test_relabelling_groups_permutes_the_comparisons(boot):
    cells, point, reps = boot
    perm = np.array([2, 0, 3, 1])  # new position -> old group
    fam = compare_to_reference([_metric(point, reps, "selection_rate", cells)], reference=0)
    moved = compare_to_reference([GroupMetric("selection_rate", point["selection_rate"][perm], [True] * 4,
                                              reps["selection_rate"][:, perm],
                                              n_effective=cells.sum(axis=1)[perm].astype(float))], reference=1)
    by_old = {int(perm[c.group]): c for c in moved.comparisons}
    for c in fam.comparisons:
        other = by_old[c.group]
        assert (other.ratio, other.difference, other.p_value) == (c.ratio, c.difference, c.p_value)


def test_equalized_odds_family_is_wider_than_either_part(boot):
    cells, point, reps = boot
    n_pos = (cells[:, 2] + cells[:, 3]).astype(float)
    n_neg = (cells[:, 0] + cells[:, 1]).astype(float)
    tpr = GroupMetric("true_positive_rate", point["true_positive_rate"], [True] * 4, reps["true_positive_rate"],
                      n_effective=n_pos)
    fpr = GroupMetric("false_positive_rate", point["false_positive_rate"], [True] * 4, reps["false_positive_rate"],
                      n_effective=n_neg)
    both = compare_to_reference([tpr, fpr], reference=0)
    alone = [compare_to_reference([m], reference=0) for m in (tpr, fpr)]
    assert both.metrics == ("true_positive_rate", "false_positive_rate") and len(both.comparisons) == 6
    assert both.difference_critical_value >= max(a.difference_critical_value for a in alone)


def test_p_values_are_two_proportion_tests_on_the_counts(boot):
    cells, point, reps = boot
    fam = compare_to_reference([_metric(point, reps, "selection_rate", cells)], reference=0)
    sel = cells[:, 1] + cells[:, 3]
    n = cells.sum(axis=1)
    for c in fam.comparisons:
        expected = two_proportion_test(sel[c.group], n[c.group], sel[0], n[0])
        assert (c.p_value, c.test) == (pytest.approx(expected.p_value, rel=1e-9), expected.test)
    given = compare_to_reference([GroupMetric("mean_absolute_error", [1.0, 2.0], [True, True], p_values=[np.nan, 0.03],
                                              test="permutation")], reference=0)
    assert (given.comparisons[0].p_value, given.comparisons[0].test) == (0.03, "permutation")


@pytest.mark.parametrize("kwargs, message", [
    (dict(reference=5), "Expected reference in 0..2"),
    (dict(reference=0, confidence_level=1.0), "Expected confidence_level in"),
])
def test_bad_arguments(kwargs, message):
    m = GroupMetric("selection_rate", [0.1, 0.2, 0.3], [True] * 3)
    with pytest.raises(ValueError, match=message):
        compare_to_reference([m], **kwargs)


def test_mismatched_inputs():
    with pytest.raises(ValueError, match=r"Expected replicates of shape \(B, 3\)"):
        GroupMetric("selection_rate", [0.1, 0.2, 0.3], [True] * 3, np.zeros((5, 2)))
    with pytest.raises(ValueError, match="Expected 3 values"):
        GroupMetric("selection_rate", [0.1, 0.2, 0.3], [True] * 2)
    a = GroupMetric("a", [0.1, 0.2], [True] * 2, np.zeros((5, 2)))
    b = GroupMetric("b", [0.1, 0.2], [True] * 2, np.zeros((6, 2)))
    with pytest.raises(ValueError, match="Expected every metric over 2 groups and 5 resamples"):
        compare_to_reference([a, b], reference=0)


def test_sparse_rates_keep_the_family_bounded():
    # one or two successes in 20 rows per group: many resamples have a rate of 0, and with the
    # group and the reference both at 0 a plain binomial standard error is 0 while the
    # difference moved off the estimate; half a row keeps those pivots finite
    cells = np.array([[18, 2]] + [[19, 1]] * 5)
    reps = resample_cells(cells, 999, np.random.default_rng(5))[..., 1] / 20
    both_zero = ((reps[:, 1:] == 0) & (reps[:, :1] == 0)).any(axis=1).mean()
    assert both_zero > 0.05  # an infinite pivot in that share of resamples would make c infinite
    point = cells[:, 1] / 20
    fam = compare_to_reference([GroupMetric("selection_rate", point, [True] * 6, reps, n_effective=np.full(6, 20.0))],
                               reference=0)
    assert fam.difference_critical_value is not None and fam.difference_critical_value < 4
    for c in fam.comparisons:
        assert c.difference.ci_low < -0.05 < c.difference.ci_high and c.difference_method == "bootstrap-t"
