"""The model adapter: fitted checks, columns, task and positive class."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from auditor.model import ModelAdapter, resolve_pos_label


@pytest.fixture()
def frame():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80), "sex": rng.choice(["f", "m"], 80)})
    y = (X["a"] + rng.normal(scale=0.5, size=80) > 0).astype(int).to_numpy()
    return X, y


def test_unfitted_model_is_refused(frame):
    X, y = frame
    with pytest.raises(NotFittedError, match="Expected a fitted model. Got an unfitted LogisticRegression"):
        ModelAdapter.from_estimator(LogisticRegression(), X, y)


def test_model_without_predict_is_refused(frame):
    X, y = frame
    with pytest.raises(TypeError, match="Expected model to have a predict method. Got object instead"):
        ModelAdapter.from_estimator(object(), X, y)


def test_columns_from_feature_names_in_reordered(frame):
    X, y = frame
    model = LogisticRegression().fit(X[["b", "a"]], y)
    adapter = ModelAdapter.from_estimator(model, X, y, grouping_only=("sex",))
    assert adapter.feature_names == ("b", "a")
    assert list(adapter.model_input(X).columns) == ["b", "a"]
    assert adapter.warnings == []  # sex is a grouping column, not an unused one


def test_missing_model_column_is_named(frame):
    X, y = frame
    model = LogisticRegression().fit(X[["a", "b"]], y)
    with pytest.raises(ValueError, match=r"X is missing column\(s\) \['b'\] that the model was trained on"):
        ModelAdapter.from_estimator(model, X[["a", "sex"]], y)


def test_unused_column_is_a_warning(frame):
    X, y = frame
    X2 = X.assign(extra=1.0)
    model = LogisticRegression().fit(X[["a", "b"]], y)
    adapter = ModelAdapter.from_estimator(model, X2, y, grouping_only=("sex",))
    assert any("['extra']" in w for w in adapter.warnings)


def test_numpy_trained_model_drops_sensitive_columns_to_match(frame):
    X, y = frame
    model = LogisticRegression().fit(X[["a", "b"]].to_numpy(), y)
    adapter = ModelAdapter.from_estimator(model, X, y, grouping_only=("sex",))
    assert adapter.feature_names == ("a", "b") and not adapter.pass_frame
    with pytest.raises(ValueError, match="Expected X to have the 2 column"):
        ModelAdapter.from_estimator(model, X.assign(c=1.0), y, grouping_only=("sex",))


def test_task_detection(frame):
    X, y = frame
    Xn = X[["a", "b"]]
    assert ModelAdapter.from_estimator(LogisticRegression().fit(Xn, y), Xn, y).task == "binary"
    y3 = np.arange(80) % 3
    assert ModelAdapter.from_estimator(LogisticRegression().fit(Xn, y3), Xn, y3).task == "multiclass"
    yr = X["a"].to_numpy() * 2
    assert ModelAdapter.from_estimator(LinearRegression().fit(Xn, yr), Xn, yr).task == "regression"
    with pytest.raises(ValueError, match="task='regression' contradicts the model"):
        ModelAdapter.from_estimator(LogisticRegression().fit(Xn, y), Xn, y, task="regression")
    with pytest.raises(ValueError, match="Expected task to be one of"):
        ModelAdapter.from_estimator(LogisticRegression().fit(Xn, y), Xn, y, task="classification")


def test_one_class_y_and_foreign_labels_are_errors(frame):
    X, y = frame
    Xn = X[["a", "b"]]
    model = LogisticRegression().fit(Xn, y)
    with pytest.raises(ValueError, match="at least two classes"):
        ModelAdapter.from_estimator(model, Xn, np.zeros(80, dtype=int))
    with pytest.raises(ValueError, match="y's labels to be among the model's classes"):
        ModelAdapter.from_estimator(model, Xn, np.where(y == 1, "yes", "no"))


def test_pos_label_resolution():
    assert resolve_pos_label(np.array([0, 1]), None) == (1, None)
    assert resolve_pos_label(np.array([-1, 1]), None)[0] == 1
    assert resolve_pos_label(np.array([False, True]), None)[0] is np.True_
    chosen, warning = resolve_pos_label(np.array(["<=50K", ">50K"]), None)
    assert chosen == ">50K" and "pos_label was not given" in warning
    assert resolve_pos_label(np.array(["bad", "good"]), "bad") == ("bad", None)
    with pytest.raises(ValueError, match=r"Expected pos_label to be one of the model's classes \['bad', 'good'\]. Got 'ok'"):
        resolve_pos_label(np.array(["bad", "good"]), "ok")
    # a string never matches a number
    with pytest.raises(ValueError):
        resolve_pos_label(np.array([0, 1]), "1")


def test_pos_index_follows_classes_not_column_one(frame):
    X, _ = frame
    y = np.where(X["a"] > 0, "yes", "no")
    model = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X[["a", "b"]], y)
    adapter = ModelAdapter.from_estimator(model, X[["a", "b"]], y, pos_label="no")
    assert list(adapter.classes) == ["no", "yes"] and adapter.pos_index == 0


def test_adapter_never_modifies_model(frame):
    import joblib

    X, y = frame
    model = LogisticRegression().fit(X[["a", "b"]], y)
    before = joblib.hash(model)
    adapter = ModelAdapter.from_estimator(model, X, y, grouping_only=("sex",))
    adapter.predict(adapter.model_input(X))
    adapter.predict_proba(adapter.model_input(X))
    assert joblib.hash(model) == before
