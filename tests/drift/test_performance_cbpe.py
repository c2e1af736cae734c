from __future__ import annotations

import numpy as np
import pytest
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import accuracy_score, mean_absolute_error, roc_auc_score

from auditor.drift import estimate_performance, fit_calibrator, performance_shift
from auditor.drift.cbpe import expected_roc_auc


@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(0)
    y_ref = rng.integers(0, 2, 3000)
    s_ref = np.clip(0.35 * y_ref + 0.65 * rng.random(3000), 0, 1)
    y = rng.integers(0, 2, 2000)
    s = np.clip(0.2 * y + 0.8 * rng.random(2000), 0, 1)
    return y, s, y_ref, s_ref


def test_performance_points_equal_sklearn(scored):
    y, s, y_ref, s_ref = scored
    acc = performance_shift(y, (s > 0.5).astype(int), y_ref, (s_ref > 0.5).astype(int), n_resamples=200)
    assert acc.reference.value == pytest.approx(accuracy_score(y_ref, s_ref > 0.5), abs=1e-12)
    assert acc.difference.value == pytest.approx(accuracy_score(y, s > 0.5) - accuracy_score(y_ref, s_ref > 0.5), abs=1e-12)
    assert acc.difference.ci_low < acc.difference.value < acc.difference.ci_high < 0
    auc = performance_shift(y, s, y_ref, s_ref, metric="roc_auc", n_resamples=200)
    assert auc.current.value == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    mae = performance_shift(y, s, y_ref, s_ref, metric="mae", n_resamples=200)
    assert mae.current.value == pytest.approx(mean_absolute_error(y, s), abs=1e-12) and not mae.higher_is_better


def test_performance_is_seeded_and_order_free(scored):
    y, s, y_ref, s_ref = scored
    a = performance_shift(y, s, y_ref, s_ref, metric="roc_auc", n_resamples=200, random_state=1)
    p, q = np.random.default_rng(9).permutation(len(y)), np.random.default_rng(8).permutation(len(y_ref))
    b = performance_shift(y[p], s[p], y_ref[q], s_ref[q], metric="roc_auc", n_resamples=200, random_state=1)
    assert a == b
    assert performance_shift(y, s, y_ref, s_ref, metric="roc_auc", n_resamples=200, random_state=2) != a


def test_performance_undefined_with_one_class():
    res = performance_shift(np.ones(50), np.linspace(0, 1, 50), np.r_[np.ones(5), np.zeros(5)], np.linspace(0, 1, 10),
                            metric="roc_auc", n_resamples=50)
    assert res.current.value is None and res.current.reason and res.difference.value is None
    with pytest.raises(ValueError, match="metric"):
        performance_shift([1], [1], [1], [1], metric="f1")


def test_calibrator_equals_sklearn_isotonic():
    rng = np.random.default_rng(1)
    s = np.round(rng.random(5000), 3)
    y = (rng.random(5000) < s**2).astype(int)
    w = rng.random(5000)
    grid = np.linspace(-0.1, 1.1, 777)
    for weights in (None, w):
        ours = fit_calibrator(y, s, sample_weight_reference=weights).predict(grid)
        ref = IsotonicRegression(out_of_bounds="clip").fit(s, y, sample_weight=weights).predict(grid)
        np.testing.assert_allclose(ours, ref, atol=1e-12)


def test_expected_auc_with_hard_labels_is_the_auc():
    rng = np.random.default_rng(2)
    y, s = rng.integers(0, 2, 500), np.round(rng.random(500), 2)
    assert expected_roc_auc(s, y.astype(float)) == pytest.approx(roc_auc_score(y, s), abs=1e-12)


def test_cbpe_recovers_accuracy_of_a_calibrated_model_under_covariate_shift():
    rng = np.random.default_rng(3)
    s_ref = rng.beta(2, 2, 20_000)
    y_ref = (rng.random(20_000) < s_ref).astype(int)
    s = rng.beta(1, 3, 20_000)  # shifted scores, same P(y | score)
    y = (rng.random(20_000) < s).astype(int)
    res = estimate_performance(s, y_ref, s_ref, n_resamples=300, random_state=0)
    realized = accuracy_score(y, s >= 0.5)
    assert res.is_estimate and res.metric == "accuracy"
    assert abs(res.estimate.value - realized) < 0.02
    assert res.estimate.ci_low <= realized <= res.estimate.ci_high
    auc = estimate_performance(s, y_ref, s_ref, metric="roc_auc", n_resamples=200, random_state=0)
    assert abs(auc.estimate.value - roc_auc_score(y, s)) < 0.02
    assert auc.estimate.ci_low <= roc_auc_score(y, s) <= auc.estimate.ci_high


