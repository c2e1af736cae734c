from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from auditor.drift import drifted_features, group_drift, label_drift, prediction_drift


def test_prediction_drift_is_ks_and_psi_of_scores():
    rng = np.random.default_rng(0)
    s_ref, s_cur = rng.beta(2, 5, 20_000), rng.beta(2.5, 5, 30_000)
    (f,) = prediction_drift(s_cur, s_ref)
    ref = stats.ks_2samp(s_ref, s_cur)
    assert f.feature == "score" and f.statistic == pytest.approx(ref.statistic, abs=1e-12)
    assert f.p_value == pytest.approx(ref.pvalue, abs=1e-12) and f.psi is not None
    two = prediction_drift(np.c_[1 - s_cur, s_cur], np.c_[1 - s_ref, s_ref], class_names=["no", "yes"])
    assert [g.feature for g in two] == ["score[no]", "score[yes]"]
    with pytest.raises(ValueError, match="same number of columns"):
        prediction_drift(np.c_[s_cur, s_cur], s_ref)


def test_label_drift_is_chi2_for_classes_and_ks_for_numbers():
    y_ref, y_cur = np.r_[np.ones(300), np.zeros(700)], np.r_[np.ones(450), np.zeros(550)]
    f = label_drift(y_cur, y_ref)
    chi2, p, _, _ = stats.chi2_contingency([[700, 300], [550, 450]], correction=False)
    assert f.kind == "categorical" and f.p_value == pytest.approx(p, abs=1e-12)
    rng = np.random.default_rng(1)
    assert label_drift(rng.normal(size=500), rng.normal(size=400)).kind == "numeric"


def test_drift_confined_to_one_group_is_found_there_only(adult_train, adult_test):
    X = adult_test.X.copy()
    women = (X["sex"] == "Female").to_numpy()
    X.loc[women, "hours_per_week"] = X.loc[women, "hours_per_week"] + 8
    out = group_drift(X, adult_train.X, X[["sex"]], adult_train.X[["sex"]], features=["age", "hours_per_week"])
    by_group = {g.group: drifted_features(g.features) for g in out}
    assert by_group == {"Female": ("hours_per_week",), "Male": ()}
    assert all(g.reason is None for g in out)


def test_small_groups_are_listed_with_a_reason(adult_train, adult_test):
    out = group_drift(adult_test.X, adult_train.X, adult_test.X["race"], adult_train.X["race"], features=["age"],
                      min_rows=200)
    small = {g.group for g in out if g.reason}
    assert small == {"Amer-Indian-Eskimo", "Other"}
    assert all(g.features == () for g in out if g.reason)


def test_group_inputs_are_checked():
    X = pd.DataFrame({"x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="sensitive to have 2 rows"):
        group_drift(X, X, pd.Series(["a"]), pd.Series(["a", "b"]))
