"""The cell bootstrap of large data: the same tables from any split of the rows,
intervals that agree with the row bootstrap, and coverage shown by simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from auditor import Auditor, PerformanceSection
from auditor.cells import CellTable, resample_cells
from auditor.sections import performance as P


def _scores(n, rng, shift=1.0):
    """Binormal scores mapped into (0, 1): positives N(shift, 1), negatives N(0, 1),
    so the true ROC AUC is Phi(shift / sqrt(2))."""
    t = rng.random(n) < 0.4
    z = rng.normal(size=n) + shift * t
    return 1 / (1 + np.exp(-z)), t


def test_a_table_from_partitions_equals_the_table_of_all_rows():
    rng = np.random.default_rng(0)
    cell = rng.integers(0, 50, 1000)
    cols = {"w": rng.random(1000), "x": rng.normal(size=1000)}
    whole = CellTable.build(cell, cols)
    parts = [CellTable.build(cell[i:j], {k: v[i:j] for k, v in cols.items()}) for i, j in ((0, 130), (130, 600), (600, 1000))]
    merged = parts[2].merge(parts[0]).merge(parts[1])  # in any order
    np.testing.assert_array_equal(merged.keys, whole.keys)
    np.testing.assert_allclose(merged.count, whole.count)
    for k in cols:
        np.testing.assert_allclose(merged.sums[k], whole.sums[k], rtol=1e-12)
        np.testing.assert_allclose(merged.squares[k], whole.squares[k], rtol=1e-12)
    # the same table gives the same draws
    a = next(resample_cells(whole, 5, np.random.default_rng(1)))
    b = next(resample_cells(merged, 5, np.random.default_rng(1)))
    np.testing.assert_allclose(a["x"], b["x"])


def test_unit_weights_resample_exactly_as_counts():
    table = CellTable.build(np.array([0, 0, 1, 2, 2, 2]), {"w": np.ones(6)})
    draw = next(resample_cells(table, 400, np.random.default_rng(0)))
    np.testing.assert_array_equal(draw["w"], draw["count"])
    # Poisson(n) per cell: mean and variance equal the cell's size
    assert draw["count"].mean(axis=0) == pytest.approx([2, 1, 3], abs=0.25)
    assert draw["count"].var(axis=0) == pytest.approx([2, 1, 3], rel=0.3)


@pytest.fixture(scope="module")
def scored():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(5)
    X = pd.DataFrame({"a": rng.normal(size=20_000), "b": rng.normal(size=20_000)})
    y = (X["a"] - 0.5 * X["b"] + rng.logistic(size=20_000) > 0.3).astype(int)
    return LogisticRegression().fit(X, y), X, y


def test_cell_intervals_agree_with_the_row_bootstrap(scored):
    model, X, y = scored
    rows = Auditor(model, X, y, n_bootstrap=400, sections=[PerformanceSection()]).run().performance
    cells = Auditor(model, X, y, n_bootstrap=400, sections=[PerformanceSection(exact_bootstrap_rows=0)]).run().performance
    assert "cells" in cells.interval_method and "rows" in rows.interval_method
    for key in ("accuracy", "balanced_accuracy", "precision", "recall", "matthews_corrcoef", "roc_auc",
                "average_precision", "log_loss", "brier_score"):
        a, b = rows.metric(key).estimate, cells.metric(key).estimate
        assert a.value == b.value  # points are always computed from every row
        width = a.ci_high - a.ci_low
        # two Monte-Carlo estimates of the same interval: ends within a fifth of its width
        assert abs(a.ci_low - b.ci_low) < 0.2 * width and abs(a.ci_high - b.ci_high) < 0.2 * width, key


def test_cell_intervals_cover_the_true_auc_and_accuracy():
    """300 data sets from a binormal model with a known ROC AUC, each resampled 200
    times over its cells: the 95% intervals must cover the truth about 95% of the
    time (at least 91.5%: 300 data sets put the binomial standard error at 1.3%)."""
    rng = np.random.default_rng(11)
    shift, n, sims = 1.0, 3000, 300
    true_auc = norm.cdf(shift / np.sqrt(2))
    # the accuracy of "score >= 0.5" in the same population, by a large sample
    s_big, t_big = _scores(2_000_000, np.random.default_rng(99), shift)
    true_acc = ((s_big >= 0.5) == t_big).mean()
    hit_auc = hit_acc = 0
    for _ in range(sims):
        s, t = _scores(n, rng, shift)
        order = np.argsort(s, kind="stable")
        rows = {"t": t[order], "p": (s >= 0.5)[order], "score": s[order]}
        table, units = P._binary_cells(rows, np.ones(n), 10)
        aucs, accs = [], []
        for sums in resample_cells(table, 200, rng):
            W, a = units(sums)
            out = P._binary_stats(a, 10, False)(W)
            aucs.append(out["roc_auc"])
            accs.append(out["accuracy"])
        aucs, accs = np.concatenate(aucs), np.concatenate(accs)
        lo, hi = np.quantile(aucs, [0.025, 0.975])
        hit_auc += lo <= true_auc <= hi
        lo, hi = np.quantile(accs, [0.025, 0.975])
        hit_acc += lo <= true_acc <= hi
    assert hit_auc / sims >= 0.915, hit_auc / sims
    assert hit_acc / sims >= 0.915, hit_acc / sims


def test_regression_sum_intervals_agree_with_the_row_bootstrap():
    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(2)
    X = pd.DataFrame({"a": rng.normal(size=8000)})
    y = pd.Series(2 * X["a"] + rng.standard_t(4, size=8000), name="y")
    model = LinearRegression().fit(X, y)
    rows = Auditor(model, X, y, n_bootstrap=400, sections=[PerformanceSection()]).run().performance
    sums = Auditor(model, X, y, n_bootstrap=400, sections=[PerformanceSection(exact_bootstrap_rows=0)]).run().performance
    assert "normal approximation" in sums.interval_method
    for key in ("mean_absolute_error", "root_mean_squared_error", "r2", "mean_prediction"):
        a, b = rows.metric(key).estimate, sums.metric(key).estimate
        width = a.ci_high - a.ci_low
        assert abs(a.ci_low - b.ci_low) < 0.2 * width and abs(a.ci_high - b.ci_high) < 0.2 * width, key
    med = sums.metric("median_absolute_error").estimate
    assert med.value == rows.metric("median_absolute_error").estimate.value and med.ci_low is None
    assert "a median is not a sum of rows" in med.reason


def test_multiclass_cells_say_which_intervals_they_cannot_give(wine):
    model, X, y = wine
    r = Auditor(model, X, y, n_bootstrap=100, sections=[PerformanceSection(exact_bootstrap_rows=0)]).run().performance
    auc = r.metric("roc_auc_ovr").estimate
    assert auc.value is not None and auc.ci_low is None and "one-vs-rest macro average" in auc.reason
    acc = r.metric("accuracy").estimate
    assert acc.ci_low is not None and acc.ci_low <= acc.value <= acc.ci_high
