"""Inputs the model cannot take: one error that names the columns and rows, before
any work is done; infinity the model accepts is a recorded warning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from auditor import Auditor
from auditor.errors import AuditInputError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({
        "age": rng.integers(18, 80, 200).astype(float),
        "hours": rng.normal(40, 5, 200).round(),
        "sex": rng.choice(["Female", "Male"], 200),
    }, index=[f"id{i}" for i in range(200)])
    y = pd.Series((X["hours"] + rng.normal(0, 3, 200) > 40).astype(int), index=X.index, name="y")
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X[["age", "hours"]], y)
    return X, y, model


class Threshold(ClassifierMixin, BaseEstimator):
    """Accepts anything numeric, infinity included (a rule, not scikit-learn's checks)."""

    def fit(self, X, y):
        self.classes_ = np.array([0, 1])
        self.feature_names_in_ = np.array(list(X.columns), dtype=object)
        return self

    def predict_proba(self, X):
        p = 1 / (1 + np.exp(-np.clip(X["hours"].to_numpy(dtype=float) - 40, -50, 50)))
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] > 0.5).astype(int)


def test_text_nan_and_infinity_in_columns_are_one_error_naming_columns_and_rows(data):
    X, y, model = data
    bad = X.copy()
    bad["hours"] = bad["hours"].astype(int).astype(str)
    bad.loc["id17", "hours"] = "48 h"
    bad.loc[["id3", "id8"], "age"] = np.nan
    before = bad.copy(deep=True)
    with pytest.raises(AuditInputError) as info:
        Auditor(model, bad, y, sensitive_features=["sex"])
    message = str(info.value)
    assert message.startswith("Expected values the model can use in every column it takes. Got 2 column(s)")
    assert "'hours' holds text that is not a number ('48 h') in 1 row (row 'id17')" in message
    assert "'age' holds missing values (NaN) in 2 rows (rows 'id3', 'id8')" in message
    assert "could not convert string to float: '48 h'" in message  # the model's own words, with the column
    pd.testing.assert_frame_equal(bad, before)  # the trials ran on copies: the user's frame is as it was


def test_infinity_the_model_rejects_is_an_error(data):
    X, y, model = data
    bad = X.copy()
    bad.loc[["id4", "id9"], "age"] = np.inf
    with pytest.raises(AuditInputError, match=r"'age' holds infinity in 2 rows \(rows 'id4', 'id9'\)"):
        Auditor(model, bad, y, sensitive_features=["sex"])


def test_infinity_the_model_accepts_is_a_recorded_warning(data):
    X, y, _ = data
    model = Threshold().fit(X[["age", "hours"]], y)
    odd = X.copy()
    odd.loc["id5", "hours"] = np.inf
    result = Auditor(model, odd, y, sensitive_features=["sex"], sections=["performance"], n_bootstrap=0).run()
    messages = [w.message for w in result.warnings if w.source == "inputs"]
    assert any(m.startswith("Column 'hours' holds infinity in 1 row (row 'id5'). The model accepts it") for m in messages)


def test_infinity_in_a_regression_target_is_an_error_naming_y(data):
    X, _, _ = data
    model = LinearRegression().fit(X[["age", "hours"]], X["hours"])
    y = X["hours"].copy()
    y.loc["id7"] = np.inf
    with pytest.raises(AuditInputError, match=r"^Expected finite numbers in y for a regression audit\. Got infinity "
                                              r"in 1 row \(row 'id7'\) instead"):
        Auditor(model, X, y)


def test_cli_reports_an_unusable_column_in_one_line_with_exit_2(data, tmp_path):
    X, y, model = data
    frame = X.assign(y=y)
    frame["hours"] = frame["hours"].astype(int).astype(str)
    frame.loc["id17", "hours"] = "48 h"
    frame.to_csv(tmp_path / "data.csv", index=False)
    sio.dump(model, tmp_path / "model.skops")
    trust = [x for t in sio.get_untrusted_types(file=tmp_path / "model.skops") for x in ("--trust-type", t)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, "-m", "auditor", "run", "--model", "model.skops", "--data", "data.csv", "--target", "y",
         "--sensitive", "sex", "--sections", "performance", "--json", "out.json", "-q", *trust],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("auditor run: error: Cannot audit these inputs: Expected values the model can use")
    assert "'hours' holds text that is not a number ('48 h') in 1 row (row 17)" in lines[0]
    assert not (tmp_path / "out.json").exists()


def test_a_value_beyond_the_trial_rows_is_still_an_input_error_exit_2(tmp_path):
    """The pre-flight tries the first rows; a category unseen in training at row 500
    must still be one line and exit 2, not a traceback (exit 3)."""
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"colour": rng.choice(["red", "blue"], 600), "x": rng.normal(size=600)})
    y = pd.Series((X["x"] > 0).astype(int), name="y")
    model = make_pipeline(make_column_transformer((OneHotEncoder(handle_unknown="error"), ["colour"]),
                                                  remainder="passthrough"), LogisticRegression()).fit(X, y)
    frame = X.assign(y=y)
    frame.loc[500, "colour"] = "purple"
    with pytest.raises(AuditInputError, match=r"Expected the model to predict every audited row.*purple"):
        Auditor(model, frame.drop(columns="y"), y, sections=["performance"], n_bootstrap=0).run()
    frame.to_csv(tmp_path / "data.csv", index=False)
    sio.dump(model, tmp_path / "model.skops")
    trust = [x for t in sio.get_untrusted_types(file=tmp_path / "model.skops") for x in ("--trust-type", t)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, "-m", "auditor", "run", "--model", "model.skops", "--data", "data.csv", "--target", "y",
         "--sections", "performance", "--json", "out.json", "-q", *trust],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "purple" in proc.stderr
    assert not (tmp_path / "out.json").exists()
