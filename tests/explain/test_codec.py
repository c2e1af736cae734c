"""The raw-column codec decodes exactly what it encodes, with the original dtypes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor.explain import RawCodec
from auditor.explain._codec import MISSING


def test_round_trip_keeps_values_and_dtypes():
    X = pd.DataFrame({
        "obj": pd.Series(["a", None, "b", "a"], dtype=object),
        "cat": pd.Categorical(["lo", "hi", None, "lo"], categories=["lo", "hi"], ordered=True),
        "flag": [True, False, True, True],
        "i": np.array([1, 5, 3, 2], dtype=np.int64),
        "f": [0.5, 1.5, -2.0, 3.25],
    })
    codec = RawCodec.fit(X)
    Z = codec.encode(X)
    assert Z.dtype == float and Z.shape == (4, 5)
    assert codec.categorical == (0, 1, 2)
    back = codec.decode(Z)
    pd.testing.assert_frame_equal(back, X)
    assert codec.category_names()[0] == ["a", "b", MISSING]
    assert codec.category_names()[1] == ["lo", "hi", MISSING]


def test_integer_columns_are_rounded_on_decode():
    X = pd.DataFrame({"i": np.array([1, 2, 3], dtype=np.int32)})
    codec = RawCodec.fit(X)
    out = codec.decode(np.array([[1.4], [2.6], [-0.2]]))
    assert out["i"].dtype == np.int32 and out["i"].tolist() == [1, 3, 0]


def test_unseen_value_is_an_error_naming_the_column():
    codec = RawCodec.fit(pd.DataFrame({"c": ["a", "b"]}))
    with pytest.raises(ValueError, match="Column 'c' holds value"):
        codec.encode(pd.DataFrame({"c": ["z"]}))


def test_numeric_with_missing_values_becomes_categorical_or_is_refused():
    few = pd.DataFrame({"x": [1.0, np.nan, 2.0, 1.0]})
    codec = RawCodec.fit(few)
    assert codec.categorical == (0,)
    pd.testing.assert_frame_equal(codec.decode(codec.encode(few)), few)
    many = pd.DataFrame({"x": np.r_[np.arange(100.0), np.nan]})
    with pytest.raises(ValueError, match="Column 'x' is numeric with missing values"):
        RawCodec.fit(many)
