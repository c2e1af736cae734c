"""The fairness section: every group metric equals fairlearn's MetricFrame, undefined
rates are None with a reason, and numbers do not depend on row order or labels."""

from __future__ import annotations

import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
)
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import mean_absolute_error

from auditor import Auditor, FairnessSection
from auditor.artifacts import SHAP_VALUES, ShapValues
from tests.helpers import fairlearn_metrics

METRICS = fairlearn_metrics()


@pytest.fixture(scope="module")
def adult_fairness(adult_demo, adult_fairness_audit):
    # the session's Adult audit by sex and race (tests/conftest.py); its fairness chapter
    # is the one a fairness-only audit computes (sections draw from their own seeds)
    return adult_demo, adult_fairness_audit


def test_adult_group_metrics_equal_metricframe(adult_fairness):
    d, result = adult_fairness
    y_pred = d.model.predict(d.X_test)
    for grouping in result.fairness.groupings:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mf = MetricFrame(metrics=METRICS, y_true=d.y_test, y_pred=y_pred, sensitive_features=d.X_test[list(grouping.features)])
        frame = mf.by_group
        for g in grouping.groups:
            key = g.values if len(g.values) > 1 else g.values[0]
            row = frame.loc[key]
            for metric in METRICS:
                est = g.metrics[metric]
                assert est.value == pytest.approx(row[metric], abs=1e-12), (grouping.name, g.label, metric)
            assert g.count == int(((d.X_test[list(grouping.features)].astype(str) == list(g.values)).all(axis=1)).sum())


def test_adult_four_fifths_equals_hand_computation(adult_fairness):
    d, result = adult_fairness
    pred = d.model.predict(d.X_test)
    rates = pd.Series(pred).groupby(d.X_test["sex"].astype(str).to_numpy()).mean()
    sex = result.fairness.grouping("sex")
    assert sex.reference_group == "Male"  # the largest group
    fam = sex.family("selection_rate")
    c = fam.comparison("selection_rate", "Female")
    assert fam.reference == "Male" and c.eligible and c.test == "z"
    assert c.ratio.value == pytest.approx(rates["Female"] / rates["Male"], abs=1e-12)
    assert c.difference.value == pytest.approx(rates["Female"] - rates["Male"], abs=1e-12)
    assert c.ratio.ci_low < c.ratio.value < c.ratio.ci_high and c.difference.ci_low < c.difference.value < c.difference.ci_high
    (extremes,) = fam.extremes
    assert (extremes.lowest_group, extremes.highest_group) == ("Female", "Male")
    assert extremes.ratio == pytest.approx(rates.min() / rates.max(), abs=1e-12)


def test_adult_small_groups_are_disclosed(adult_fairness):
    _, result = adult_fairness
    f = result.fairness
    race = f.grouping("race")
    small = {(e.group, e.metric) for e in f.excluded if e.grouping == "race"}
    for g in race.groups:
        for metric, den in (("true_positive_rate", "positives"), ("false_positive_rate", "negatives"), ("precision", "predicted_positives")):
            assert ((g.label, metric) in small) == (g.denominators[den] < 30)
    # a small group is compared (its ratio described) but never judged: no interval, no test
    tpr = race.family("equal_opportunity")
    small_tpr = [c for c in tpr.comparisons if (c.group, c.metric) in small]
    assert small_tpr and all(not c.eligible and c.ratio.ci_low is None and c.p_value is None for c in small_tpr)
    assert all(c.eligible for c in tpr.comparisons if (c.group, c.metric) not in small)


def test_group_without_positives_has_undefined_tpr():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=300), "g": ["x"] * 250 + ["y"] * 50})
    y = np.where(X["g"] == "y", 0, (X["a"] > 0).astype(int))
    model = LogisticRegression().fit(X[["a"]], y)
    result = Auditor(model, X, y, sensitive_features=["g"], sections=["fairness"], n_bootstrap=50).run()
    tpr = result.fairness.grouping("g").group("y").metrics["true_positive_rate"]
    assert tpr.value is None and tpr.reason == "no truly positive rows in group y"
    excluded = [e for e in result.fairness.excluded if e.group == "y" and e.metric == "true_positive_rate"]
    assert excluded and "undefined" in excluded[0].reason


