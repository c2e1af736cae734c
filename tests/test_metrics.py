"""Vectorised metrics against scikit-learn, resample by resample.

Each resample's weights (bootstrap counts times sample weights, many zeros) are
passed to scikit-learn as ``sample_weight``: the vectorised value must agree.
"""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm
from sklearn.calibration import calibration_curve

from auditor import metrics as M
from auditor.bootstrap import resample_counts


@pytest.fixture(scope="module")
def binary():
    rng = np.random.default_rng(0)
    n = 300
    y = rng.random(n) < 0.35
    # rounded scores create ties, the hard case for rank metrics
    score = np.clip(np.round(0.35 + 0.3 * (y - 0.35) + rng.normal(scale=0.25, size=n), 2), 0, 1)
    pred = score > 0.5
    w = rng.integers(1, 4, size=n).astype(float)
    counts = np.vstack(list(resample_counts(n, 12, np.random.default_rng(1))))
    return y, score, pred, counts * w


def test_rank_metrics_match_sklearn(binary):
    y, score, _, W = binary
    ties = M.TieGroups(score)
    auc = M.roc_auc(W, y, ties)
    ap = M.average_precision(W, y, ties)
    for i in range(W.shape[0]):
        assert auc[i] == pytest.approx(skm.roc_auc_score(y, score, sample_weight=W[i]), abs=1e-12)
        assert ap[i] == pytest.approx(skm.average_precision_score(y, score, sample_weight=W[i]), abs=1e-12)


def test_rank_metrics_undefined_with_one_class():
    y = np.zeros(5, dtype=bool)
    ties = M.TieGroups(np.arange(5.0))
    assert np.isnan(M.roc_auc(np.ones((1, 5)), y, ties)).all()
    assert np.isnan(M.average_precision(np.ones((1, 5)), y, ties)).all()


def test_binary_counts_match_confusion_matrix(binary):
    y, _, pred, W = binary
    c = M.binary_counts(W, y, pred)
    for i in range(W.shape[0]):
        tn, fp, fn, tp = skm.confusion_matrix(y, pred, sample_weight=W[i]).ravel()
        assert (c["tn"][i], c["fp"][i], c["fn"][i], c["tp"][i]) == pytest.approx((tn, fp, fn, tp), abs=1e-9)


def test_safe_divide_gives_nan_not_zero():
    out = M.safe_divide(np.array([1.0, 0.0, 2.0]), np.array([2.0, 0.0, 0.0]))
    assert out[0] == 0.5 and np.isnan(out[1]) and np.isnan(out[2])


def test_weighted_median_matches_sklearn():
    rng = np.random.default_rng(2)
    v = np.round(rng.exponential(size=41), 1)  # ties on purpose
    W = np.vstack(list(resample_counts(41, 20, np.random.default_rng(3)))) * rng.integers(1, 3, 41)
    med = M.weighted_median(W, v)
    for i in range(W.shape[0]):
        expected = skm.median_absolute_error(np.zeros(41), v, sample_weight=W[i])
        assert med[i] == pytest.approx(expected, abs=1e-12)
    assert M.weighted_median(np.ones((1, 41)), v)[0] == np.median(v)
    assert M.weighted_median(np.ones((1, 40)), v[:40])[0] == np.median(v[:40])


def test_calibration_bins_and_ece_match_hand_computation(binary):
    y, score, _, _ = binary
    bins = M.calibration_bins(score, 10)
    prob_true, prob_pred = calibration_curve(y, score, n_bins=10)
    nz = np.bincount(bins, minlength=10) > 0
    assert np.allclose(np.bincount(bins, weights=y, minlength=10)[nz] / np.bincount(bins, minlength=10)[nz], prob_true)
    assert np.allclose(np.bincount(bins, weights=score, minlength=10)[nz] / np.bincount(bins, minlength=10)[nz], prob_pred)
    # ECE by hand: loop over bins
    ece = sum(
        (bins == b).mean() * abs(y[bins == b].mean() - score[bins == b].mean()) for b in range(10) if (bins == b).any()
    )
    assert M.expected_calibration_error(np.ones((1, len(y))), score, y, bins, 10)[0] == pytest.approx(ece, abs=1e-12)


def test_per_row_losses_match_sklearn(binary):
    y, score, _, W = binary
    proba = np.column_stack([1 - score, score])
    codes = y.astype(int)
    ll = M.log_loss_per_row(proba, codes)
    brier = M.brier_per_row(proba, codes)
    for i in range(3):
        assert M.weighted_mean(W[i : i + 1], ll)[0] == pytest.approx(skm.log_loss(y, proba, sample_weight=W[i]), abs=1e-12)
        assert M.weighted_mean(W[i : i + 1], brier)[0] == pytest.approx(
            skm.brier_score_loss(y, score, sample_weight=W[i]), abs=1e-12
        )
    rng = np.random.default_rng(4)
    p3 = rng.dirichlet([1, 1, 1], size=50)
    y3 = rng.integers(0, 3, 50)
    assert M.brier_per_row(p3, y3).mean() == pytest.approx(skm.brier_score_loss(y3, p3), abs=1e-12)
    assert M.log_loss_per_row(p3, y3).mean() == pytest.approx(skm.log_loss(y3, p3), abs=1e-12)


def test_class_counts():
    yt = np.array([0, 1, 2, 2, 1])
    yp = np.array([0, 2, 2, 1, 1])
    c = M.class_counts(np.ones((1, 5)), yt, yp, 3)
    assert c["true"][0].tolist() == [1, 2, 2]
    assert c["pred"][0].tolist() == [1, 2, 2]
    assert c["tp"][0].tolist() == [1, 1, 1]
