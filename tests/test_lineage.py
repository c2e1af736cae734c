"""Column lineage through fitted preprocessors, checked by perturbation.

The independent check: changing one raw column may only change the transformed
columns that lineage attributes to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from auditor.lineage import column_lineage, group_label


@pytest.fixture()
def raw():
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "colour": rng.choice(["red", "green", "blue"], 200),
            "size": rng.choice(["s", "m", "l", "xl"], 200),
            "x": rng.normal(size=200),
            "y": np.where(rng.random(200) < 0.2, np.nan, rng.normal(size=200)),
            "z": rng.normal(size=200),
        }
    )


def _check_by_perturbation(pre, raw, lineage):
    base = np.asarray(pre.transform(raw), dtype=float)
    rng = np.random.default_rng(1)
    for col in raw.columns:
        changed = raw.copy()
        changed[col] = rng.permutation(raw[col].to_numpy())
        out = np.asarray(pre.transform(changed), dtype=float)
        moved = ~np.isclose(out, base, equal_nan=True).all(axis=0)
        for j in np.flatnonzero(moved):
            assert col in lineage[j], f"output {j} moved with {col} but lineage says {lineage[j]}"


def test_column_transformer_one_hot_imputer_indicator(raw):
    pre = ColumnTransformer(
        [
            ("cat", OneHotEncoder(drop="first"), ["colour", "size"]),
            ("num", make_pipeline(SimpleImputer(add_indicator=True), StandardScaler()), ["x", "y"]),
        ],
        remainder="passthrough",
    ).fit(raw)
    n_out = pre.transform(raw).shape[1]
    lineage = column_lineage(pre, list(raw.columns), n_out)
    # colour: 3 categories - 1 dropped; size: 4 - 1; x, y; indicator of y; z passthrough
    assert lineage == (
        ("colour",), ("colour",), ("size",), ("size",), ("size",), ("x",), ("y",), ("y",), ("z",)
    )
    _check_by_perturbation(pre, raw, lineage)


def test_unknown_transformer_credits_all_inputs_jointly(raw):
    pre = ColumnTransformer(
        [("pca", PCA(n_components=2), ["x", "z"]), ("cat", OneHotEncoder(), ["colour"])]
    ).fit(raw)
    lineage = column_lineage(pre, list(raw.columns), pre.transform(raw).shape[1])
    assert lineage[:2] == (("x", "z"), ("x", "z"))
    assert lineage[2:] == (("colour",),) * 3
    assert group_label(lineage[0]) == "x + z"
    _check_by_perturbation(pre, raw, lineage)


def test_no_preprocessor_is_identity():
    assert column_lineage(None, ["a", "b"], 2) == (("a",), ("b",))


def test_mismatch_falls_back_to_everything(raw):
    pre = StandardScaler().fit(raw[["x", "z"]])
    assert column_lineage(pre, ["x", "z"], 3) == (("x", "z"),) * 3
