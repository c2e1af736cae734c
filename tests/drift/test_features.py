from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from auditor.drift import DriftThresholds, drift_verdicts, drifted_features, feature_drift
from auditor.drift.columns import MISSING_LABEL, column_kinds, encode_categorical


def test_adult_train_against_test_flags_nothing(adult_train, adult_test):
    res = feature_drift(adult_test.X, adult_train.X)
    assert drifted_features(res) == ()
    # not a near miss: every effect is far below its threshold
    assert max(f.psi for f in res.features) < 0.01
    assert max(f.distance for f in res.features) < 0.05
    assert min(f.p_value_adjusted for f in res.features) > 0.5


def test_planted_shift_flags_exactly_age_and_workclass(adult_train, planted):
    res = feature_drift(planted, adult_train.X)
    assert drifted_features(res) == ("age", "workclass")
    age = res.get("age")
    # a shift of 5 years is 5 / sd(age) reference standard deviations, give or
    # take the train/test difference (0.017 sd before the shift)
    assert age.distance == pytest.approx(5 / np.std(adult_train.X["age"]), abs=0.02)
    assert "Gig-economy" in res.get("workclass").bins


def test_numeric_entry_equals_scipy(adult_train, adult_test):
    f = feature_drift(adult_test.X[["age"]], adult_train.X[["age"]]).get("age")
    ref = stats.ks_2samp(adult_train.X["age"], adult_test.X["age"])
    assert f.p_value_method == "asymp"
    assert f.statistic == pytest.approx(ref.statistic, abs=1e-12)
    assert f.p_value == pytest.approx(ref.pvalue, abs=1e-12)
    w = stats.wasserstein_distance(adult_train.X["age"], adult_test.X["age"]) / np.std(adult_train.X["age"])
    assert f.distance == pytest.approx(w, abs=1e-12)


def test_categorical_entry_equals_scipy_with_missing_as_a_category(adult_train, adult_test):
    f = feature_drift(adult_test.X[["workclass"]], adult_train.X[["workclass"]]).get("workclass")
    assert f.bins[-1] == MISSING_LABEL
    ref = adult_train.X["workclass"].astype(object).fillna(MISSING_LABEL).value_counts()
    cur = adult_test.X["workclass"].astype(object).fillna(MISSING_LABEL).value_counts()
    table = pd.concat([ref, cur], axis=1).fillna(0).loc[list(f.bins)].to_numpy().T
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    assert f.statistic == pytest.approx(chi2, abs=1e-9) and f.p_value == pytest.approx(p, abs=1e-12)
    shares = table / table.sum(axis=1, keepdims=True)
    assert f.distance == pytest.approx(jensenshannon(shares[0], shares[1], base=2), abs=1e-12)
    assert f.missing_share_reference == pytest.approx(ref[MISSING_LABEL] / ref.sum(), abs=1e-15)


def test_bh_adjustment_is_over_the_features(adult_train, adult_test):
    from auditor.drift import benjamini_hochberg

    res = feature_drift(adult_test.X, adult_train.X)
    assert [f.p_value_adjusted for f in res.features] == benjamini_hochberg([f.p_value for f in res.features])


def test_row_order_does_not_change_anything(adult_train, planted):
    a = feature_drift(planted, adult_train.X)
    b = feature_drift(planted.sample(frac=1, random_state=1), adult_train.X.sample(frac=1, random_state=2))
    assert a == b


def test_numeric_missing_share_change_is_reported_apart():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"x": rng.normal(size=5000)})
    cur = pd.DataFrame({"x": rng.normal(size=5000)})
    cur.loc[: 1499, "x"] = np.nan  # 30% missing, same distribution of present values
    res = feature_drift(cur, ref)
    f = res.get("x")
    assert f.missing_share_reference == 0.0 and f.missing_share_current == pytest.approx(0.3)
    (v,) = drift_verdicts(res)
    assert v.drifted and v.missing and not v.distribution
    assert f.n_current == 5000


def test_rule_thresholds_are_arguments(adult_train, planted):
    res = feature_drift(planted, adult_train.X)
    assert drifted_features(res, DriftThresholds(distance=0.5, psi=1.0)) == ()
    assert drifted_features(res, DriftThresholds(alpha=1e-300)) == ("workclass",)
    with pytest.raises(ValueError, match="alpha"):
        DriftThresholds(alpha=0)


def test_significant_but_small_is_not_drift():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"x": rng.normal(size=200_000)})
    cur = pd.DataFrame({"x": rng.normal(0.03, 1, size=200_000)})
    res = feature_drift(cur, ref)
    (v,) = drift_verdicts(res)
    assert v.significant and not v.large and not v.drifted


def test_errors_name_the_argument():
    a = pd.DataFrame({"x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="same columns"):
        feature_drift(a, pd.DataFrame({"y": [1.0]}))
    with pytest.raises(TypeError, match="X_reference to be a pandas DataFrame"):
        feature_drift(a, [[1.0]])
    with pytest.raises(ValueError, match="sample_weight"):
        feature_drift(a, a, sample_weight=[1.0])
    with pytest.raises(KeyError, match="categorical_features"):
        feature_drift(a, a, categorical_features=["nope"])


def test_column_kinds_and_codes_do_not_depend_on_order():
    X = pd.DataFrame({"n": [1, 2, 3], "b": [True, False, True], "o": ["a", 1, None], "c": pd.Categorical(["x", "y", "x"])})
    R = X.assign(n=["1", "2", "3"])
    assert column_kinds(X) == {"n": "numeric", "b": "categorical", "o": "categorical", "c": "categorical"}
    assert column_kinds(X, R)["n"] == "categorical"
    codes = encode_categorical(pd.Series(["b", "a", None]), pd.Series(["c", "a", "a"]))
    assert codes.labels == ("a", "b", "c", MISSING_LABEL)
    assert codes.reference.tolist() == [1, 0, 3] and codes.current.tolist() == [2, 0, 0]
    flipped = encode_categorical(pd.Series(["c", "a", "a"])[::-1], pd.Series(["b", "a", None])[::-1])
    assert flipped.labels == codes.labels


def test_weights_move_effects():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"x": rng.normal(size=2000)})
    cur = pd.DataFrame({"x": rng.normal(size=2000)})
    w = np.where(cur["x"] > 0, 5.0, 1.0)
    plain = feature_drift(cur, ref).get("x")
    weighted = feature_drift(cur, ref, sample_weight=w).get("x")
    assert weighted.distance > 3 * plain.distance and weighted.p_value_method == "asymp"


def test_many_categories_are_folded_in_the_listing_only():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"id": rng.integers(0, 200, 5000).astype(str)})
    cur = pd.DataFrame({"id": rng.integers(0, 200, 5000).astype(str)})
    f = feature_drift(cur, ref).get("id")
    assert len(f.bins) == 50 and f.bins[-1] == "(other categories)"
    assert sum(f.shares_current) == pytest.approx(1.0)
    table = pd.crosstab(pd.concat([ref["id"], cur["id"]]), np.r_[np.zeros(5000), np.ones(5000)]).to_numpy().T
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    assert f.p_value == pytest.approx(p, abs=1e-12)
