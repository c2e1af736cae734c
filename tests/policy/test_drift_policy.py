"""Drift and data-quality checks of the policy: the rule's boundaries, each check's
status and sentence, and thresholds read from TOML."""

from __future__ import annotations

import dataclasses

import pytest

from auditor import Policy
from auditor.policy import data_quality_findings, drift_findings
from auditor.results import (
    DataQualityPolicy,
    DomainClassifierResult,
    DriftImportance,
    DriftPolicy,
    DriftResult,
    Estimate,
    EstimatedPerformance,
    FeatureDrift,
    PerformanceShift,
    PolicyError,
    Status,
)


def feature(name="age", *, p=1e-6, distance=0.3, psi=0.25, kind="numeric", missing=(0.0, 0.0), missing_p=1.0, **kw):
    return FeatureDrift(
        feature=name, kind=kind, test="ks" if kind == "numeric" else "chi2", p_value_method="asymp", n_reference=1000,
        n_current=1000, statistic=0.2, p_value=p, p_value_adjusted=p, psi=psi, distance=distance,
        distance_name="normalized_wasserstein" if kind == "numeric" else "jensen_shannon",
        bins=kw.pop("bins", ("(-inf, 1]", "(1, inf)")), shares_reference=kw.pop("shares_reference", (0.5, 0.5)),
        shares_current=kw.pop("shares_current", (0.4, 0.6)), missing_share_reference=missing[0],
        missing_share_current=missing[1], missing_p_value=missing_p, missing_p_value_adjusted=missing_p,
        mean_reference=kw.pop("mean_reference", 38.6 if kind == "numeric" else None),
        mean_current=kw.pop("mean_current", 43.8 if kind == "numeric" else None), **kw,
    )


def drift_result(features, **kw) -> DriftResult:
    kw.setdefault("has_labels", True)
    return DriftResult(n_reference=1000, n_current=1000, features=tuple(features), ks_method="auto", n_bins=10,
                       psi_epsilon=1e-4, confidence_level=0.95, **kw)


def checks(findings) -> dict[str, Status]:
    return {f.check: f.status for f in findings}


# -- the rule -----------------------------------------------------------------------------

def test_significant_and_large_at_the_boundaries():
    assert feature(p=0.0499, distance=0.1, psi=0.0).verdict().drifted  # the distance reaches 0.1
    assert not feature(p=0.05, distance=1.0, psi=1.0).verdict().drifted  # p must be below alpha
    assert feature(p=0.01, distance=0.0, psi=0.2).verdict().drifted  # the PSI alone suffices
    v = feature(p=0.01, distance=0.099, psi=0.199).verdict()
    assert not v.drifted and v.significant and not v.large and "significant but small" in v.reason
    v = feature(p=0.3, distance=0.5, psi=0.5).verdict()
    assert not v.drifted and v.large and "not significant" in v.reason


def test_a_threshold_of_none_leaves_its_criterion_out():
    f = feature(p=0.01, distance=0.05, psi=0.3)
    assert f.verdict(psi=None).drifted is False and f.verdict(distance=None).drifted is True
    assert feature(p=0.01, distance=0.0, psi=0.0).verdict(distance=None, psi=None).drifted  # significance alone


def test_missing_share_drift_is_its_own_criterion():
    f = feature(p=0.9, distance=0.0, psi=0.0, missing=(0.01, 0.08), missing_p=1e-9)
    v = f.verdict()
    assert v.drifted and v.missing and not v.distribution and "missing share moved from 1.0% to 8.0%" in v.reason
    assert not f.verdict(missing_share=0.1).drifted and not f.verdict(missing_share=None).drifted


# -- the checks ---------------------------------------------------------------------------

