"""Input validation: every bad input names the argument or column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor.data import (
    MISSING_GROUP,
    data_fingerprint,
    validate_sample_weight,
    validate_sensitive_features,
    validate_target,
    validate_X,
)


def test_validate_x_accepts_dataframe_and_resets_index():
    X = pd.DataFrame({"a": [1, 2, 3]}, index=[10, 10, 5])
    out, index = validate_X(X)
    assert list(out.index) == [0, 1, 2]
    assert list(index) == [10, 10, 5]
    assert list(X.index) == [10, 10, 5]  # caller's frame untouched


def test_validate_x_names_array_columns():
    out, _ = validate_X(np.zeros((4, 2)))
    assert list(out.columns) == ["x0", "x1"]


@pytest.mark.parametrize(
    "bad, message",
    [
        (pd.DataFrame(), "at least one row and one column"),
        (pd.DataFrame({"a": []}), "at least one row and one column"),
        (np.zeros(5), "Expected X to be 2-D"),
        (pd.DataFrame([[1, 2]], columns=["a", "a"]), "duplicates: ['a']"),
        (pd.DataFrame([[1, 2]], columns=[0, 1]), "column names to be strings"),
    ],
)
def test_validate_x_rejects(bad, message):
    with pytest.raises(ValueError, match=None) as err:
        validate_X(bad)
    assert message in str(err.value)


def test_validate_x_rejects_series_and_other_types():
    with pytest.raises(TypeError, match="Got a Series"):
        validate_X(pd.Series([1, 2]))
    with pytest.raises(TypeError, match="Got str"):
        validate_X("data.csv")


def test_target_length_mismatch_names_y():
    with pytest.raises(ValueError, match="Expected y to have 3 rows, one per row of X. Got 2"):
        validate_target([0, 1], 3, None)


def test_target_nan_is_an_error_with_positions():
    with pytest.raises(ValueError, match=r"missing values in y. Got 1 \(first at positions \[1\]\)"):
        validate_target(np.array([0.0, np.nan, 1.0]), 3, None)


def test_target_series_must_share_x_index():
    index = pd.Index([0, 1, 2])
    with pytest.raises(ValueError, match="Expected y to have the same index as X"):
        validate_target(pd.Series([0, 1, 0], index=[2, 1, 0]), 3, index)
    values, name = validate_target(pd.Series([0, 1, 0], index=index, name="label"), 3, index)
    assert name == "label" and list(values) == [0, 1, 0]


def test_sensitive_by_name_and_unknown_name():
    X = pd.DataFrame({"a": [1, 2], "sex": ["f", "m"]})
    out = validate_sensitive_features(["sex"], X, 2, X.index).frame
    assert list(out.columns) == ["sex"] and list(out["sex"]) == ["f", "m"]
    with pytest.raises(KeyError, match=r"names column\(s\) \['race'\] that are not in X"):
        validate_sensitive_features(["race"], X, 2, X.index)


def test_sensitive_values_list_is_not_mistaken_for_names():
    X = pd.DataFrame({"a": [1, 2, 3]})
    out = validate_sensitive_features(["f", "m", "f"], X, 3, X.index).frame
    assert list(out.iloc[:, 0]) == ["f", "m", "f"]


def test_sensitive_nan_raises_or_groups():
    X = pd.DataFrame({"a": [1, 2, 3], "sex": ["f", None, "m"]})
    with pytest.raises(ValueError, match=r"missing values in the sensitive feature\(s\) \['sex'\]. Got \{'sex': 1\}"):
        validate_sensitive_features("sex", X, 3, X.index)
    out = validate_sensitive_features("sex", X, 3, X.index, sensitive_nan="group").frame
    assert list(out["sex"]) == ["f", MISSING_GROUP, "m"]
    assert X["sex"].isna().sum() == 1  # caller's frame untouched


def test_sensitive_nan_group_on_categorical():
    X = pd.DataFrame({"sex": pd.Categorical(["f", None, "m"])})
    out = validate_sensitive_features("sex", X, 3, X.index, sensitive_nan="group").frame
    assert list(out["sex"].astype(str)) == ["f", MISSING_GROUP, "m"]


def test_sensitive_series_length_and_index():
    index = pd.RangeIndex(3)
    with pytest.raises(ValueError, match="Expected sensitive_features to have 3 rows"):
        validate_sensitive_features(np.array(["a", "b"]), None, 3, index)
    with pytest.raises(ValueError, match="same index as X"):
        validate_sensitive_features(pd.Series(["a", "b", "c"], index=[5, 6, 7]), None, 3, index)


def test_sample_weight_checks():
    assert validate_sample_weight(None, 3, None) is None
    with pytest.raises(ValueError, match="Expected sample_weight to have 3 rows"):
        validate_sample_weight([1, 2], 3, None)
    with pytest.raises(ValueError, match="non-negative"):
        validate_sample_weight([1, -1, 1], 3, None)
    with pytest.raises(ValueError, match="finite"):
        validate_sample_weight([1, np.nan, 1], 3, None)
    with pytest.raises(ValueError, match="positive sum"):
        validate_sample_weight([0, 0, 0], 3, None)


def test_fingerprint_ignores_index_but_not_values():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]})
    y = np.array([0, 1, 0])
    s = pd.DataFrame(index=pd.RangeIndex(3))
    base = data_fingerprint(X, y, s, None)
    assert data_fingerprint(X.set_axis([7, 8, 9]).reset_index(drop=True), y, s, None) == base
    changed = X.copy()
    changed.loc[0, "a"] = 1.5
    assert data_fingerprint(changed, y, s, None) != base
    assert data_fingerprint(X, np.array([1, 1, 0]), s, None) != base
    assert data_fingerprint(X, y, s, np.ones(3)) != base
