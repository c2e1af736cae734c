"""Performance metrics equal scikit-learn's, and undefined ones are None with a reason."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from auditor import Auditor

TOL = 1e-12


def values(result) -> dict[str, float | None]:
    return {m.key: m.estimate.value for m in result.performance.metrics}


def test_binary_pipeline_matches_sklearn(binary_data, binary_pipeline):
    X, y = binary_data
    result = Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=50).run()
    Xm = X.drop(columns=["group"])
    proba = binary_pipeline.predict_proba(Xm)
    pred = binary_pipeline.predict(Xm)
    v = values(result)
    expected = {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred),
        "recall": skm.recall_score(y, pred),
        "f1": skm.f1_score(y, pred),
        "roc_auc": skm.roc_auc_score(y, proba[:, 1]),
        "average_precision": skm.average_precision_score(y, proba[:, 1]),
        "log_loss": skm.log_loss(y, proba),
        "brier_score": skm.brier_score_loss(y, proba[:, 1]),
        "base_rate": y.mean(),
        "selection_rate": pred.mean(),
    }
    for key, ref in expected.items():
        assert v[key] == pytest.approx(ref, abs=TOL), key
    cm = np.asarray(result.performance.confusion_matrix.counts)
    assert (cm == skm.confusion_matrix(y, pred)).all()
    roc = result.performance.roc_curves[0]
    assert roc.fpr[0] == 0 and roc.tpr[-1] == 1 and len(roc.fpr) <= 200


def test_binary_with_weights_matches_sklearn(binary_data, binary_pipeline):
    X, y = binary_data
    w = np.random.default_rng(0).integers(0, 5, len(y)).astype(float)
    result = Auditor(binary_pipeline, X, y, sample_weight=w, n_bootstrap=0).run()
    Xm = X.drop(columns=["group"])
    proba = binary_pipeline.predict_proba(Xm)[:, 1]
    pred = binary_pipeline.predict(Xm)
    v = values(result)
    assert v["f1"] == pytest.approx(skm.f1_score(y, pred, sample_weight=w), abs=TOL)
    assert v["roc_auc"] == pytest.approx(skm.roc_auc_score(y, proba, sample_weight=w), abs=TOL)
    assert v["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y, pred, sample_weight=w), abs=TOL)
    assert np.asarray(result.performance.confusion_matrix.counts) == pytest.approx(
        skm.confusion_matrix(y, pred, sample_weight=w)
    )
    assert result.performance.confusion_matrix.weighted


def test_string_labels_with_first_class_positive():
    """pos_label is looked up in classes_: here it is classes_[0], not column 1."""
    rng = np.random.default_rng(3)
    X = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    y = np.where(X["a"] + rng.normal(scale=0.8, size=400) > 0, "approve", "deny")
    model = LogisticRegression().fit(X, y)
    result = Auditor(model, X, y, pos_label="approve", n_bootstrap=0).run()
    p_approve = model.predict_proba(X)[:, list(model.classes_).index("approve")]
    pred = model.predict(X)
    v = values(result)
    assert v["roc_auc"] == pytest.approx(skm.roc_auc_score(y == "approve", p_approve), abs=TOL)
    assert v["precision"] == pytest.approx(skm.precision_score(y, pred, pos_label="approve"), abs=TOL)
    assert v["recall"] == pytest.approx(skm.recall_score(y, pred, pos_label="approve"), abs=TOL)
    assert v["brier_score"] == pytest.approx(skm.brier_score_loss(y, p_approve, pos_label="approve"), abs=TOL)
    assert result.summary.pos_label == "approve"
    assert not result.warnings  # pos_label was given, nothing was guessed


def test_multiclass_matches_sklearn(wine):
    model, X, y = wine
    result = Auditor(model, X, y, n_bootstrap=30).run()
    proba, pred = model.predict_proba(X), model.predict(X)
    v = values(result)
    expected = {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "roc_auc_ovr": skm.roc_auc_score(y, proba, multi_class="ovr"),
        "average_precision_macro": skm.average_precision_score(np.eye(3)[y], proba, average="macro"),
        "log_loss": skm.log_loss(y, proba),
        "brier_score": skm.brier_score_loss(y, proba),
    }
    for avg in ("macro", "weighted"):
        expected[f"precision_{avg}"] = skm.precision_score(y, pred, average=avg)
        expected[f"recall_{avg}"] = skm.recall_score(y, pred, average=avg)
        expected[f"f1_{avg}"] = skm.f1_score(y, pred, average=avg)
    for key, ref in expected.items():
        assert v[key] == pytest.approx(ref, abs=TOL), key
    assert len(result.performance.roc_curves) == 3
    assert result.performance.calibration[0].label == "top-label confidence"


def test_regression_matches_sklearn(diabetes):
    model, X, y = diabetes
    result = Auditor(model, X, y, n_bootstrap=40).run()
    pred = model.predict(X)
    v = values(result)
    expected = {
        "mean_absolute_error": skm.mean_absolute_error(y, pred),
        "root_mean_squared_error": skm.root_mean_squared_error(y, pred),
        "r2": skm.r2_score(y, pred),
        "median_absolute_error": skm.median_absolute_error(y, pred),
        "mean_absolute_percentage_error": skm.mean_absolute_percentage_error(y, pred),
    }
    for key, ref in expected.items():
        assert v[key] == pytest.approx(ref, abs=TOL), key
    res = result.performance.residuals
    assert res.n_rows == len(y) and len(res.sample_residual) == len(y)  # 442 < 1000: every row
    assert sum(res.histogram_counts) == pytest.approx(len(y))


def test_regression_undefined_mape_and_r2():
    X = pd.DataFrame({"a": np.arange(20.0)})
    y = np.where(np.arange(20) == 3, 0.0, 5.0)
    model = LinearRegression().fit(X, y)
    result = Auditor(model, X, y, n_bootstrap=0).run()
    mape = result.performance.metric("mean_absolute_percentage_error").estimate
    assert mape.value is None and "some true values are 0" in mape.reason
    const = Auditor(LinearRegression().fit(X, np.full(20, 2.0)), X, np.full(20, 2.0), n_bootstrap=0).run()
    r2 = const.performance.metric("r2").estimate
    assert r2.value is None and "constant" in r2.reason


def test_no_predicted_positives_gives_undefined_precision():
    """A model that never predicts the positive class has no precision: None, not 0."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=200)})
    y = (rng.random(200) < 0.1).astype(int)
    model = DecisionTreeClassifier(max_depth=1, min_samples_leaf=100, random_state=0).fit(X, y)
    assert model.predict(X).sum() == 0
    result = Auditor(model, X, y, n_bootstrap=20).run()
    precision = result.performance.metric("precision").estimate
    assert precision.value is None and "predicts the positive class 1 for no row" in precision.reason
    assert result.performance.metric("recall").estimate.value == 0.0  # defined: 0 of the positives found


