"""Decision costs, the Matthews correlation and the precision-recall curve of the
performance section, against hand computations and scikit-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from sklearn.linear_model import LogisticRegression

from auditor import Auditor, PerformanceSection
from auditor.render import build_view, render_html


@pytest.fixture(scope="module")
def rare():
    """A rare positive class (about 6%), two groups, sample weights."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=2000), "g": rng.choice(["x", "y"], 2000)})
    y = pd.Series((X.a + rng.normal(size=2000) > 2.2).astype(int), name="default")
    model = LogisticRegression().fit(X[["a"]], y)
    return model, X, y


def _audit(rare, costs, **kw):
    model, X, y = rare
    return Auditor(model, X, y, sensitive_features=["g"], n_bootstrap=40,
                   sections=[PerformanceSection(costs=costs)], **kw).run()


def test_expected_cost_equals_the_confusion_matrix_by_hand(rare):
    model, X, y = rare
    r = _audit(rare, {"false_positive": 1, "false_negative": 20, "true_positive": -2})
    pred = model.predict(X[["a"]])
    tn, fp, fn, tp = skm.confusion_matrix(y, pred).ravel()
    expected = 1000 * (fp * 1 + fn * 20 + tp * -2) / len(y)
    c = r.performance.costs
    assert c.cost_per_1000.value == pytest.approx(expected, abs=1e-9)
    assert r.performance.metric("expected_cost_per_1000").estimate == c.cost_per_1000
    assert c.cost_per_1000.ci_low < expected < c.cost_per_1000.ci_high
    assert c.matrix == {"0": {"0": 0.0, "1": 1.0}, "1": {"0": 20.0, "1": -2.0}}
    for g in c.by_group:
        m = (X["g"] == g.group).to_numpy()
        tn, fp, fn, tp = skm.confusion_matrix(y[m], pred[m], labels=[0, 1]).ravel()
        assert g.cost_per_1000.value == pytest.approx(1000 * (fp + 20 * fn - 2 * tp) / m.sum(), abs=1e-9)
        assert g.count == m.sum()


def test_best_threshold_matches_a_brute_force_scan(rare):
    model, X, y = rare
    r = _audit(rare, {"false_positive": 1, "false_negative": 20})
    c = r.performance.costs
    score = model.predict_proba(X[["a"]])[:, 1]
    t = y.to_numpy() == 1

    def cost(th):
        flag = score >= th
        return 1000 * ((flag & ~t).sum() * 1 + (~flag & t).sum() * 20) / len(t)

    candidates = np.r_[np.inf, np.unique(score)]
    brute = np.array([cost(th) for th in candidates])
    assert c.best_cost_per_1000 == pytest.approx(brute.min(), abs=1e-9)
    assert cost(c.best_threshold) == pytest.approx(brute.min(), abs=1e-9)
    # the model's own rule is a threshold of about 0.5 on its probability, and costs what its predictions cost
    assert c.current_threshold == pytest.approx(score[model.predict(X[["a"]]) == 1].min())
    assert cost(c.current_threshold) == pytest.approx(c.cost_per_1000.value, abs=1e-9)
    assert c.best_cost_per_1000 < c.cost_per_1000.value


def test_cost_sentence_and_chapter(rare):
    r = _audit(rare, {"false_positive": 1, "false_negative": 20})
    view = build_view(r, figures=False)
    c = r.performance.costs
    sentence = next(n for n in view["summary_notes"] if n.startswith("At the current threshold"))
    assert f"errors cost about {c.cost_per_1000.value:,.0f} per 1,000 decisions" in sentence
    assert f"they would cost {c.best_cost_per_1000:,.0f}" in sentence
    assert view["key_numbers"][0]["label"] == "Expected cost per 1,000 decisions"
    html = render_html(r)
    assert "What errors cost" in html and "Cost of errors by threshold" in html


def test_no_costs_no_numbers_invented(rare):
    r = _audit(rare, None)
    assert r.performance.costs is None
    assert "expected_cost_per_1000" not in {m.key for m in r.performance.metrics}
    assert not any("cost" in n for n in build_view(r, figures=False)["summary_notes"])


def test_multiclass_costs_by_label(wine):
    model, X, y = wine
    r = Auditor(model, X, y, n_bootstrap=0, sections=[PerformanceSection(costs={"0": 10, "2": {"1": 3}})]).run()
    pred = model.predict(X)
    cm = skm.confusion_matrix(y, pred, labels=[0, 1, 2])
    expected = 1000 * (10 * (cm[0, 1] + cm[0, 2]) + 3 * cm[2, 1]) / len(y)
    assert r.performance.costs.cost_per_1000.value == pytest.approx(expected)
    assert r.performance.costs.best_threshold is None  # no single threshold for three classes


@pytest.mark.parametrize("costs, match", [
    ({"false_positive": "high"}, "finite number"),
    ({"false_positive": float("nan")}, "finite number"),
    ({}, "non-empty mapping"),
    ({"false_positive": 1, "0": {"1": 2}}, "either by name"),
])
def test_bad_costs_are_clear_errors(costs, match):
    with pytest.raises(ValueError, match=match):
        PerformanceSection(costs=costs)


def test_unknown_label_in_costs_fails_the_section(rare):
    r = _audit(rare, {"7": {"0": 1}})
    assert r.failures and "Expected the costs' labels to be classes of y ['0', '1']. Got '7'" in r.failures[0].message


def test_matthews_correlation_equals_sklearn_and_is_undefined_for_a_constant(rare, wine):
    model, X, y = rare
    r = _audit(rare, None, sample_weight=np.linspace(0.5, 2, len(y)))
    pred = model.predict(X[["a"]])
    w = np.linspace(0.5, 2, len(y))
    assert r.performance.metric("matthews_corrcoef").estimate.value == pytest.approx(
        skm.matthews_corrcoef(y, pred, sample_weight=w), abs=1e-12)
    wmodel, WX, wy = wine
    mc = Auditor(wmodel, WX, wy, n_bootstrap=0, sections=["performance"]).run()
    assert mc.performance.metric("matthews_corrcoef").estimate.value == pytest.approx(
        skm.matthews_corrcoef(wy, wmodel.predict(WX)), abs=1e-12)
    const = Auditor.from_predictions([0, 1, 1, 0, 1], [1, 1, 1, 1, 1], n_bootstrap=0, sections=["performance"]).run()
    est = const.performance.metric("matthews_corrcoef").estimate
    assert est.value is None and "predicts one class only" in est.reason  # sklearn would say 0


def test_precision_recall_curve_and_imbalance_note(rare):
    model, X, y = rare
    r = _audit(rare, None)
    pr = r.performance.pr_curves[0]
    score = model.predict_proba(X[["a"]])[:, 1]
    precision, recall, _ = skm.precision_recall_curve(y, score)
    assert pr.precision[0] == pytest.approx(precision[0]) and pr.recall[-1] == pytest.approx(recall[-1])
    assert pr.base_rate == pytest.approx(y.mean())
    view = build_view(r, figures=False)
    note = view["summary_notes"][0]
    assert note.startswith(f"Only {100 * y.mean():.1f}% of the audited rows have the outcome 1")
    assert "accuracy misleads" in note
    labels = [k["label"] for k in view["key_numbers"]]
    assert labels[0] == "Balanced accuracy" and labels[-1] == "Accuracy"


def test_balanced_data_has_no_imbalance_note(binary_data, binary_pipeline):
    X, y = binary_data
    r = Auditor(binary_pipeline, X, y, n_bootstrap=0, sections=["performance"]).run()
    assert build_view(r, figures=False)["summary_notes"] == []