def test_shuffling_and_renaming_change_no_number(binary_data, binary_pipeline):
    X, y = binary_data
    base = Auditor(binary_pipeline, X, y, sensitive_features=X["group"], n_bootstrap=100, sections=["fairness"]).run()
    perm = np.random.default_rng(3).permutation(len(X))
    renamed = X["group"].map({"majority": "<b>x</b>", "minority": "AAA"})  # also flips the labels' order
    other = Auditor(binary_pipeline, X.iloc[perm].reset_index(drop=True), y.iloc[perm].reset_index(drop=True),
                    sensitive_features=renamed.iloc[perm].reset_index(drop=True), n_bootstrap=100, sections=["fairness"]).run()
    a, b = base.fairness.groupings[0], other.fairness.groupings[0]
    mapping = {"majority": "<b>x</b>", "minority": "AAA"}
    for g in a.groups:
        h = b.group(mapping[g.label])
        assert (g.metrics, g.count, g.share, g.denominators) == (h.metrics, h.count, h.share, h.denominators)
    assert mapping[a.reference_group] == b.reference_group
    for fa, fb in zip(a.families, b.families):
        assert fa.key == fb.key and mapping[fa.reference] == fb.reference
        by = {(c.metric, c.group): c for c in fb.comparisons}
        for c in fa.comparisons:
            other_c = by[(c.metric, mapping[c.group])]
            assert (c.ratio, c.difference, c.p_value, c.eligible) == (other_c.ratio, other_c.difference,
                                                                     other_c.p_value, other_c.eligible)
    assert base.fairness.proxies == other.fairness.proxies


def test_same_seed_same_intervals_other_seed_differs(binary_data, binary_pipeline):
    X, y = binary_data
    run = lambda seed: Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=100, random_state=seed,  # noqa: E731
                               sections=["fairness"]).run().fairness
    assert run(5) == run(5)
    assert run(5).groupings != run(6).groupings


def test_regression_group_table(diabetes):
    model, X, y = diabetes
    sex = np.where(X["sex"] > 0, "one", "two")
    result = Auditor(model, X, y, sensitive_features=sex, sections=["fairness"], n_bootstrap=50).run()
    g = result.fairness.groupings[0]
    pred = model.predict(X)
    for grp in g.groups:
        m = sex == grp.label
        assert grp.metrics["mean_absolute_error"].value == pytest.approx(mean_absolute_error(y[m], pred[m]), abs=1e-9)
        assert grp.metrics["mean_target"].value == pytest.approx(y[m].mean(), abs=1e-9)
    assert {fam.key for fam in g.families} == {"errors", "rates"}
    ref = g.reference_group
    mae = {grp.label: grp.metrics["mean_absolute_error"].value for grp in g.groups}
    for c in g.family("errors").comparisons:
        assert c.ratio.value == pytest.approx(mae[c.group] / mae[ref])
        assert c.test == "permutation" and 0 < c.p_value <= 1 and c.ratio_method == "bootstrap-se"
    rmse = g.family("rates").comparison("root_mean_squared_error", next(x for x in mae if x != ref))
    assert rmse.value == pytest.approx(np.sqrt(np.mean((y[sex == rmse.group] - pred[sex == rmse.group]) ** 2)))


def test_multiclass_group_table(wine):
    model, X, y = wine
    band = np.where(X["alcohol"] > X["alcohol"].median(), "high", "low")
    result = Auditor(model, X, y, sensitive_features=band, sections=["fairness"], n_bootstrap=50).run()
    g = result.fairness.groupings[0]
    pred = model.predict(X)
    for grp in g.groups:
        m = band == grp.label
        for c in (0, 1, 2):
            assert grp.metrics[f"selection_rate:{c}"].value == pytest.approx((pred[m] == c).mean())
    ref = g.reference_group
    other = next(grp.label for grp in g.groups if grp.label != ref)
    fam = g.family("selection_rate")
    assert fam.metrics == ("selection_rate:0", "selection_rate:1", "selection_rate:2")
    for c in (0, 1, 2):
        comp = fam.comparison(f"selection_rate:{c}", other)
        assert comp.difference.value == pytest.approx((pred[band == other] == c).mean() - (pred[band == ref] == c).mean())
        fpr = g.family("equalized_odds").comparison(f"false_positive_rate:{c}", other)
        truth = np.asarray(y)
        m = (band == other) & (truth != c)
        assert fpr.value == pytest.approx((pred[m] == c).mean())


