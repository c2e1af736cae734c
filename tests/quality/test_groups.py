from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from auditor.quality import (
    differential_missingness,
    differential_missingness_flags,
    group_profiles,
    representation_shift,
)
from auditor.quality._proportions import newcombe_interval, wilson_interval


def test_wilson_equals_scipy():
    for k, n in [(0, 10), (3, 10), (81, 263), (50, 50)]:
        ci = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
        assert wilson_interval(k, n) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_newcombe_matches_the_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873, Table II example (a): 56/70 - 48/80
    lo, hi = newcombe_interval(56, 70, 48, 80)
    assert (round(lo, 4), round(hi, 4)) == (0.0524, 0.3339)


def test_injected_missingness_is_found_for_that_group_and_column_only(adult_test):
    X = adult_test.X.copy()
    women = (X["sex"] == "Female").to_numpy()
    rows = women & (np.random.default_rng(0).random(len(X)) < 0.3)
    X.loc[rows, "hours_per_week"] = np.nan
    entries = differential_missingness(X, X[["sex"]])
    flags = differential_missingness_flags(entries)
    assert [(f.group, f.column) for f in flags] == [("Female", "hours_per_week")]
    (f,) = flags
    assert f.missing_share_group == pytest.approx(rows.sum() / women.sum())
    assert f.difference.ci_low > 0.25 and f.ratio is None and f.reason
    # without the injection nothing is flagged for sex
    assert differential_missingness_flags(differential_missingness(adult_test.X, adult_test.X[["sex"]])) == ()


def test_differential_missingness_by_hand():
    X = pd.DataFrame({"a": [np.nan, np.nan, 1.0, 1.0, np.nan, 1.0, 1.0, 1.0], "b": np.ones(8)})
    S = pd.Series(["g", "g", "g", "g", "h", "h", "h", "h"], name="s")
    entries = differential_missingness(X, S)
    assert [(e.group, e.column) for e in entries] == [("g", "a"), ("h", "a")]  # b has no missing value
    g = entries[0]
    assert (g.missing_share_group, g.missing_share_rest) == (0.5, 0.25)
    assert g.difference.value == 0.25 and g.ratio == 2.0
    _, p, _, _ = stats.chi2_contingency([[2, 2], [1, 3]], correction=False)
    assert g.p_value == pytest.approx(p, abs=1e-12)
    assert g.p_value_adjusted == pytest.approx(min(1.0, p * 2 / 2), abs=1e-12)


def test_group_profiles(adult_test):
    profiles = group_profiles(adult_test.X, adult_test.X[["sex"]], y_true=adult_test.y)
    assert [p.group for p in profiles] == ["Female", "Male"]
    women = adult_test.X["sex"] == "Female"
    f = profiles[0]
    assert f.n_rows == women.sum() and f.share == pytest.approx(women.mean())
    assert f.base_rate.value == pytest.approx(adult_test.y[women].mean())
    assert f.base_rate.ci_low < f.base_rate.value < f.base_rate.ci_high
    assert f.missing_share["workclass"] == pytest.approx(adult_test.X.loc[women, "workclass"].isna().mean())
    assert group_profiles(adult_test.X, adult_test.X["sex"])[0].base_rate is None


def test_representation_against_reference(adult_train, adult_test):
    (same,) = representation_shift(adult_test.X[["race"]], adult_train.X[["race"]])
    table = pd.crosstab(pd.concat([adult_train.X["race"], adult_test.X["race"]]),
                        np.r_[np.zeros(len(adult_train.X)), np.ones(len(adult_test.X))]).to_numpy().T
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    assert same.statistic == pytest.approx(chi2, abs=1e-9) and same.p_value == pytest.approx(p, abs=1e-12)
    assert same.dof == dof and same.p_value > 0.05
    # undersample women in the current data
    keep = (adult_test.X["sex"] == "Male") | (np.random.default_rng(0).random(len(adult_test.X)) < 0.5)
    (shifted,) = representation_shift(adult_test.X.loc[keep, ["sex"]], adult_train.X[["sex"]])
    women = shifted.groups[0]
    assert women.group == "Female" and shifted.p_value < 1e-10
    assert women.difference.ci_high < -0.05
