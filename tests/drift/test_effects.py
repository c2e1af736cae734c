from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from auditor.drift.effects import (
    binned_shares,
    decile_edges,
    js_distance,
    normalized_wasserstein,
    psi,
    wasserstein,
)
from auditor.drift.stattests import SortedSample


def test_psi_by_hand():
    r, c = [0.5, 0.3, 0.2, 0.0], [0.4, 0.3, 0.2, 0.1]
    eps = 1e-4
    hand = (0.4 - 0.5) * math.log(0.4 / 0.5) + 0 + 0 + (0.1 - eps) * math.log(0.1 / eps)
    assert psi(r, c) == pytest.approx(hand, abs=1e-12)
    assert psi([0.2, 0.8], [0.2, 0.8]) == 0.0


def test_decile_edges_are_inverted_cdf_quantiles_and_bins_right_closed():
    rng = np.random.default_rng(0)
    for n in (10, 97, 1000, 12_345):
        v = rng.normal(size=n)
        edges = decile_edges(SortedSample.of(v))
        q = np.unique(np.quantile(v, np.arange(1, 10) / 10, method="inverted_cdf"))
        np.testing.assert_array_equal(edges, q)
    # ties: zeros get a bin of their own, (-inf, 0], right-closed
    v = np.r_[np.zeros(90), np.arange(1.0, 11.0)]
    edges = decile_edges(SortedSample.of(v))
    np.testing.assert_array_equal(edges, [0.0])
    shares = binned_shares(SortedSample.of(v), edges)
    np.testing.assert_allclose(shares, [0.9, 0.1], atol=1e-15)


def test_binned_shares_match_counting_by_hand():
    rng = np.random.default_rng(1)
    ref, cur = rng.normal(size=5000), rng.normal(0.5, 1, size=3000)
    edges = decile_edges(SortedSample.of(ref))
    shares = binned_shares(SortedSample.of(cur), edges)
    bins = np.searchsorted(edges, cur, side="left")  # x == edge falls in the bin the edge closes
    np.testing.assert_allclose(shares, np.bincount(bins, minlength=len(edges) + 1) / len(cur), atol=1e-15)
    w = rng.random(3000)
    weighted = binned_shares(SortedSample.of(cur, w), edges)
    np.testing.assert_allclose(weighted, np.bincount(bins, weights=w, minlength=len(edges) + 1) / w.sum(), atol=1e-12)


def test_wasserstein_equals_scipy():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=4000), rng.exponential(size=3000)
    A, B = SortedSample.of(a), SortedSample.of(b)
    assert wasserstein(A, B) == pytest.approx(stats.wasserstein_distance(a, b), abs=1e-12)
    wa, wb = rng.random(4000), rng.random(3000)
    got = wasserstein(SortedSample.of(a, wa), SortedSample.of(b, wb))
    assert got == pytest.approx(stats.wasserstein_distance(a, b, wa, wb), abs=1e-12)
    value, reason = normalized_wasserstein(A, B)
    assert reason is None
    assert value == pytest.approx(stats.wasserstein_distance(a, b) / np.std(a), abs=1e-12)


def test_normalized_wasserstein_undefined_for_constant_reference():
    value, reason = normalized_wasserstein(SortedSample.of(np.ones(10)), SortedSample.of(np.arange(5.0)))
    assert value is None and "constant" in reason


def test_js_distance_equals_scipy_base_2():
    p, q = np.array([0.5, 0.3, 0.2, 0.0]), np.array([0.1, 0.3, 0.2, 0.4])
    assert js_distance(p, q) == pytest.approx(jensenshannon(p, q, base=2), abs=1e-12)
    m = (p + q) / 2
    kl = lambda x, y: sum(xi * math.log2(xi / yi) for xi, yi in zip(x, y) if xi > 0)  # noqa: E731
    assert js_distance(p, q) == pytest.approx(math.sqrt((kl(p, m) + kl(q, m)) / 2), abs=1e-12)
