from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from auditor.drift.stattests import (
    SortedSample,
    benjamini_hochberg,
    chi2_homogeneity,
    effective_size,
    ks_2samp,
    two_proportion_test,
)


def _ks(a, b, **kw):
    return ks_2samp(SortedSample.of(np.asarray(a, float)), SortedSample.of(np.asarray(b, float)), **kw)


@pytest.mark.parametrize("n1,n2", [(30, 45), (500, 500), (2000, 777)])
def test_ks_exact_equals_scipy(n1, n2):
    rng = np.random.default_rng(n1)
    a, b = rng.normal(size=n1), rng.normal(0.2, 1.1, size=n2)
    ours, ref = _ks(a, b), stats.ks_2samp(a, b, method="exact")
    assert ours.method == "exact"
    assert ours.statistic == pytest.approx(ref.statistic, abs=1e-12)
    assert ours.p_value == pytest.approx(ref.pvalue, abs=1e-12)


def test_ks_auto_switches_to_asymptotic_past_scipys_bound():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=10_001), rng.normal(0.01, 1, size=12_000)
    ours = _ks(a, b)
    ref = stats.ks_2samp(a, b)  # scipy's "auto" is asymp here too
    assert ours.method == "asymp"
    assert ours.statistic == pytest.approx(ref.statistic, abs=1e-12)
    assert ours.p_value == pytest.approx(ref.pvalue, abs=1e-12)
    forced = _ks(a[:500], b[:400], method="asymp")
    ref = stats.ks_2samp(a[:500], b[:400], method="asymp")
    assert forced.p_value == pytest.approx(ref.pvalue, abs=1e-12)


def test_ks_with_heavy_ties_equals_scipy():
    rng = np.random.default_rng(2)
    a, b = rng.integers(0, 5, 20_000).astype(float), rng.integers(0, 6, 15_000).astype(float)
    ours, ref = _ks(a, b), stats.ks_2samp(a, b)
    assert ours.statistic == pytest.approx(ref.statistic, abs=1e-12)
    assert ours.p_value == pytest.approx(ref.pvalue, abs=1e-12)


@pytest.mark.filterwarnings("ignore:ks_2samp:RuntimeWarning")  # scipy's own fallback, the oracle's
@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=40), st.lists(st.integers(-5, 5), min_size=1, max_size=40))
def test_ks_property_equals_scipy(a, b):
    ours, ref = _ks(a, b), stats.ks_2samp(a, b, method="exact")
    assert ours.statistic == pytest.approx(ref.statistic, abs=1e-12)
    assert ours.p_value == pytest.approx(ref.pvalue, abs=1e-12)


def test_ks_ignores_nan_and_integer_weights_repeat_rows():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=300), rng.normal(0.3, 1, size=200)
    w = rng.integers(1, 4, 300).astype(float)
    weighted = ks_2samp(SortedSample.of(a, w), SortedSample.of(b))
    repeated = _ks(np.repeat(a, w.astype(int)), b, method="asymp")
    assert weighted.statistic == pytest.approx(repeated.statistic, abs=1e-12)
    assert weighted.method == "asymp"
    with_nan = _ks(np.r_[a, np.nan, np.nan], b)
    assert with_nan.statistic == pytest.approx(_ks(a, b).statistic, abs=1e-15)
    assert _ks([], b).p_value is None


def test_ks_rejects_exact_with_weights():
    with pytest.raises(ValueError, match="exact"):
        ks_2samp(SortedSample.of(np.arange(5.0), np.ones(5)), SortedSample.of(np.arange(4.0)), method="exact")


def test_chi2_equals_scipy_without_correction():
    ref, cur = np.array([120, 30, 50, 0]), np.array([100, 45, 40, 3])
    ours = chi2_homogeneity(ref, cur)
    chi2, p, dof, _ = stats.chi2_contingency(np.vstack([ref, cur]), correction=False)
    assert ours.statistic == pytest.approx(chi2, abs=1e-12) and ours.p_value == pytest.approx(p, abs=1e-12)
    two = chi2_homogeneity([30, 70], [45, 55])
    chi2, p, _, _ = stats.chi2_contingency(np.array([[30, 70], [45, 55]]), correction=False)
    assert two.statistic == pytest.approx(chi2, abs=1e-12) and two.p_value == pytest.approx(p, abs=1e-12)
    # categories empty on both sides do not count as degrees of freedom
    assert chi2_homogeneity([30, 70, 0], [45, 55, 0]).p_value == pytest.approx(p, abs=1e-12)
    assert chi2_homogeneity([10], [20]).p_value == 1.0
    assert chi2_homogeneity([0, 0], [3, 4]).p_value is None


def test_two_proportion_test_is_the_2x2_chi2():
    res = two_proportion_test(30, 200, 12, 180)
    chi2, p, _, _ = stats.chi2_contingency(np.array([[30, 170], [12, 168]]), correction=False)
    assert res.p_value == pytest.approx(p, abs=1e-12)
    assert res.statistic**2 == pytest.approx(chi2, abs=1e-9)
    assert two_proportion_test(0, 10, 0, 20).p_value == 1.0


def test_benjamini_hochberg_by_hand():
    p = [0.01, 0.04, 0.03, None, 0.20]
    # m = 4 defined; sorted 0.01, 0.03, 0.04, 0.20 -> 0.04, 0.06, 0.0533.., 0.20, then step-up minima
    expected = [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, None, 0.20]
    out = benjamini_hochberg(p)
    for o, e in zip(out, expected):
        assert (o is None and e is None) or o == pytest.approx(e, abs=1e-12)
    assert benjamini_hochberg([0.9, 0.95]) == [0.95, 0.95]
    assert benjamini_hochberg([]) == []


def test_effective_size():
    assert effective_size(None, 7) == 7.0
    assert effective_size(np.array([1.0, 1.0, 2.0]), 3) == pytest.approx(16 / 6)
