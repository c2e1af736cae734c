"""The count-level bootstrap against the row bootstrap of auditor.bootstrap, and the cells."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import confusion_matrix

from auditor.bootstrap import resample_counts
from auditor.fairness.counts import confusion_cells, effective_denominators, rates_from_cells, resample_cells
from auditor.fairness.rates import binary_stats


@pytest.fixture(scope="module")
def rows():
    rng = np.random.default_rng(7)
    n = 150
    codes = np.repeat([0, 1, 2], [40, 25, 85])
    t = rng.random(n) < np.array([0.3, 0.5, 0.6])[codes]
    p = rng.random(n) < np.where(t, 0.7, 0.25)
    return codes, t, p


def test_cells_are_sklearn_confusion_matrices(rows):
    codes, t, p = rows
    cells = confusion_cells(t, p, codes, 3)
    for g in range(3):
        m = codes == g
        assert cells[g].tolist() == confusion_matrix(t[m], p[m], labels=[False, True]).ravel().tolist()
    w = np.linspace(0.5, 2, len(codes))
    weighted = confusion_cells(t, p, codes, 3, sample_weight=w)
    assert weighted[1, 3] == pytest.approx(w[(codes == 1) & t & p].sum())


def test_rates_from_cells_equal_binary_stats(rows):
    codes, t, p = rows
    W = np.vstack(list(resample_counts(len(codes), 20, np.random.default_rng(3), strata=codes)))
    stats_ = binary_stats(codes, 3, t, p, None, False)(W)
    onehot = np.eye(4)[2 * t + p]  # rows -> cell
    cells = np.stack([W[:, codes == g] @ onehot[codes == g] for g in range(3)], axis=1)  # (B, G, 4)
    rates = rates_from_cells(cells)
    for key, value in rates.items():
        np.testing.assert_allclose(value, stats_[key], rtol=0, atol=1e-12, err_msg=key)
    empty = rates_from_cells(np.array([[5, 0, 0, 0]]))
    assert np.isnan(empty["true_positive_rate"][0]) and np.isnan(empty["precision"][0])
    assert empty["false_positive_rate"][0] == 0.0


def test_count_bootstrap_keeps_sizes_and_is_reproducible(rows):
    codes, t, p = rows
    cells = confusion_cells(t, p, codes, 3)
    a = resample_cells(cells, 50, np.random.default_rng(1))
    assert a.shape == (50, 3, 4)
    assert (a.sum(axis=2) == cells.sum(axis=1)).all()
    # an empty cell stays empty: the bootstrap only redraws rows that exist
    assert ((cells == 0) <= (a == 0)).all()
    assert (a == resample_cells(cells, 50, np.random.default_rng(1))).all()
    assert not (a == resample_cells(cells, 50, np.random.default_rng(2))).all()


def test_relabelling_groups_permutes_the_draws():
    cells = np.array([[10, 3, 4, 12], [30, 5, 2, 9], [7, 7, 7, 7]])
    perm = np.array([2, 0, 1])
    a = resample_cells(cells, 30, np.random.default_rng(4))
    b = resample_cells(cells[perm], 30, np.random.default_rng(4))
    assert (b == a[:, perm]).all()


def test_count_bootstrap_equals_row_bootstrap_in_distribution(rows):
    """Both bootstraps against the exact multinomial moments, and against each other."""
    codes, t, p = rows
    B = 4000
    cells = confusion_cells(t, p, codes, 3)
    W = np.vstack(list(resample_counts(len(codes), B, np.random.default_rng(11), strata=codes)))
    onehot = np.eye(4)[2 * t + p]
    by_rows = np.stack([W[:, codes == g] @ onehot[codes == g] for g in range(3)], axis=1)
    by_counts = resample_cells(cells, B, np.random.default_rng(12)).astype(float)
    for g in range(3):
        n = cells[g].sum()
        share = cells[g] / n
        mean, cov = n * share, n * (np.diag(share) - np.outer(share, share))
        var = np.diag(cov)
        # Monte Carlo standard errors of a mean and of a covariance of B draws
        se_mean = np.sqrt(var / B)
        se_cov = np.sqrt((np.outer(var, var) + cov**2) / B)
        for draws in (by_rows[:, g], by_counts[:, g]):
            assert (np.abs(draws.mean(axis=0) - mean) <= 5 * se_mean + 1e-12).all()
            assert (np.abs(np.cov(draws.T) - cov) <= 5 * se_cov + 1e-12).all()
        # the two bootstraps' selection rates come from one distribution
        sel_rows = (by_rows[:, g, 1] + by_rows[:, g, 3]) / n
        sel_counts = (by_counts[:, g, 1] + by_counts[:, g, 3]) / n
        assert stats.ks_2samp(sel_rows, sel_counts).pvalue > 1e-3
    # the groups are drawn independently in both: no correlation between groups
    assert abs(np.corrcoef(by_counts[:, 0, 3], by_counts[:, 2, 3])[0, 1]) < 0.06


def test_effective_denominators():
    codes = np.array([0, 0, 0, 1, 1])
    t = np.array([True, False, True, True, False])
    p = np.array([True, True, False, False, False])
    plain = effective_denominators(t, p, codes, 2)
    assert plain["selection_rate"].tolist() == [3, 2]
    assert plain["true_positive_rate"].tolist() == [2, 1]
    assert plain["false_positive_rate"].tolist() == [1, 1]
    assert plain["precision"].tolist() == [2, 0]
    w = np.array([1.0, 2.0, 3.0, 1.0, 1.0])
    weighted = effective_denominators(t, p, codes, 2, sample_weight=w)
    assert weighted["selection_rate"][0] == pytest.approx(36 / 14)  # (1+2+3)^2 / (1+4+9)
    assert weighted["true_positive_rate"][0] == pytest.approx(16 / 10)  # rows 0 and 2
