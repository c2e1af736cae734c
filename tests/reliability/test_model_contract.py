"""Models that break their contract: an error or a recorded warning, never a
silently wrong number; the model never sees (or changes) the user's data."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LinearRegression, LogisticRegression

from auditor import Auditor
from auditor.errors import AuditInputError
from auditor.preflight import PROBA_TOLERANCE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300), "sex": rng.choice(["f", "m"], 300)})
    y = pd.Series((X["a"] + rng.normal(scale=0.7, size=300) > 0).astype(int), name="y")
    return X, y


class Wrapped(ClassifierMixin, BaseEstimator):
    """A logistic regression behind a custom predict_proba: subclasses break it."""

    def fit(self, X, y):
        self.inner_ = LogisticRegression().fit(X, y)
        self.classes_ = self.inner_.classes_
        self.feature_names_in_ = self.inner_.feature_names_in_
        return self

    def predict_proba(self, X):
        return self.inner_.predict_proba(X)

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


class Unnormalised(Wrapped):
    def predict_proba(self, X):
        return super().predict_proba(X) * 1.3  # rows sum to 1.3


class Noisy(Wrapped):
    def predict_proba(self, X):
        p = np.clip(super().predict_proba(X)[:, 1] + np.random.default_rng().normal(0, 0.2, len(X)), 0, 1)
        return np.column_stack([1 - p, p])


class Mutating(Wrapped):
    def predict_proba(self, X):
        out = super().predict_proba(X)
        X["a"] = 0.0  # scales "in place", as a careless preprocessing step would
        return out


class PredictOnly(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.inner_ = LogisticRegression().fit(X, y)
        self.classes_ = self.inner_.classes_
        self.feature_names_in_ = self.inner_.feature_names_in_
        return self

    def predict(self, X):
        return self.inner_.predict(X)


class Chatty(Wrapped):
    def predict(self, X):
        warnings.warn("X has feature names, but Chatty was fitted without feature names", UserWarning, stacklevel=2)
        return super().predict(X)


def _warnings(result, source="inputs"):
    return [w.message for w in result.warnings if w.source == source]


def test_probabilities_that_do_not_sum_to_one_are_an_error(data):
    X, y = data
    model = Unnormalised().fit(X[["a", "b"]], y)
    with pytest.raises(AuditInputError) as info:
        Auditor(model, X, y, sensitive_features=["sex"])
    message = str(info.value)
    assert message.startswith(
        f"Expected model.predict_proba to return probabilities: each in [0, 1] and each row summing to 1 "
        f"(tolerance {PROBA_TOLERANCE:g}). Got ")
    assert "rows summing to 1.3–1.3" in message


def test_a_random_model_is_a_warning_that_names_the_numbers_it_affects(data):
    X, y = data
    model = Noisy().fit(X[["a", "b"]], y)
    result = Auditor(model, X, y, sensitive_features=["sex"], sections=["performance"], n_bootstrap=0).run()
    (message,) = [m for m in _warnings(result) if m.startswith("The model is not deterministic")]
    assert "answered differently for" in message
    assert "performance and fairness" in message and "permutation importance, SHAP and LIME" in message


def test_a_model_that_mutates_its_input_changes_neither_the_users_frame_nor_any_number(data):
    X, y = data
    before = X.copy(deep=True)
    honest = Wrapped().fit(X[["a", "b"]], y)
    mutating = Mutating().fit(X[["a", "b"]], y)
    sections = ["performance", "importance", "fairness"]
    kwargs = dict(sensitive_features=["sex"], sections=sections, n_bootstrap=20, random_state=3)
    got = Auditor(mutating, X, y, **kwargs).run()
    pd.testing.assert_frame_equal(X, before)
    expected = Auditor(honest, X, y, **kwargs).run()
    assert got.performance.metric("roc_auc").estimate == expected.performance.metric("roc_auc").estimate
    assert [(f.feature, f.estimate) for f in got.importance.permutation.features] == [
        (f.feature, f.estimate) for f in expected.importance.permutation.features]
    (message,) = [m for m in _warnings(got) if m.startswith("The model changes the data it is given")]
    assert "column(s) ['a'] changed" in message and "private copy" in message


def test_a_regressor_on_a_binary_target_warns_and_task_regression_silences_it(data):
    X, y = data
    model = LinearRegression().fit(X[["a", "b"]], y)
    warned = Auditor(model, X, y, sections=["performance"], n_bootstrap=0)
    (message,) = [w for w in warned._setup_warnings if w.startswith("y takes only 2 distinct values (0, 1)")]
    assert "the model (LinearRegression) is a regressor" in message and "task='regression'" in message
    confirmed = Auditor(model, X, y, task="regression", sections=["performance"], n_bootstrap=0)
    assert not any(w.startswith("y takes only") for w in confirmed._setup_warnings)


def test_a_predict_only_classifier_skips_shap_and_lime_with_the_reason(data):
    X, y = data
    model = PredictOnly().fit(X[["a", "b"]], y)
    result = Auditor(model, X, y, sections=["importance", "shap", "lime"], n_bootstrap=0).run()
    assert not result.failures
    skipped = {s.section: s.reason for s in result.skipped}
    assert set(skipped) >= {"shap", "lime"}
    for method in ("SHAP", "LIME"):
        assert skipped[method.lower()].startswith(
            f"{method} explains a classifier through its probabilities or decision scores, and PredictOnly has "
            "neither predict_proba nor decision_function")
    assert result.importance.permutation.scoring == "accuracy"


def test_warnings_the_model_raises_when_called_are_recorded(data):
    X, y = data
    model = Chatty().fit(X[["a", "b"]], y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the full prediction still warns on stderr; the result must say it too
        result = Auditor(model, X, y, sections=["performance"], n_bootstrap=0).run()
    assert ("The model warned when called: UserWarning: X has feature names, but Chatty was fitted without "
            "feature names") in _warnings(result)


def test_a_pickle_from_another_scikit_learn_version_is_a_recorded_warning(data, tmp_path):
    import sklearn

    X, y = data
    model = LogisticRegression().fit(X[["a", "b"]], y)
    raw = pickle.dumps(model)
    version = sklearn.__version__.encode()
    other = b"0." + b"9" * (len(version) - 2)  # same length: the pickle stays valid
    assert raw.count(version) == 1
    (tmp_path / "model.pkl").write_bytes(raw.replace(version, other))
    X.assign(y=y).to_csv(tmp_path / "data.csv", index=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, "-m", "auditor", "run", "--model", "model.pkl", "--trust-model-file", "--data", "data.csv",
         "--target", "y", "--sections", "performance", "--n-bootstrap", "0", "--json", "out.json", "-q"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "InconsistentVersionWarning" not in proc.stderr
    from auditor import AuditResult

    messages = [w.message for w in AuditResult.from_json(tmp_path / "out.json").warnings]
    (message,) = [m for m in messages if "InconsistentVersionWarning" in m]
    assert message.startswith("Loading the model file model.pkl: InconsistentVersionWarning: Trying to unpickle")
    assert other.decode() in message