def test_continuous_sensitive_feature_needs_bins(binary_data, binary_pipeline):
    X, y = binary_data
    age = pd.Series(np.random.default_rng(0).integers(18, 80, len(X)), name="age")
    failed = Auditor(binary_pipeline, X, y, sensitive_features=age, sections=["fairness"]).run()
    assert failed.failures[0].error_type == "ValueError" and "FairnessSection(bins=" in failed.failures[0].message
    binned = Auditor(binary_pipeline, X, y, sensitive_features=age, n_bootstrap=20,
                     sections=[FairnessSection(bins={"age": [25, 65]})]).run()
    assert [g.label for g in binned.fairness.groupings[0].groups] == ["under 25", "25 to under 65", "65 and over"]
    assert binned.fairness.bins == {"age": ("under 25", "25 to under 65", "65 and over")}


def test_fairness_without_sensitive_features_is_skipped(binary_data, binary_pipeline):
    X, y = binary_data
    result = Auditor(binary_pipeline, X, y, sections=["fairness"]).run()
    assert result.fairness is None and "no sensitive_features" in result.skipped[0].reason


def test_shap_by_group_reuses_the_stored_values(binary_data, binary_pipeline, monkeypatch):
    X, y = binary_data
    rows = np.arange(0, len(X), 2)
    values = np.zeros((len(rows), 2, 1))
    values[:, 0, 0] = np.where(X["group"].to_numpy()[rows] == "minority", 2.0, 0.5)
    values[:, 1, 0] = -1.0
    sv = ShapValues(values=values, base_values=np.zeros((len(rows), 1)), feature_names=("num_0", "colour"), rows=rows,
                    output_names=("1",), output_space="log-odds", method="hand-made")
    result = _fairness_with_shap(monkeypatch, sv, binary_pipeline, X, y)
    (s,) = result.fairness.shap_by_group
    assert s.mean_abs["minority"]["num_0"] == 2.0 and s.mean_abs["majority"]["num_0"] == 0.5
    assert s.mean_signed["majority"]["colour"] == -1.0
    top = s.largest_differences[0]
    assert (top.feature, top.difference, top.highest_group) == ("num_0", 1.5, "minority")
    assert result.fairness.shap_note is None



@pytest.mark.parametrize("n_outputs", [1, 3])
def test_shap_by_group_is_each_groups_mean_and_leaves_the_stored_values_alone(binary_data, binary_pipeline,
                                                                              monkeypatch, n_outputs):
    """Group by group, |SHAP| taken in place on the group's own copy: the means
    of |SHAP| over every row's outputs, bit for bit, and the stored values untouched."""
    X, y = binary_data
    rng = np.random.default_rng(3)
    rows = np.arange(len(X))
    values = rng.normal(size=(len(rows), 2, n_outputs))
    before = values.copy()
    sv = ShapValues(values=values, base_values=np.zeros((len(rows), n_outputs)), feature_names=("num_0", "colour"),
                    rows=rows, output_names=tuple(str(d) for d in range(n_outputs)), output_space="log-odds",
                    method="hand-made")
    result = _fairness_with_shap(monkeypatch, sv, binary_pipeline, X, y)
    (s,) = result.fairness.shap_by_group
    assert np.array_equal(sv.values, before)
    group = X["group"].to_numpy()
    for label in ("minority", "majority"):
        m = group == label
        expected = np.abs(before).mean(axis=2)[m].mean(axis=0)
        assert [s.mean_abs[label][f] for f in ("num_0", "colour")] == [float(v) for v in expected]
        if n_outputs == 1:
            assert [s.mean_signed[label][f] for f in ("num_0", "colour")] == [float(v) for v in before[m, :, 0].mean(axis=0)]
        else:
            assert s.mean_signed == {}