def test_each_drifted_feature_is_a_plain_warning_most_relied_on_first():
    age, wc = feature("age"), feature("workclass", kind="categorical", bins=("Private", "Gig-economy"),
                                      shares_reference=(1.0, 0.0), shares_current=(0.9, 0.1), psi=0.7, distance=0.2)
    r = drift_result([wc, age, feature("other", p=0.9)], importance=(
        DriftImportance("age", 0.8, 0.8, 1), DriftImportance("workclass", 0.1, 0.1, 2), DriftImportance("other", 0.1, 0.1, 3)))
    found = drift_findings(r, Policy())
    moved = [f for f in found if f.check.startswith("drift.feature[")]
    assert [f.check for f in moved] == ["drift.feature[age]", "drift.feature[workclass]"]
    assert moved[0].message.startswith("“age” moved: its mean rose from 38.6 in the reference to 43.8 (+5.2)")
    assert "more than on any other feature (rank 1 of 3" in moved[0].message
    assert "'Gig-economy', a category the reference never had, makes up 10.0% of the audited rows" in moved[1].message
    share = next(f for f in found if f.check == "drift.max_drifted_share")
    assert share.status is Status.FAIL and share.value == pytest.approx(2 / 3) and "Drifted: age, workclass." in share.message
    assert checks(drift_findings(r, Policy(drift=DriftPolicy(max_drifted_share=0.7))))["drift.max_drifted_share"] is Status.PASS


def test_top_feature_psi_watches_the_important_features_and_needs_significance():
    r = drift_result([feature("a", psi=0.3), feature("b", psi=0.9, p=0.5)], importance=(
        DriftImportance("a", 0.9, 0.9, 1), DriftImportance("b", 0.1, 0.1, 2)))
    assert checks(drift_findings(r, Policy()))["drift.max_top_feature_psi"] is Status.FAIL
    # only the top 1 is watched; raising the bar passes it
    assert checks(drift_findings(r, Policy(drift=DriftPolicy(max_top_feature_psi=0.31))))["drift.max_top_feature_psi"] is Status.PASS
    # a large PSI whose change is not significant does not fail
    quiet = drift_result([feature("b", psi=0.9, p=0.5)])
    f = next(f for f in drift_findings(quiet, Policy()) if f.check == "drift.max_top_feature_psi")
    assert f.status is Status.PASS and "not significant" in f.message and "all features" in f.message


def test_domain_auc_is_judged_on_its_interval():
    def with_auc(lo, hi):
        d = DomainClassifierResult(auc=Estimate((lo + hi) / 2, lo, hi), p_value=0.01, n_reference=10, n_current=10,
                                   n_reference_total=10, n_current_total=10, n_splits=5, confidence_level=0.95,
                                   importances=(), method="m")
        return checks(drift_findings(drift_result([feature(p=0.9)], domain=d), Policy()))["drift.max_domain_auc"]

    assert (with_auc(0.50, 0.55), with_auc(0.58, 0.62), with_auc(0.61, 0.7)) == (Status.PASS, Status.INCONCLUSIVE, Status.FAIL)


def test_performance_drop_reads_the_direction_of_the_metric():
    def shift(metric, higher, ref, cur, lo, hi):
        return PerformanceShift(metric=metric, higher_is_better=higher, reference=Estimate(ref), current=Estimate(cur),
                                difference=Estimate(cur - ref, lo, hi), n_reference=100, n_current=100,
                                n_resamples=100, confidence_level=0.95)

    auc = drift_result([feature(p=0.9)], performance=(shift("roc_auc", True, 0.9, 0.8, -0.12, -0.08),))
    f = next(f for f in drift_findings(auc, Policy()) if f.check == "drift.max_performance_drop")
    assert f.status is Status.FAIL and f.value == pytest.approx(0.1) and (f.ci_low, f.ci_high) == pytest.approx((0.08, 0.12))
    assert "loss of ROC AUC" in f.message
    # for an error, a rise is the drop, relative to the reference's error (units of the target)
    mae = drift_result([feature(p=0.9)], performance=(shift("mae", False, 40.0, 40.8, 0.4, 1.2),))
    f = next(f for f in drift_findings(mae, Policy()) if f.check == "drift.max_performance_drop")
    assert f.status is Status.PASS and f.value == pytest.approx(0.02) and (f.ci_low, f.ci_high) == pytest.approx((0.01, 0.03))
    assert "rise of the mean absolute error, relative to the reference's" in f.message and "2.0%" in f.message
    worse = drift_result([feature(p=0.9)], performance=(shift("mae", False, 40.0, 44.0, 3.0, 5.0),))
    assert checks(drift_findings(worse, Policy()))["drift.max_performance_drop"] is Status.FAIL


