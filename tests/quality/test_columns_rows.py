from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor.quality import column_profiles, duplicate_rows, reference_coverage
from auditor.quality.columns import value_type


def _by_name(profiles):
    return {p.column: p for p in profiles}


def test_missing_distinct_constant_and_near_constant():
    n = 1000
    X = pd.DataFrame({
        "const": np.ones(n),
        "near": np.r_[np.zeros(960), np.arange(40.0)],
        "holes": np.r_[np.full(250, np.nan), np.arange(750.0)],
        "empty": np.full(n, np.nan),
    })
    p = _by_name(column_profiles(X))
    assert p["const"].is_constant and not p["const"].is_near_constant and p["const"].n_distinct == 1
    assert p["near"].is_near_constant and p["near"].dominant_value == "0.0"
    assert p["near"].dominant_share == pytest.approx(961 / 1000)
    assert p["holes"].missing_share == 0.25 and p["holes"].n_missing == 250 and p["holes"].n_distinct == 750
    assert p["empty"].dominant_share is None and p["empty"].reason and p["empty"].is_constant
    assert not _by_name(column_profiles(X, near_constant_share=0.99))["near"].is_near_constant


def test_mixed_types():
    X = pd.DataFrame({
        "mixed": pd.Series([1, 2.5, "three", "4", None, "five"], dtype=object),
        "text": pd.Series(["a", "b", "c", "d", "e", "nan"], dtype=object),
        "numbers_as_text": pd.Series(["1", "2", "3", "4", "5", "6"], dtype=object),
        "cat": pd.Categorical(["x", "y", "x", "y", "x", "y"]),
    })
    p = _by_name(column_profiles(X))
    assert p["mixed"].mixed_types and p["mixed"].type_counts == {"number": 2, "numeric_text": 1, "text": 2}
    assert not p["text"].mixed_types and p["text"].type_counts == {"text": 6}
    assert not p["numbers_as_text"].mixed_types and p["numbers_as_text"].type_counts == {"numeric_text": 6}
    assert not p["cat"].mixed_types
    assert [value_type(v) for v in (True, 3, "3", "x", "inf", (1,))] == ["bool", "number", "numeric_text", "text", "text", "other"]


def test_outliers_by_hand():
    v = np.r_[np.arange(1.0, 101.0), 1000.0, -500.0, np.nan]
    (p,) = column_profiles(pd.DataFrame({"v": v}))
    present = v[~np.isnan(v)]
    q1, q3 = np.percentile(present, [25, 75])  # numpy's default linear method
    lo, hi = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    assert (p.q1, p.q3, p.lower_fence, p.upper_fence) == (q1, q3, lo, hi)
    assert p.n_outliers == 2 and p.outlier_share == pytest.approx(2 / 102)
    (wide,) = column_profiles(pd.DataFrame({"v": v}), outlier_k=1000)
    assert wide.n_outliers == 0


def test_adult_profiles(adult_test):
    p = _by_name(column_profiles(adult_test.X))
    assert p["workclass"].missing_share == pytest.approx(adult_test.X["workclass"].isna().mean())
    assert p["capital_gain"].iqr == 0.0 and p["capital_gain"].outlier_share == pytest.approx(
        (adult_test.X["capital_gain"] != 0).mean())
    assert not any(q.mixed_types for q in p.values())


def test_duplicates_equal_pandas(adult_test):
    d = duplicate_rows(adult_test.X)
    assert d.n_duplicates == int(adult_test.X.duplicated().sum())
    shuffled = duplicate_rows(adult_test.X.sample(frac=1, random_state=0))
    assert shuffled == d
    X = pd.DataFrame({"a": [1, 1, 1, 2, np.nan, np.nan], "b": ["x", "x", "x", "y", None, None]})
    assert duplicate_rows(X) == type(d)(n_rows=6, n_duplicates=3, duplicate_share=0.5, n_duplicated_groups=2, largest_group=3)


def test_reference_coverage_counts_and_example_order():
    R = pd.DataFrame({"x": [0.0, 5.0, 10.0], "c": ["a", "b", "b"]})
    X = pd.DataFrame({"x": [-1.0, 11.0, 30.0, 30.0, 5.0, np.nan], "c": ["z", "y", "y", "a", None, "w"]})
    x, c = reference_coverage(X, R, max_examples=2)
    assert (x.n_below, x.n_above, x.n_outside, x.n_rows) == (1, 3, 4, 5)
    assert x.examples == ("30", "-1") and x.share == pytest.approx(4 / 5)
    assert c.n_unseen_categories == 3 and c.n_outside == 4 and c.n_rows == 5
    assert c.examples == ("y", "w")


def test_inputs_are_checked():
    with pytest.raises(TypeError, match="X to be a pandas DataFrame"):
        column_profiles(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="near_constant_share"):
        column_profiles(pd.DataFrame({"a": [1]}), near_constant_share=0)