def test_without_shap_the_report_says_why(binary_data, binary_pipeline):
    X, y = binary_data
    result = Auditor(binary_pipeline, X, y, sensitive_features=["group"], sections=["fairness"], n_bootstrap=10).run()
    assert result.fairness.shap_by_group == () and "SHAP section was not run" in result.fairness.shap_note


def test_mitigation_reuses_scores_and_leaves_the_model_alone(binary_data, binary_pipeline):
    X, y = binary_data
    before = joblib.hash(binary_pipeline)
    a = Auditor(binary_pipeline, X, y, sensitive_features=["group"], sections=["fairness"], n_bootstrap=10).run().fairness
    b = Auditor(binary_pipeline, X, y, sensitive_features=["group"], sections=["fairness"], n_bootstrap=10).run().fairness
    assert joblib.hash(binary_pipeline) == before
    assert a.mitigation == b.mitigation and len(a.mitigation) == 2
    dp = next(m for m in a.mitigation if m.constraint == "demographic parity")
    assert dp.disparities_after["demographic_parity_difference"] <= dp.disparities_before["demographic_parity_difference"] + 0.05
    assert "held out" in a.mitigation_note
    off = Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=10,
                  sections=[FairnessSection(mitigation=False)]).run().fairness
    assert off.mitigation == () and off.mitigation_note is None


def test_proxies_find_a_planted_proxy():
    rng = np.random.default_rng(0)
    n = 2000
    sex = rng.choice(["f", "m"], n)
    X = pd.DataFrame({"role": np.where(sex == "f", rng.choice(["wife", "other"], n, p=[0.9, 0.1]), rng.choice(["husband", "other"], n, p=[0.9, 0.1])),
                      "noise": rng.normal(size=n), "sex": sex})
    y = rng.integers(0, 2, n)
    model = LogisticRegression().fit(pd.get_dummies(X[["role"]]).assign(noise=X["noise"]), y)

    class Wrapped:  # a model that takes the raw frame
        classes_ = model.classes_

        def predict(self, frame):
            return model.predict(pd.get_dummies(frame[["role"]]).assign(noise=frame["noise"]))

        def predict_proba(self, frame):
            return model.predict_proba(pd.get_dummies(frame[["role"]]).assign(noise=frame["noise"]))

    result = Auditor(Wrapped(), X, y, sensitive_features=["sex"], sections=["fairness"], n_bootstrap=10, task="binary").run()
    top = result.fairness.proxies[0]
    assert (top.feature, top.sensitive_feature) == ("role", "sex") and top.strength > 0.4
    noise = next(p for p in result.fairness.proxies if p.feature == "noise")
    assert noise.strength < 0.05


def test_mitigation_that_cannot_run_is_a_note_not_a_failure():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=300), "g": ["x"] * 250 + ["y"] * 50})
    y = np.where(X["g"] == "y", 0, (X["a"] > 0).astype(int))  # group y has one class
    result = Auditor(LogisticRegression().fit(X[["a"]], y), X, y, sensitive_features=["g"], sections=["fairness"],
                     n_bootstrap=20).run()
    assert result.failures == () and result.fairness.mitigation == ()
    assert "could not run" in result.fairness.mitigation_note