def test_the_estimate_is_judged_against_the_minimum_roc_auc():
    est = EstimatedPerformance(metric="roc_auc", estimate=Estimate(0.66, 0.6, 0.69), is_estimate=True, n_rows=10,
                               n_reference=10, threshold=None, n_resamples=100, confidence_level=0.95, method="CBPE")
    r = drift_result([feature(p=0.9)], estimated=(est,), has_labels=False)
    f = next(f for f in drift_findings(r, Policy()) if f.check == "drift.estimated_roc_auc")
    assert f.status is Status.FAIL and "estimated without their labels" in f.message
    off = Policy(performance=dataclasses.replace(Policy().performance, min_roc_auc=None))
    assert "drift.estimated_roc_auc" not in checks(drift_findings(r, off))


def test_checks_turn_off_with_none():
    r = drift_result([feature("age")])
    policy = Policy(drift=DriftPolicy(max_drifted_share=None, max_top_feature_psi=None, max_domain_auc=None,
                                      max_performance_drop=None))
    assert set(checks(drift_findings(r, policy))) == {"drift.feature[age]"}


def test_toml_reads_the_drift_and_data_quality_tables(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("[drift]\nmax_domain_auc = false\ntop_k = 3\npsi_threshold = 0.25\n"
                    "[data_quality]\nmax_differential_missingness = 0.1\nmax_unseen_share = false\n")
    p = Policy.from_toml(path)
    assert (p.drift.max_domain_auc, p.drift.top_k, p.drift.psi_threshold) == (None, 3, 0.25)
    assert (p.data_quality.max_differential_missingness, p.data_quality.max_unseen_share) == (0.1, None)
    assert Policy.from_dict(p.to_dict()) == p


@pytest.mark.parametrize("bad, match", [
    ({"drift": {"alpha": 1.5}}, "drift.alpha"),
    ({"drift": {"top_k": 0}}, "drift.top_k"),
    ({"drift": {"max_domain_auc": 2}}, "drift.max_domain_auc"),
    ({"data_quality": {"max_differential_missingness": -0.1}}, "data_quality.max_differential_missingness"),
    ({"drift": {"psi": 0.2}}, "Unknown key"),
])
def test_malformed_thresholds_are_refused(bad, match):
    with pytest.raises(PolicyError, match=match):
        Policy.from_dict(bad)


def test_data_quality_checks_on_a_real_result(binary_data):
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from auditor import Auditor

    X, y = binary_data
    X = X.drop(columns=["colour"])
    minority = np.flatnonzero((X["group"] == "minority").to_numpy())
    X.loc[X.index[minority[::3]], "num_1"] = np.nan  # a third of the minority's num_1 missing
    model = HistGradientBoostingClassifier(max_iter=10).fit(X.drop(columns=["group"]), y)  # takes missing values
    r = Auditor(model, X.iloc[:300], y.iloc[:300], X_reference=X.iloc[300:], sensitive_features=["group"],
                n_bootstrap=0, sections=["data_quality"]).run()
    found = checks(data_quality_findings(r.data_quality, r.policy))
    assert found["data_quality.max_differential_missingness[group=minority:num_1]"] is Status.FAIL
    # the same gap in the reference is the same problem: one finding that says so
    assert not any(".reference" in c for c in found)
    (fail,) = [f for f in data_quality_findings(r.data_quality, r.policy) if f.status is Status.FAIL]
    assert "The reference data shows the same gap" in fail.message
    # a gap in the reference alone is its own finding
    only_ref = dataclasses.replace(r.data_quality, current=dataclasses.replace(
        r.data_quality.current, differential_missingness=()))
    assert checks(data_quality_findings(only_ref, r.policy))[
        "data_quality.max_differential_missingness.reference[group=minority:num_1]"] is Status.FAIL
    assert found["data_quality.max_representation_shift"] is Status.PASS
    lenient = Policy(data_quality=DataQualityPolicy(max_differential_missingness=0.5))
    again = checks(data_quality_findings(r.data_quality, lenient))
    assert again["data_quality.max_differential_missingness"] is Status.PASS
