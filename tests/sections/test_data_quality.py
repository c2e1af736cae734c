"""The data-quality section end to end: column profiles, duplicates, coverage of the
reference, groups and differential missingness against pandas hand counts, and the
acceptance case (NaN injected for one group gives exactly that finding)."""

from __future__ import annotations

import numpy as np
import pytest

from auditor import Auditor, AuditResult, DataQualitySection
from auditor.results import DataQualityResult, Status

SENSITIVE = ["sex", "race"]


@pytest.fixture(scope="module")
def adult_train():
    from auditor.datasets import load_adult

    return load_adult(split="train")


@pytest.fixture(scope="module")
def audit(adult_demo, adult_train):
    return Auditor(adult_demo.model, adult_demo.X_test, adult_demo.y_test, X_reference=adult_train.X,
                   y_reference=adult_train.y, sensitive_features=SENSITIVE, n_bootstrap=0,
                   sections=["data_quality"]).run()


@pytest.fixture(scope="module")
def injected(adult_demo):
    """Adult test with hours_per_week missing for 30% of the women (seeded)."""
    X = adult_demo.X_test.copy()
    women = np.flatnonzero((X["sex"] == "Female").to_numpy())
    chosen = np.random.default_rng(0).choice(women, size=int(0.3 * len(women)), replace=False)
    X["hours_per_week"] = X["hours_per_week"].astype(float)
    X.loc[X.index[chosen], "hours_per_week"] = np.nan
    return X


def _flagged(result):
    return {f.check for f in result.findings if f.section == "data_quality" and f.status is Status.FAIL}


def test_column_profiles_equal_pandas(audit, adult_demo):
    q = audit.data_quality
    assert isinstance(q, DataQualityResult)
    X = adult_demo.X_test
    assert [c.column for c in q.current.columns] == list(X.columns)
    for c in q.current.columns:
        s = X[c.column]
        assert c.n_missing == s.isna().sum() and c.missing_share == pytest.approx(s.isna().mean(), abs=1e-15)
        assert c.n_distinct == s.nunique()
        assert c.dominant_share == pytest.approx(s.value_counts(normalize=True).iloc[0], abs=1e-15)
    hours = q.current.column("hours_per_week")
    q1, q3 = np.percentile(X["hours_per_week"], [25, 75])
    outside = ((X["hours_per_week"] < q1 - 1.5 * (q3 - q1)) | (X["hours_per_week"] > q3 + 1.5 * (q3 - q1))).mean()
    assert hours.outlier_share == pytest.approx(outside, abs=1e-15)
    assert q.current.column("capital_loss").is_near_constant


def test_duplicates_equal_pandas(audit, adult_demo, adult_train):
    q = audit.data_quality
    assert q.current.duplicates.n_duplicates == adult_demo.X_test.duplicated().sum()
    assert q.reference.duplicates.n_duplicates == adult_train.X.duplicated().sum()


def test_groups_equal_hand_counts(audit, adult_demo, adult_train):
    q = audit.data_quality
    X, y = adult_demo.X_test, adult_demo.y_test
    female = next(g for g in q.current.groups if (g.sensitive_feature, g.group) == ("sex", "Female"))
    rows = X["sex"] == "Female"
    assert female.n_rows == rows.sum() and female.share == pytest.approx(rows.mean(), abs=1e-15)
    assert female.base_rate.value == pytest.approx(y[rows].mean(), abs=1e-15)
    assert female.missing_share["workclass"] == pytest.approx(X.loc[rows, "workclass"].isna().mean(), abs=1e-15)
    rep = next(r for r in q.representation if r.sensitive_feature == "race")
    shares = X["race"].value_counts(normalize=True)
    ref_shares = adult_train.X["race"].value_counts(normalize=True)
    for g in rep.groups:
        assert g.share_current == pytest.approx(shares[g.group], abs=1e-15)
        assert g.difference.value == pytest.approx(shares[g.group] - ref_shares[g.group], abs=1e-15)


def test_differential_missingness_equals_hand_counts_and_flags_adult_signal(audit, adult_demo):
    q = audit.data_quality
    X = adult_demo.X_test
    e = next(e for e in q.current.differential_missingness
             if (e.sensitive_feature, e.group, e.column) == ("race", "Asian-Pac-Islander", "native_country"))
    rows = X["race"] == "Asian-Pac-Islander"
    missing = X["native_country"].isna()
    assert e.missing_share_group == pytest.approx(missing[rows].mean(), abs=1e-15)
    assert e.missing_share_rest == pytest.approx(missing[~rows].mean(), abs=1e-15)
    assert e.difference.value == pytest.approx(missing[rows].mean() - missing[~rows].mean(), abs=1e-15)
    # the known Adult signal: 9.4% against 1.4%, in both splits: one finding
    assert _flagged(audit) == {"data_quality.max_differential_missingness[race=Asian-Pac-Islander:native_country]"}
    finding = next(f for f in audit.findings if f.status is Status.FAIL)
    r = next(e for e in q.reference.differential_missingness
             if (e.sensitive_feature, e.group, e.column) == ("race", "Asian-Pac-Islander", "native_country"))
    assert f"The reference data shows the same gap: {100 * r.missing_share_group:.1f}% against" in finding.message