def test_the_five_rate_ratios_equal_dalex_fairness_check():
    """TPR, ACC, PPV, FPR and STP of every group over the privileged (reference) group,
    on the same predictions as dalex's model_fairness(...).fairness_check()."""
    dx = pytest.importorskip("dalex")
    from auditor.fairness.dalex_check import DALEX_METRICS

    rng = np.random.default_rng(0)
    n = 1500
    group = rng.choice(np.array(["a", "b", "c"]), size=n, p=[0.5, 0.3, 0.2])
    x1 = rng.normal(size=n) + (group == "b") * 0.6 - (group == "c") * 0.5
    x2 = rng.normal(size=n)
    y = (x1 + 0.5 * x2 + rng.normal(scale=0.8, size=n) > 0.3).astype(int)
    X = pd.DataFrame({"x1": x1, "x2": x2})
    model = LogisticRegression().fit(X, y)
    result = Auditor(model, X, y, sensitive_features=pd.Series(group, name="g"), n_bootstrap=50,
                     sections=[FairnessSection(reference_groups={"g": "a"}, proxies=False, mitigation=False)]).run()
    rates = result.fairness.grouping("g").family("rates")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exp = dx.Explainer(model, X, y, verbose=False)
        mf = exp.model_fairness(protected=group, privileged="a")
    y_hat = exp.y_hat >= 0.5  # dalex's cutoff
    assert np.array_equal(y_hat, model.predict(X) == 1)  # the same predictions the audit judged

    def exact(label, key):
        m = group == label
        t, p = y[m] == 1, y_hat[m]
        return {"true_positive_rate": (t & p).sum() / t.sum(), "accuracy": (t == p).mean(),
                "precision": (t & p).sum() / p.sum(), "false_positive_rate": (~t & p).sum() / (~t).sum(),
                "selection_rate": p.mean()}[key]

    for name, key in DALEX_METRICS.items():
        for label in ("b", "c"):
            c = rates.comparison(key, label)
            assert c.eligible and c.ratio.ci_low < c.ratio.value < c.ratio.ci_high
            # our ratio is the exact ratio of the exact rates ...
            assert c.ratio.value == pytest.approx(exact(label, key) / exact("a", key), rel=1e-12)
            # ... dalex's is the ratio of the rates rounded to 3 decimals
            rounded = round(exact(label, key), 3) / round(exact("a", key), 3)
            assert mf.result.loc[label, name] == pytest.approx(rounded, rel=1e-12), (name, label)


def test_count_level_bootstrap_matches_the_row_bootstrap(binary_data, binary_pipeline):
    """Unweighted rates are resampled as cell counts; weights of one force the row
    bootstrap of the same rows: the intervals agree to Monte Carlo error."""
    X, y = binary_data
    run = lambda w: Auditor(binary_pipeline, X, y, sensitive_features=["group", "colour"], sample_weight=w,  # noqa: E731
                            n_bootstrap=2000, sections=[FairnessSection(proxies=False, mitigation=False)]).run().fairness
    cells, rows = run(None), run(np.ones(len(X)))
    assert "resampled as counts" in " ".join(cells.notes) and "resampled as counts" not in " ".join(rows.notes)
    for ga, gb in zip(cells.groupings, rows.groupings):
        for a, b in zip(ga.groups, gb.groups):
            for key in ("selection_rate", "true_positive_rate", "false_positive_rate", "precision", "accuracy"):
                ea, eb = a.metrics[key], b.metrics[key]
                assert ea.value == eb.value  # the same point
                assert ea.ci_low == pytest.approx(eb.ci_low, abs=0.02) and ea.ci_high == pytest.approx(eb.ci_high, abs=0.02)
            assert a.metrics["roc_auc"].ci_low is not None  # scores keep the row bootstrap
        fa, fb = ga.family("selection_rate"), gb.family("selection_rate")
        for ca, cb in zip(fa.comparisons, fb.comparisons):
            assert ca.ratio.value == cb.ratio.value and ca.p_value == cb.p_value
            assert ca.ratio.ci_low == pytest.approx(cb.ratio.ci_low, rel=0.05)


def _fairness_with_shap(monkeypatch, sv, model, X, y):
    """The fairness section of an audit whose context already holds the SHAP values ``sv``."""
    from auditor import context

    original = context.AuditContext.__init__

    def with_shap(self, *a, **k):
        original(self, *a, **k)
        self.memo(SHAP_VALUES, lambda: sv)

    monkeypatch.setattr(context.AuditContext, "__init__", with_shap)
    return Auditor(model, X, y, sensitive_features=["group"], sections=["fairness"], n_bootstrap=10).run()