def test_cbpe_interval_covers_at_the_nominal_rate():
    """Over repeated draws of reference and outcomes, the 90% interval covers the
    realized accuracy about 90% of the time (both uncertainties are in it)."""
    covered = 0
    for seed in range(40):
        rng = np.random.default_rng(100 + seed)
        s_ref = rng.random(1000)
        y_ref = (rng.random(1000) < s_ref).astype(int)
        s = rng.beta(2, 3, 1000)
        y = (rng.random(1000) < s).astype(int)
        res = estimate_performance(s, y_ref, s_ref, n_resamples=200, confidence_level=0.9, random_state=seed)
        covered += res.estimate.ci_low <= accuracy_score(y, s >= 0.5) <= res.estimate.ci_high
    assert 30 <= covered <= 40


def test_cbpe_inputs_are_checked():
    with pytest.raises(ValueError, match="both classes"):
        estimate_performance([0.2], [1, 1], [0.1, 0.9])
    with pytest.raises(ValueError, match="finite"):
        estimate_performance([np.nan], [0, 1], [0.1, 0.9])


@pytest.mark.slow
def test_cbpe_on_adult_with_a_held_out_reference(adult_train, adult_test):
    from sklearn.model_selection import train_test_split
    from threadpoolctl import threadpool_limits

    from auditor.demo import make_pipeline_for

    X_fit, X_ref, y_fit, y_ref = train_test_split(adult_train.X, adult_train.y, test_size=0.3, stratify=adult_train.y,
                                                  random_state=0)
    model = make_pipeline_for(list(adult_train.categorical_features), list(adult_train.numeric_features))
    with threadpool_limits(1):  # OpenMP threads crawl on a shared machine
        model.fit(X_fit, y_fit)
    s_ref, s = model.predict_proba(X_ref)[:, 1], model.predict_proba(adult_test.X)[:, 1]
    res = estimate_performance(s, y_ref, s_ref, y_pred=model.predict(adult_test.X), random_state=0)
    realized = accuracy_score(adult_test.y, model.predict(adult_test.X))
    assert abs(res.estimate.value - realized) < 0.02
    assert res.estimate.ci_low <= realized <= res.estimate.ci_high
    auc = estimate_performance(s, y_ref, s_ref, metric="roc_auc", n_resamples=200, random_state=0)
    assert abs(auc.estimate.value - roc_auc_score(adult_test.y, s)) < 0.02
    assert auc.estimate.ci_low <= roc_auc_score(adult_test.y, s) <= auc.estimate.ci_high


def test_cells_of_identical_rows_resample_like_the_rows():
    # accuracy reads a 0/1 vector: two cells whose multinomial counts have the
    # distribution of resampling the rows one by one
    from auditor.bootstrap import resample_counts
    from auditor.drift.performance import _Sample

    rng = np.random.default_rng(0)
    y, pred = rng.integers(0, 2, 3000), (rng.random(3000) < 0.7).astype(int)
    sample = _Sample(y, pred, None, "accuracy", 1)
    assert len(sample.starts) == 2
    cells = sample.replicates(20_000, np.random.default_rng(1))
    rows = np.concatenate([sample(c * sample.w) for c in resample_counts(3000, 20_000, np.random.default_rng(2))])
    p = (y == pred).mean()
    sd = np.sqrt(p * (1 - p) / 3000)
    assert cells.std() == pytest.approx(sd, rel=0.03) and rows.std() == pytest.approx(sd, rel=0.03)
    np.testing.assert_allclose(np.quantile(cells, [0.025, 0.975]), np.quantile(rows, [0.025, 0.975]), atol=0.25 * sd)


def test_delong_intervals_agree_with_the_bootstrap(scored):
    from sklearn.metrics import roc_auc_score

    y, s, y_ref, s_ref = scored
    boot = performance_shift(y, s, y_ref, s_ref, metric="roc_auc", n_resamples=2000, random_state=0)
    fast = performance_shift(y, s, y_ref, s_ref, metric="roc_auc", interval="delong")
    assert fast.interval_method == "DeLong" and fast.n_resamples == 0
    assert fast.reference.value == pytest.approx(roc_auc_score(y_ref, s_ref), abs=1e-12)
    assert fast.difference.value == pytest.approx(boot.difference.value, abs=1e-12)
    for a, b in ((fast.reference, boot.reference), (fast.current, boot.current), (fast.difference, boot.difference)):
        assert a.ci_high - a.ci_low == pytest.approx(b.ci_high - b.ci_low, rel=0.1)
    with pytest.raises(ValueError, match="only for an unweighted ROC AUC"):
        performance_shift(y, s, y_ref, s_ref, metric="accuracy", interval="delong")
