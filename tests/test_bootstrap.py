from __future__ import annotations

import numpy as np
import pytest

from auditor.bootstrap import bootstrap, percentile_interval, resample_counts


def test_counts_are_resamples_of_n_rows():
    chunks = list(resample_counts(50, 120, np.random.default_rng(0), max_cells=50 * 40))
    assert [c.shape for c in chunks] == [(40, 50)] * 3
    counts = np.vstack(chunks)
    assert (counts.sum(axis=1) == 50).all()
    assert counts.min() >= 0 and np.allclose(counts, counts.round())
    # each row is drawn once per resample on average
    assert abs(counts.mean() - 1.0) < 1e-12


def test_stratified_counts_keep_group_sizes():
    strata = np.array([0] * 7 + [1] * 30 + [2] * 3)
    counts = np.vstack(list(resample_counts(40, 200, np.random.default_rng(1), strata=strata)))
    for g, size in ((0, 7), (1, 30), (2, 3)):
        assert (counts[:, strata == g].sum(axis=1) == size).all()


def test_same_seed_same_counts_and_different_seed_differs():
    a = np.vstack(list(resample_counts(30, 10, np.random.default_rng(5))))
    b = np.vstack(list(resample_counts(30, 10, np.random.default_rng(5))))
    c = np.vstack(list(resample_counts(30, 10, np.random.default_rng(6))))
    assert (a == b).all() and not (a == c).all()


def test_bootstrap_mean_matches_a_loop_over_resamples():
    rng = np.random.default_rng(0)
    x = rng.normal(size=80)
    w = rng.integers(1, 3, size=80).astype(float)
    reps = bootstrap(lambda W: {"mean": W @ x / W.sum(axis=1)}, w, 64, np.random.default_rng(3))["mean"]
    counts = np.vstack(list(resample_counts(80, 64, np.random.default_rng(3))))
    expected = [np.average(x, weights=c * w) for c in counts]
    assert np.allclose(reps, expected, rtol=0, atol=1e-12)


def test_percentile_interval_and_undefined_share():
    samples = np.arange(1001, dtype=float)
    iv = percentile_interval(samples, 0.9)
    assert (iv.low, iv.high) == pytest.approx((50.0, 950.0), abs=1e-9) and iv.reason is None
    half = np.where(np.arange(100) < 60, np.nan, 1.0)
    iv = percentile_interval(half, 0.95)
    assert iv.low is None and "undefined in 60 of 100" in iv.reason
    some = np.where(np.arange(100) < 10, np.nan, np.arange(100.0))
    iv = percentile_interval(some, 0.95)
    assert iv.low is not None and "90 of 100" in iv.reason


def test_no_resamples():
    assert list(resample_counts(10, 0, np.random.default_rng(0))) == []
    assert percentile_interval(np.empty(0), 0.95).low is None


@pytest.mark.parametrize("n", [1, 3])
def test_tiny_inputs(n):
    counts = np.vstack(list(resample_counts(n, 5, np.random.default_rng(0))))
    assert (counts.sum(axis=1) == n).all()


def test_normal_mean_intervals_cover_a_skewed_mean_and_match_the_bootstrap():
    """400 samples of 2,000 exponential(1) values (true mean 1), weighted 1 or 3:
    the 95% interval holds 1 in 95.25% of them; on one sample it matches the
    percentile bootstrap's to a few percent of its width."""
    from auditor.bootstrap import bootstrap, normal_mean_intervals, percentile_interval

    hits = 0
    for i in range(400):
        rng = np.random.default_rng(i)
        a = rng.exponential(size=(2000, 2))
        w = rng.choice([1.0, 3.0], 2000)
        lo, hi = normal_mean_intervals(a, w, 0.95)
        hits += int((lo[0] <= 1.0) & (1.0 <= hi[0]))
    assert 0.92 <= hits / 400 <= 0.98
    rng = np.random.default_rng(0)
    a, w = rng.exponential(size=(5000, 1)), rng.choice([1.0, 3.0], 5000)
    lo, hi = normal_mean_intervals(a, w, 0.95)
    reps = bootstrap(lambda W: {"m": (W @ a) / W.sum(axis=1)[:, None]}, w, 2000, np.random.default_rng(1))["m"]
    iv = percentile_interval(reps[:, 0], 0.95)
    width = hi[0] - lo[0]
    assert abs(iv.low - lo[0]) < 0.06 * width and abs(iv.high - hi[0]) < 0.06 * width


def test_normal_intervals_from_merged_sums_equal_the_two_pass_ones():
    # the Dask engine's TreeSHAP sends per-partition sums; their interval is the in-memory one
    from auditor.bootstrap import normal_mean_intervals, normal_mean_intervals_from_sums

    rng = np.random.default_rng(5)
    a = np.abs(rng.standard_t(3, size=(80_000, 4))) * [1.0, 0.01, 100.0, 1e-6]
    w = rng.uniform(0.2, 3.0, size=len(a))
    parts = np.array_split(np.arange(len(a)), 7)
    sums = [sum(f(p) for p in parts) for f in (lambda p: w[p].sum(), lambda p: w[p] @ a[p],
                                               lambda p: (w[p] ** 2) @ a[p], lambda p: (w[p] ** 2) @ (a[p] ** 2),
                                               lambda p: (w[p] ** 2).sum())]
    lo, hi = normal_mean_intervals(a, w, 0.95)
    lo2, hi2 = normal_mean_intervals_from_sums(*sums, 0.95)
    np.testing.assert_allclose(lo2, lo, rtol=1e-10)
    np.testing.assert_allclose(hi2, hi, rtol=1e-10)
    # a constant column: no spread, the interval is the point
    lo, hi = normal_mean_intervals_from_sums(4.0, np.array([2.0]), np.array([2.0]), np.array([1.0]), 4.0, 0.95)
    assert lo[0] == hi[0] == 0.5
