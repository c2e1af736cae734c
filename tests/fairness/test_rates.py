"""Per-group metrics against fairlearn's MetricFrame, resample by resample."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from fairlearn.metrics import (
    MetricFrame,
    true_positive_rate,
)
from sklearn.metrics import mean_absolute_error, r2_score, roc_auc_score

from auditor.bootstrap import resample_counts
from auditor.fairness.rates import binary_stats, multiclass_stats, regression_stats
from tests.helpers import fairlearn_metrics

FAIRLEARN = fairlearn_metrics()


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n = 400
    codes = rng.choice(3, size=n, p=[0.5, 0.35, 0.15])
    t = rng.random(n) < 0.3 + 0.1 * codes
    score = np.clip(0.3 + 0.4 * t + rng.normal(scale=0.25, size=n), 0, 1)
    p = score > 0.5
    W = np.vstack(list(resample_counts(n, 5, np.random.default_rng(1), strata=codes))) * rng.integers(1, 3, n)
    return codes, t, p, score, W


def test_binary_stats_equal_metricframe(data):
    codes, t, p, score, W = data
    stats = binary_stats(codes, 3, t, p, score, True)
    out = stats(W)
    for i in range(W.shape[0]):
        keep = W[i] > 0  # MetricFrame has no rows of weight 0 to skip, so drop them
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mf = MetricFrame(metrics=FAIRLEARN, y_true=t[keep].astype(int), y_pred=p[keep].astype(int),
                             sensitive_features=codes[keep], sample_params={k: {"sample_weight": W[i][keep]} for k in FAIRLEARN})
        for key in FAIRLEARN:
            assert out[key][i] == pytest.approx(mf.by_group[key].to_numpy(), abs=1e-12), key
        for g in range(3):
            m = keep & (codes == g)
            assert out["roc_auc"][i, g] == pytest.approx(roc_auc_score(t[m], score[m], sample_weight=W[i][m]), abs=1e-12)
            assert out["mean_score"][i, g] == pytest.approx(np.average(score[m], weights=W[i][m]), abs=1e-12)
            assert out["base_rate"][i, g] == pytest.approx(np.average(t[m], weights=W[i][m]), abs=1e-12)


def test_undefined_rates_are_nan_where_fairlearn_says_zero():
    codes = np.array([0, 0, 0, 1, 1])
    t = np.array([True, False, False, False, False])  # group 1 has no positives
    p = np.array([True, True, False, False, False])  # and no predicted positives
    out = binary_stats(codes, 2, t, p, None, False)(np.ones((1, 5)))
    assert np.isnan(out["true_positive_rate"][0, 1]) and np.isnan(out["precision"][0, 1])
    assert out["false_positive_rate"][0, 1] == 0.0 and out["true_positive_rate"][0, 0] == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert true_positive_rate(t[codes == 1], p[codes == 1]) == 0.0  # what we refuse to report


def test_regression_stats_equal_sklearn():
    rng = np.random.default_rng(2)
    codes = rng.integers(0, 3, 300)
    y = 1000 + rng.normal(size=300) * 10 + codes * 5  # a large mean tests the centring
    yhat = y + rng.normal(size=300) * 3
    w = rng.integers(1, 4, 300).astype(float)
    out = regression_stats(codes, 3, y, yhat, w)(w[None, :])
    for g in range(3):
        m = codes == g
        assert out["mean_absolute_error"][0, g] == pytest.approx(mean_absolute_error(y[m], yhat[m], sample_weight=w[m]), abs=1e-9)
        assert out["r2"][0, g] == pytest.approx(r2_score(y[m], yhat[m], sample_weight=w[m]), abs=1e-9)
        assert out["mean_prediction"][0, g] == pytest.approx(np.average(yhat[m], weights=w[m]), abs=1e-9)
    const = regression_stats(np.zeros(3, dtype=int), 1, np.ones(3), np.array([1.0, 2.0, 0.0]), np.ones(3))(np.ones((1, 3)))
    assert np.isnan(const["r2"][0, 0])


def test_multiclass_stats_by_hand():
    codes = np.array([0, 0, 0, 1, 1, 1])
    yt = np.array([0, 1, 2, 0, 0, 1])
    yp = np.array([0, 1, 1, 0, 2, 2])
    out = multiclass_stats(codes, 2, yt, yp, ("a", "b", "c"))(np.ones((1, 6)))
    assert out["accuracy"][0].tolist() == [2 / 3, 1 / 3]
    assert out["selection_rate:b"][0].tolist() == [2 / 3, 0.0]
    assert out["true_positive_rate:a"][0].tolist() == [1.0, 0.5]
    assert np.isnan(out["true_positive_rate:c"][0, 1])  # no true c in group 1
