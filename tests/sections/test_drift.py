"""The drift section end to end on UCI Adult: every reported number against scipy,
scikit-learn or a hand computation, and the acceptance cases (no drift between
Adult's own splits; a planted shift flags exactly what was planted; the label-free
estimate of accuracy lands within 0.02 of the realised one)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon
from sklearn.metrics import accuracy_score, roc_auc_score

from auditor import Auditor, AuditResult, DriftSection, ImportanceSection, Policy, ShapSection
from auditor.context import NO_LABELS
from auditor.results import DriftPolicy, DriftResult, Status
from auditor.sections.drift import MIN_RESAMPLES

SENSITIVE = ["sex", "race"]


@pytest.fixture(scope="module")
def adult_train():
    from auditor.datasets import load_adult

    return load_adult(split="train")


@pytest.fixture(scope="module")
def planted_X(adult_demo):
    """Adult test with ``age + 5`` and a new workclass category in 10% of rows."""
    X = adult_demo.X_test.copy()
    X["age"] = X["age"] + 5
    rows = np.random.default_rng(0).random(len(X)) < 0.1
    workclass = X["workclass"].astype(object)
    workclass[rows] = "Gig-economy"
    X["workclass"] = pd.Series(workclass, dtype="category")
    return X


@pytest.fixture(scope="module")
def null_audit(adult_demo, adult_train):
    return Auditor(adult_demo.model, adult_demo.X_test, adult_demo.y_test, X_reference=adult_train.X,
                   y_reference=adult_train.y, sensitive_features=SENSITIVE, n_bootstrap=0,
                   sections=[DriftSection(n_resamples=200)]).run()


@pytest.fixture(scope="module")
def planted_audit(adult_demo, adult_train, planted_X):
    return Auditor(adult_demo.model, planted_X, adult_demo.y_test, X_reference=adult_train.X,
                   y_reference=adult_train.y, sensitive_features=SENSITIVE, n_bootstrap=0,
                   sections=[DriftSection(n_resamples=200), ImportanceSection(n_repeats=2, max_samples=6000)]).run()


# -- acceptance -------------------------------------------------------------------------

def test_adult_train_against_test_flags_no_feature(null_audit):
    d = null_audit.drift
    assert isinstance(d, DriftResult) and len(d.features) == 13
    rule = null_audit.policy.drift.rule()
    assert [f.feature for f in d.features if f.verdict(**rule).drifted] == []
    assert not [f for f in null_audit.findings if f.check.startswith("drift.feature[")]
    share = next(f for f in null_audit.findings if f.check == "drift.max_drifted_share")
    assert share.status is Status.PASS and share.value == 0.0
    # the two splits cannot be told apart: duplicated rows even pull the AUC below 0.5
    auc = d.domain.auc
    assert auc.value < 0.52 and auc.ci_low < 0.5
    assert next(f for f in null_audit.findings if f.check == "drift.max_domain_auc").status is Status.PASS


def test_planted_shift_flags_exactly_age_and_workclass(planted_audit):
    d = planted_audit.drift
    rule = planted_audit.policy.drift.rule()
    assert {f.feature for f in d.features if f.verdict(**rule).drifted} == {"age", "workclass"}
    moved = {f.check for f in planted_audit.findings if f.check.startswith("drift.feature[")}
    assert moved == {"drift.feature[age]", "drift.feature[workclass]"}
    age = next(f for f in planted_audit.findings if f.check == "drift.feature[age]")
    a = d.feature("age")
    assert age.status is Status.WARN and f"{a.mean_reference:,.3g}" in age.message and f"{a.mean_current:,.3g}" in age.message
    assert "rose" in age.message
    workclass = next(f for f in planted_audit.findings if f.check == "drift.feature[workclass]")
    assert "'Gig-economy', a category the reference never had" in workclass.message
    # the model relies on age (permutation importance here): the top-k PSI check fails on it
    top = next(f for f in planted_audit.findings if f.check == "drift.max_top_feature_psi")
    assert d.importance_of("age").rank <= 5 and top.status is Status.FAIL and "“age”" in top.message
    assert next(f for f in planted_audit.findings if f.check == "drift.max_domain_auc").status is Status.FAIL
    assert d.domain.auc.ci_low > 0.6


def test_ks_statistic_of_age_equals_scipy(planted_audit, adult_train, planted_X):
    f = planted_audit.drift.feature("age")
    ref = stats.ks_2samp(adult_train.X["age"], planted_X["age"])
    assert f.test == "ks" and f.statistic == pytest.approx(ref.statistic, abs=1e-12)
    assert f.p_value == pytest.approx(ref.pvalue, abs=1e-12)
    w = stats.wasserstein_distance(adult_train.X["age"], planted_X["age"]) / np.std(adult_train.X["age"])
    assert f.distance == pytest.approx(w, abs=1e-12)
    assert f.mean_reference == pytest.approx(adult_train.X["age"].mean(), rel=1e-12)
    assert f.mean_current == pytest.approx(planted_X["age"].mean(), rel=1e-12)


def test_psi_of_age_equals_a_hand_computation(planted_audit, adult_train, planted_X):
    ref, cur = adult_train.X["age"].to_numpy(float), planted_X["age"].to_numpy(float)
    # deciles of the reference as observed values (inverted CDF), right-closed bins
    edges = np.unique(np.quantile(ref, np.arange(1, 10) / 10, method="inverted_cdf"))
    bins = [-np.inf, *edges, np.inf]
    r = pd.Series(pd.cut(ref, bins, right=True)).value_counts(normalize=True, sort=False).to_numpy()
    c = pd.Series(pd.cut(cur, bins, right=True)).value_counts(normalize=True, sort=False).to_numpy()
    r, c = np.where(r == 0, 1e-4, r), np.where(c == 0, 1e-4, c)
    assert planted_audit.drift.feature("age").psi == pytest.approx(float(np.sum((c - r) * np.log(c / r))), abs=1e-12)


def test_categorical_entry_equals_scipy(planted_audit, adult_train, planted_X):
    f = planted_audit.drift.feature("workclass")
    ref = adult_train.X["workclass"].astype(object).fillna("(missing)").value_counts()
    cur = planted_X["workclass"].astype(object).fillna("(missing)").value_counts()
    table = pd.concat([ref, cur], axis=1).fillna(0).loc[list(f.bins)].to_numpy().T
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    assert f.test == "chi2" and f.statistic == pytest.approx(chi2, rel=1e-12) and f.p_value == pytest.approx(p, abs=1e-12)
    shares = table / table.sum(axis=1, keepdims=True)
    assert f.distance == pytest.approx(jensenshannon(shares[0], shares[1], base=2), abs=1e-12)
    r, c = np.where(shares[0] == 0, 1e-4, shares[0]), np.where(shares[1] == 0, 1e-4, shares[1])
    assert f.psi == pytest.approx(float(np.sum((c - r) * np.log(c / r))), abs=1e-12)


def test_p_values_are_benjamini_hochberg_over_the_features(planted_audit):
    feats = planted_audit.drift.features
    p = np.array([f.p_value for f in feats])
    m = len(p)
    order = np.argsort(p)
    adjusted = np.empty(m)
    running = 1.0
    for rank in range(m - 1, -1, -1):  # step-up, by hand
        running = min(running, p[order[rank]] * m / (rank + 1))
        adjusted[order[rank]] = running
    assert [f.p_value_adjusted for f in feats] == pytest.approx(list(adjusted), abs=1e-15)


def test_histograms_count_every_non_missing_row(planted_audit, adult_train, planted_X):
    d = planted_audit.drift
    assert {h.feature for h in d.histograms} == {f.feature for f in d.features if f.kind == "numeric"}
    h = next(h for h in d.histograms if h.feature == "education_num")
    # a column of few integers gets one bar per value
    values = np.arange(round(h.edges[0] + 0.5), round(h.edges[-1] + 0.5))
    counts = adult_train.X["education_num"].value_counts()
    assert h.counts_reference == tuple(int(counts.get(v, 0)) for v in values)
    age = next(h for h in d.histograms if h.feature == "age")
    assert sum(age.counts_current) == planted_X["age"].notna().sum()
    lo, hi = age.edges[0], age.edges[-1]
    assert age.n_clipped_current == int(((planted_X["age"] < lo) | (planted_X["age"] > hi)).sum())


def test_prediction_and_label_drift_equal_scipy(null_audit, adult_demo, adult_train):
    d = null_audit.drift
    score_ref = adult_demo.model.predict_proba(adult_train.X)[:, 1]
    score = adult_demo.model.predict_proba(adult_demo.X_test)[:, 1]
    (entry,) = d.prediction
    ks = stats.ks_2samp(score_ref, score)
    assert entry.feature == "score" and entry.statistic == pytest.approx(ks.statistic, abs=1e-12)
    assert entry.p_value == pytest.approx(ks.pvalue, abs=1e-12)
    table = np.array([np.bincount(adult_train.y, minlength=2), np.bincount(adult_demo.y_test, minlength=2)])
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    assert d.label.statistic == pytest.approx(chi2, rel=1e-12) and d.label.p_value == pytest.approx(p, abs=1e-12)


def test_reference_performance_equals_scikit_learn(null_audit, adult_demo, adult_train):
    auc, acc = null_audit.drift.performance
    assert (auc.metric, acc.metric) == ("roc_auc", "accuracy")
    model = adult_demo.model
    assert auc.reference.value == pytest.approx(roc_auc_score(adult_train.y, model.predict_proba(adult_train.X)[:, 1]), abs=1e-12)
    assert auc.current.value == pytest.approx(roc_auc_score(adult_demo.y_test, model.predict_proba(adult_demo.X_test)[:, 1]), abs=1e-12)
    assert acc.reference.value == pytest.approx(accuracy_score(adult_train.y, model.predict(adult_train.X)), abs=1e-15)
    assert auc.difference.value == pytest.approx(auc.current.value - auc.reference.value, abs=1e-15)
    assert auc.difference.ci_low < auc.difference.value < auc.difference.ci_high and auc.n_resamples == 200
    # the JSON holds it
    stored = AuditResult.from_json(null_audit.to_json()).sections["drift"].performance[0].reference.value
    assert stored == auc.reference.value
    drop = next(f for f in null_audit.findings if f.check == "drift.max_performance_drop")
    assert drop.value == pytest.approx(-auc.difference.value) and drop.ci_high == pytest.approx(-auc.difference.ci_low)


def test_group_drift_is_within_each_group(null_audit, adult_demo, adult_train):
    groups = {(g.sensitive_feature, g.group): g for g in null_audit.drift.groups}
    female = groups[("sex", "Female")]
    ref = adult_train.X.loc[adult_train.X["sex"] == "Female", "age"]
    cur = adult_demo.X_test.loc[adult_demo.X_test["sex"] == "Female", "age"]
    age = next(f for f in female.features if f.feature == "age")
    assert (female.n_reference, female.n_current) == (len(ref), len(cur))
    assert age.statistic == pytest.approx(stats.ks_2samp(ref, cur).statistic, abs=1e-12)
    # adjusted over every (group, feature) test
    n_tests = sum(len(g.features) for g in null_audit.drift.groups)
    assert age.p_value_adjusted >= min(1.0, age.p_value) and n_tests == 13 * sum(1 for g in groups.values() if g.features)
    assert not [f for f in null_audit.findings if f.check.startswith("drift.group[")]


def test_the_result_round_trips_and_rejudges(planted_audit):
    back = AuditResult.from_json(planted_audit.to_json())
    assert back == planted_audit
    # thresholds only: a policy with a higher PSI bar flags workclass but not age
    from auditor import rejudge

    strict = Policy(drift=DriftPolicy(psi_threshold=0.5, distance_threshold=None))
    again = rejudge(planted_audit, strict)
    assert {f.check for f in again.findings if f.check.startswith("drift.feature[")} == {"drift.feature[workclass]"}
    assert again.sections == planted_audit.sections


# -- without labels: the estimate --------------------------------------------------------

@pytest.fixture(scope="module")
def held_out_model(adult_train):
    from sklearn.model_selection import train_test_split

    from auditor.demo import make_pipeline_for

    X_fit, X_ref, y_fit, y_ref = train_test_split(adult_train.X, adult_train.y, test_size=0.3, random_state=0,
                                                  stratify=adult_train.y)
    model = make_pipeline_for(list(adult_train.categorical_features), list(adult_train.numeric_features))
    return model.fit(X_fit, y_fit), X_ref, y_ref


@pytest.fixture(scope="module")
def unlabelled_audit(held_out_model, adult_demo):
    model, X_ref, y_ref = held_out_model
    return Auditor(model, adult_demo.X_test, None, X_reference=X_ref, y_reference=y_ref, sensitive_features=SENSITIVE,
                   sections=["performance", DriftSection(n_resamples=200, domain_classifier=False)]).run()


def test_label_free_accuracy_is_within_002_and_its_interval_contains_the_truth(unlabelled_audit, held_out_model, adult_demo):
    model = held_out_model[0]
    d = unlabelled_audit.drift
    est = {e.metric: e for e in d.estimated}
    truth = {"accuracy": accuracy_score(adult_demo.y_test, model.predict(adult_demo.X_test)),
             "roc_auc": roc_auc_score(adult_demo.y_test, model.predict_proba(adult_demo.X_test)[:, 1])}
    acc = est["accuracy"].estimate
    assert est["accuracy"].is_estimate and abs(acc.value - truth["accuracy"]) <= 0.02
    assert acc.ci_low <= truth["accuracy"] <= acc.ci_high
    auc = est["roc_auc"].estimate
    assert auc.ci_low <= truth["roc_auc"] <= auc.ci_high
    assert d.performance == () and "no labels" in d.performance_reason and not d.has_labels
    assert d.label is None and "audited rows have none" in d.label_reason
    # the sections that need labels are skipped with the reason; the finding is labelled an estimate
    assert {s.section: s.reason for s in unlabelled_audit.skipped} == {"performance": NO_LABELS}
    finding = next(f for f in unlabelled_audit.findings if f.check == "drift.estimated_roc_auc")
    assert "estimated without their labels" in finding.message and finding.value == auc.value


# -- robustness -------------------------------------------------------------------------

def test_skipped_without_reference(binary_data, binary_pipeline):
    X, y = binary_data
    r = Auditor(binary_pipeline, X, y, sections=["drift"], n_bootstrap=0).run()
    assert r.drift is None and "X_reference" in r.skipped[0].reason


def test_works_without_explanations_and_says_so(null_audit):
    d = null_audit.drift
    assert d.importance == () and d.importance_source is None and "did not run" in d.importance_reason
    top = next(f for f in null_audit.findings if f.check == "drift.max_top_feature_psi")
    assert "all features (no importance ranking" in top.message


def test_importance_comes_from_shap_when_it_ran(binary_data):
    from sklearn.ensemble import HistGradientBoostingClassifier

    X, y = binary_data
    X = X.drop(columns=["colour"])
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X.drop(columns=["group"]), y)
    r = Auditor(model, X.iloc[:300], y.iloc[:300], X_reference=X.iloc[300:], y_reference=y.iloc[300:],
                sensitive_features=["group"], n_bootstrap=0,
                sections=[DriftSection(n_resamples=50, domain_splits=3, min_group_rows=50),
                          ShapSection(n_bootstrap=0), ImportanceSection(n_repeats=2)]).run()
    d = r.drift
    assert d.importance_source == "shap" and d.importance_label == "mean |SHAP| in log-odds"
    shap = {f.feature: f.mean_abs[0].value for f in r.shap.features}
    assert {i.feature: i.value for i in d.importance} == pytest.approx(shap, abs=0)
    assert [i.feature for i in d.importance] == sorted(shap, key=lambda k: -shap[k])
    assert sum(i.share for i in d.importance) == pytest.approx(1.0)


def test_row_order_does_not_change_a_number(binary_data, binary_pipeline):
    X, y = binary_data
    sections = [DriftSection(n_resamples=50, domain_splits=3, min_group_rows=50)]

    def run(Xc, yc):
        return Auditor(binary_pipeline, Xc, yc, X_reference=X.iloc[300:], y_reference=y.iloc[300:],
                       sensitive_features=["group"], n_bootstrap=0, sections=sections).run().drift

    p = np.random.default_rng(1).permutation(300)
    a = run(X.iloc[:300], y.iloc[:300])
    b = run(X.iloc[:300].iloc[p], y.iloc[:300].iloc[p])
    assert a == b


def test_large_data_caps_the_resamples_and_says_so():
    section = DriftSection(n_resamples=500, max_resample_rows=1_000_000)
    assert section.resamples(1000) == 500
    assert section.resamples(2_000_000) == MIN_RESAMPLES
    assert section.resamples(5000) == 200


def test_the_cap_is_reported(binary_data, binary_pipeline):
    X, y = binary_data
    r = Auditor(binary_pipeline, X.iloc[:300], y.iloc[:300], X_reference=X.iloc[300:], y_reference=y.iloc[300:],
                n_bootstrap=0, sections=[DriftSection(n_resamples=400, max_resample_rows=150_000, domain_classifier=False)]).run()
    auc, acc = r.drift.performance
    assert (auc.interval_method, auc.n_resamples) == ("DeLong", 0) and acc.n_resamples == 250
    assert any("reduced from 400 to 250" in n and "DeLong" in n for n in r.drift.notes)


def test_predictions_only_audit_compares_features_and_says_what_it_cannot(binary_data):
    X, y = binary_data
    r = Auditor.from_predictions(y.iloc[:300], y.iloc[:300], X=X.iloc[:300], X_reference=X.iloc[300:],
                                 y_reference=y.iloc[300:], n_bootstrap=0,
                                 sections=[DriftSection(domain_classifier=False)]).run()
    d = r.drift
    assert {f.feature for f in d.features} == set(X.columns)
    assert d.prediction == () and "predictions only" in d.prediction_reason
    assert d.performance == () and "predictions only" in d.performance_reason


def test_options_are_checked():
    with pytest.raises(ValueError, match="n_bins"):
        DriftSection(n_bins=1)
    with pytest.raises(ValueError, match="ks_method"):
        DriftSection(ks_method="fast")


def test_a_categorical_feature_the_model_does_not_take_is_an_error(binary_data, binary_pipeline):
    X, y = binary_data
    r = Auditor(binary_pipeline, X, y, X_reference=X, n_bootstrap=0,
                sections=[DriftSection(categorical_features=("nope",))]).run()
    assert r.failures[0].error_type == "KeyError" and "nope" in r.failures[0].message
    assert r.findings[0].status is Status.INCONCLUSIVE  # a failed section with checks cannot pass


def test_result_is_frozen(null_audit):
    with pytest.raises(dataclasses.FrozenInstanceError):
        null_audit.drift.n_current = 1