def test_intervals_contain_point_and_are_seeded(binary_data, binary_pipeline):
    X, y = binary_data
    a = Auditor(binary_pipeline, X, y, n_bootstrap=200, random_state=7).run()
    b = Auditor(binary_pipeline, X, y, n_bootstrap=200, random_state=7).run()
    c = Auditor(binary_pipeline, X, y, n_bootstrap=200, random_state=8).run()
    assert a.performance == b.performance
    assert a.performance != c.performance
    for m in a.performance.metrics:
        e = m.estimate
        assert e.ci_low <= e.value <= e.ci_high, m.key


def test_decision_function_only_model():
    from sklearn.svm import LinearSVC

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    y = (X["a"] > 0.2).astype(int)
    model = LinearSVC().fit(X, y)
    result = Auditor(model, X, y, n_bootstrap=0).run()
    keys = {m.key for m in result.performance.metrics}
    assert "roc_auc" in keys and "log_loss" not in keys and not result.performance.calibration
    assert result.performance.metric("roc_auc").estimate.value == pytest.approx(
        skm.roc_auc_score(y, model.decision_function(X)), abs=TOL
    )
    assert any("decision scores" in n for n in result.performance.notes)


def test_calibration_curve_equals_sklearn(binary_data, binary_pipeline):
    from sklearn.calibration import calibration_curve

    X, y = binary_data
    result = Auditor(binary_pipeline, X, y, n_bootstrap=0).run()
    proba = binary_pipeline.predict_proba(X.drop(columns=["group"]))[:, 1]
    prob_true, prob_pred = calibration_curve(y, proba, n_bins=10, strategy="uniform")
    curve = result.performance.calibration[0]
    assert np.allclose(curve.fraction_positive, prob_true, atol=1e-12)
    assert np.allclose(curve.mean_predicted, prob_pred, atol=1e-12)
    # the expected calibration error by hand: bin share times |observed - predicted|
    ece = sum(w / len(y) * abs(t - p) for w, t, p in zip(curve.bin_weight, prob_true, prob_pred))
    assert result.performance.metric("expected_calibration_error").estimate.value == pytest.approx(ece, abs=1e-12)