def test_injected_missingness_gives_exactly_that_finding(audit, adult_demo, adult_train, injected):
    r = Auditor(adult_demo.model, injected, adult_demo.y_test, X_reference=adult_train.X, y_reference=adult_train.y,
                sensitive_features=SENSITIVE, n_bootstrap=0, sections=["data_quality"]).run()
    new = _flagged(r) - _flagged(audit)
    assert new == {"data_quality.max_differential_missingness[sex=Female:hours_per_week]"}
    finding = next(f for f in r.findings if f.check in new)
    women = injected["sex"] == "Female"
    gap = injected.loc[women, "hours_per_week"].isna().mean() - injected.loc[~women, "hours_per_week"].isna().mean()
    assert finding.value == pytest.approx(gap, abs=1e-15) and finding.groups == ("Female",)
    assert "hours_per_week" in finding.message and "sex = Female" in finding.message


def test_coverage_counts_unseen_categories_and_out_of_range_values(adult_demo, adult_train):
    X = adult_demo.X_test.copy()
    X["age"] = X["age"] + 5
    workclass = X["workclass"].astype(object)
    workclass.iloc[:1000] = "Gig-economy"
    X["workclass"] = workclass.astype("category")
    r = Auditor(adult_demo.model, X, adult_demo.y_test, X_reference=adult_train.X, n_bootstrap=0,
                sections=["data_quality"]).run()
    cov = {c.column: c for c in r.data_quality.coverage}
    assert cov["workclass"].n_outside == 1000 and cov["workclass"].examples == ("Gig-economy",)
    assert cov["workclass"].share == pytest.approx(1000 / X["workclass"].notna().sum(), abs=1e-15)
    above = (X["age"] > adult_train.X["age"].max()).sum()
    assert cov["age"].n_above == above and cov["age"].reference_max == adult_train.X["age"].max()
    warned = {f.check for f in r.findings if f.status is Status.WARN}
    assert "data_quality.max_unseen_share[workclass]" in warned


def test_without_reference_the_audited_data_is_still_profiled(adult_demo):
    r = Auditor(adult_demo.model, adult_demo.X_test, adult_demo.y_test, sensitive_features=SENSITIVE, n_bootstrap=0,
                sections=["data_quality"]).run()
    q = r.data_quality
    assert q.reference is None and "X_reference" in q.reference_reason
    assert q.coverage == () and q.representation == () and q.current.groups
    assert {f.check for f in r.findings} == {"data_quality.max_differential_missingness[race=Asian-Pac-Islander:native_country]"}


def test_without_labels_base_rates_are_undefined_not_zero(adult_demo):
    # 2,000 of the Adult rows: both sexes, with labels they would give non-zero base rates
    X = adult_demo.X_test.iloc[:2000]
    assert adult_demo.y_test.iloc[:2000].groupby(X["sex"].to_numpy()).mean().min() > 0
    r = Auditor(adult_demo.model, X, None, sensitive_features=["sex"], n_bootstrap=0, sections=["data_quality"]).run()
    assert {g.group for g in r.data_quality.current.groups} == {"Female", "Male"}
    assert all(g.base_rate is None for g in r.data_quality.current.groups)


def test_numeric_sensitive_feature_needs_bins(binary_data, binary_pipeline):
    X, y = binary_data
    X = X.assign(score=np.arange(len(X)) % 50)
    r = Auditor(binary_pipeline, X, y, sensitive_features=["score"], n_bootstrap=0, sections=["data_quality"]).run()
    q = r.data_quality
    assert q.current.groups == () and "DataQualitySection(bins=" in q.groups_reason
    r = Auditor(binary_pipeline, X, y, sensitive_features=["score"], n_bootstrap=0,
                sections=[DataQualitySection(bins={"score": [25]})]).run()
    groups = {g.group: g.n_rows for g in r.data_quality.current.groups}
    assert groups == {"under 25": int((X["score"] < 25).sum()), "25 and over": int((X["score"] >= 25).sum())}


def test_quantile_bins_cut_both_sides_alike(binary_data, binary_pipeline):
    X, y = binary_data
    X = X.assign(score=np.arange(len(X)) % 50)
    r = Auditor(binary_pipeline, X.iloc[:300], y.iloc[:300], X_reference=X.iloc[300:], sensitive_features=["score"],
                n_bootstrap=0, sections=[DataQualitySection(bins={"score": 2})]).run()
    q = r.data_quality
    assert q.bins == {"score": ("under 24.5", "24.5 and over")}
    assert {g.group for g in q.reference.groups} == {g.group for g in q.current.groups}


def test_sensitive_values_need_their_reference_values(binary_data, binary_pipeline):
    X, y = binary_data
    group = X["group"].to_numpy()
    r = Auditor(binary_pipeline, X.iloc[:300], y.iloc[:300], X_reference=X.iloc[300:].reset_index(drop=True),
                sensitive_features=group[:300], n_bootstrap=0, sections=["data_quality"]).run()
    assert r.data_quality.representation == () and "sensitive_features_reference" in r.data_quality.representation_reason
    r = Auditor(binary_pipeline, X.iloc[:300], y.iloc[:300], X_reference=X.iloc[300:].reset_index(drop=True),
                sensitive_features=group[:300], sensitive_features_reference=group[300:], n_bootstrap=0,
                sections=["data_quality"]).run()
    (rep,) = r.data_quality.representation
    share = {g.group: g.share_reference for g in rep.groups}
    assert share["minority"] == pytest.approx((group[300:] == "minority").mean(), abs=1e-15)


def test_round_trips(audit):
    assert AuditResult.from_json(audit.to_json()) == audit


def test_options_are_checked():
    with pytest.raises(ValueError, match="near_constant_share"):
        DataQualitySection(near_constant_share=0)
    with pytest.raises(ValueError, match="max_examples"):
        DataQualitySection(max_examples=-1)
