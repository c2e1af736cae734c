"""Tidy tables of explanation results hold the result's own numbers, row for row."""

from __future__ import annotations

import numpy as np
import pytest

from auditor import Auditor, ImportanceSection, LimeSection, ShapSection
from auditor.explain import importance_table, lime_table, shap_table
from tests.explain.models import frame, rf_pipeline


@pytest.fixture(scope="module")
def result():
    X, y = frame(300)
    sections = [ImportanceSection(n_repeats=3), ShapSection(), LimeSection(max_auto_rows=2, num_samples=500)]
    return Auditor(rf_pipeline(), X, y, sensitive_features=["group"], pos_label="yes", sections=sections,
                   n_bootstrap=50, n_jobs=1, errors="raise").run()


def test_importance_table(result):
    t = importance_table(result.importance)
    perm = result.importance.permutation.features
    assert list(t["feature"]) == [f.feature for f in perm]
    assert list(t["permutation"]) == [f.estimate.value for f in perm]
    assert list(t["ci_low"]) == [f.estimate.ci_low for f in perm] and list(t["std"]) == [f.std for f in perm]
    native = {f.feature: f.estimate.value for f in result.importance.native.features}
    assert list(t["native"]) == [native[f] for f in t["feature"]]
    # a forest's impurity importances sum to one over the raw columns
    assert t["native"].sum() == pytest.approx(1.0)


def test_shap_table(result):
    t = shap_table(result.shap)
    assert len(t) == len(result.shap.features) * len(result.shap.output_names)
    first = result.shap.features[0]
    row = t.iloc[0]
    assert (row["feature"], row["mean_abs"], row["ci_low"], row["mean"]) == (
        first.feature, first.mean_abs[0].value, first.mean_abs[0].ci_low, first.mean[0])
    assert (t["ci_low"] <= t["mean_abs"]).all() and (t["mean_abs"] <= t["ci_high"]).all()


def test_lime_table(result):
    t = lime_table(result.lime)
    assert len(t) == sum(len(r.terms) for r in result.lime.rows) > 0
    r = result.lime.rows[0]
    mine = t[t["row"] == r.row]
    np.testing.assert_array_equal(mine["weight"], [term.weight for term in r.terms])
    # terms speak of raw columns, never of one-hot children
    assert set(mine["feature"]) == {"num_0", "num_1", "num_2", "num_3", "colour", "size"}
