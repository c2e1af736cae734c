"""Folding transformed contributions into raw columns keeps every total."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.preprocessing import OneHotEncoder

from auditor.explain import folding_from_lineage
from auditor.lineage import column_lineage


def test_groups_follow_raw_order_then_joint_groups():
    lineage = [("b",), ("a",), ("a",), ("c", "d"), ("b",), ("c", "d")]
    f = folding_from_lineage(lineage, ["a", "b", "c", "d"])
    assert f.names == ("a", "b", "c + d")
    assert f.column_group.tolist() == [1, 0, 0, 2, 1, 2]
    assert f.members == (("a",), ("b",), ("c", "d"))


def test_fold_sums_children_and_keeps_totals():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(50, 6, 3))
    f = folding_from_lineage([("b",), ("a",), ("a",), ("c", "d"), ("b",), ("c", "d")], ["a", "b", "c", "d"])
    folded = f.fold(values)
    assert folded.shape == (50, 3, 3)
    np.testing.assert_allclose(folded[:, 0], values[:, 1] + values[:, 2])
    np.testing.assert_allclose(folded.sum(axis=1), values.sum(axis=1), atol=1e-12)
    np.testing.assert_allclose(np.einsum("npk,pg->ngk", values, f.matrix()), folded, atol=1e-12)


def test_named_passthrough_is_one_to_one():
    """A fitted ColumnTransformer turns a named "passthrough" into an identity
    FunctionTransformer; each output still comes from its own column."""
    X = pd.DataFrame({"c": ["x", "y", "x", "z"], "a": [1.0, 2, 3, 4], "b": [0.5, 0.1, 0.2, 0.3]})
    ct = ColumnTransformer([("cat", OneHotEncoder(sparse_output=False), ["c"]), ("num", "passthrough", ["a", "b"])]).fit(X)
    lineage = column_lineage(ct, list(X.columns), ct.transform(X).shape[1])
    assert lineage == (("c",), ("c",), ("c",), ("a",), ("b",))


def test_mixing_transformer_gives_a_joint_group():
    X = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10.0) ** 2, "c": list("xyxyxyxyxy")})
    ct = ColumnTransformer([("pca", PCA(n_components=2), ["a", "b"]), ("cat", OneHotEncoder(), ["c"])]).fit(X)
    f = folding_from_lineage(column_lineage(ct, list(X.columns), 4), list(X.columns))
    assert f.names == ("c", "a + b")
