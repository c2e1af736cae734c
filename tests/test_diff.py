"""Comparing two audits: metrics with intervals and their overlap, checks that
flipped, appeared or disappeared, and the text and HTML views of it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sklearn.linear_model import LogisticRegression

from auditor import Auditor, Policy, Status, rejudge
from auditor.diff import AuditDiff, _collect, diff_results
from auditor.render.diff import build_diff_view, render_diff_html, render_diff_text
from auditor.results import Estimate, Finding, Metric, PerformancePolicy
from tests.helpers import lenient_policy


@pytest.fixture(scope="module")
def baseline(binary_data, binary_pipeline):
    X, y = binary_data
    lenient = lenient_policy()
    return Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=100, model_name="v1",
                   policy=lenient).run()


@pytest.fixture(scope="module")
def candidate(binary_data):
    """A deliberately weaker model: one feature only."""
    X, y = binary_data
    weak = LogisticRegression().fit(X[["num_4"]], y)
    return Auditor(weak, X[["num_4", "group"]], y, sensitive_features=["group"], n_bootstrap=100, model_name="v2").run()


def test_identical_audits_have_no_changes(baseline):
    d = diff_results(baseline, baseline)
    assert d.same_data and d.same_model and d.same_policy and not d.verdict_changed
    assert all(not m.changed and m.delta in (0.0, None) for m in d.metrics)
    assert all(m.intervals_overlap in (True, None) for m in d.metrics)
    assert {f.change for f in d.findings} == {"same"}
    assert d.regressions == () and d.flipped == ()


def test_metrics_match_both_results_and_overlap_is_computed_by_hand(baseline, candidate):
    d = diff_results(baseline, candidate)
    assert d.same_data is False  # the candidate saw other columns
    assert d.same_model is False
    perf = {m.path: m for m in d.metrics if m.section == "performance"}
    for metric in baseline.performance.metrics:
        change = perf[f"performance/metrics/{metric.key}"]
        old, new = metric.estimate, candidate.performance.metric(metric.key).estimate
        assert change.old == old and change.new == new and change.label == metric.label
        assert change.delta == pytest.approx(new.value - old.value)
        separated = old.ci_high < new.ci_low or new.ci_high < old.ci_low
        assert change.intervals_overlap is (not separated)
    auc = perf["performance/metrics/roc_auc"]
    assert auc.delta < 0 and auc.intervals_overlap is False  # the weak model is clearly worse
    # the calibration curve repeats the ECE metric; it is listed once
    assert not any(p.startswith("performance/calibration") for p in perf)


def test_findings_flip_appear_and_disappear(baseline):
    strict = rejudge(baseline, lenient_policy(min_roc_auc=0.999))
    d = diff_results(baseline, strict)
    (flip,) = d.flipped
    assert (flip.check, flip.old_status, flip.new_status, flip.change) == (
        "performance.min_roc_auc", Status.PASS, Status.FAIL, "worse")
    assert d.regressions == (flip,) and d.verdict_changed and not d.same_policy
    back = diff_results(strict, baseline)
    assert back.flipped[0].change == "better" and back.regressions == ()

    extra = Finding(check="fairness.gap", section="fairness", status=Status.INCONCLUSIVE, title="gap", message="m",
                    groups=("sex",))
    added = diff_results(baseline, baseline.with_findings(baseline.findings + (extra,)))
    (new,) = [f for f in added.findings if f.change == "added"]
    assert new.check == "fairness.gap" and new.groups == ("sex",) and new.old_status is None
    assert added.regressions == (new,)
    removed = diff_results(baseline.with_findings(baseline.findings + (extra,)), baseline)
    assert [f.change for f in removed.findings if f.check == "fairness.gap"] == ["removed"]
    assert removed.regressions == ()


@dataclass(frozen=True)
class _Group:
    group: str
    selection_rate: Metric
    gap: Estimate


@dataclass(frozen=True)
class _Section:
    by_group: tuple[_Group, ...]
    overall: Estimate


def test_any_section_shape_is_walked_by_names_not_positions():
    def section(order):
        groups = {
            "female": _Group("female", Metric("selection_rate", "Selection rate", Estimate(0.2, 0.1, 0.3)), Estimate(0.05)),
            "male": _Group("male", Metric("selection_rate", "Selection rate", Estimate(0.4, 0.3, 0.5)), Estimate(0.1)),
        }
        return _Section(tuple(groups[g] for g in order), Estimate(0.2, 0.1, 0.3))

    a, b = _collect("fairness", section(["female", "male"])), _collect("fairness", section(["male", "female"]))
    assert a.keys() == b.keys()
    assert a["fairness/by_group/female/selection_rate"].label == "Selection rate (female)"
    assert a["fairness/by_group/male/gap"].label == "Gap (male)"
    assert a["fairness/by_group/male/gap"].estimate == Estimate(0.1)
    # a bare estimate equal to a metric's numbers is the same number repeated
    assert "fairness/overall" not in a


def test_text_view_lists_what_changed(baseline, candidate):
    strict = rejudge(candidate, Policy(performance=PerformancePolicy(min_roc_auc=0.999)))
    text = render_diff_text(diff_results(baseline, strict))
    assert "Baseline:  v1" in text and "Candidate: v2" in text
    assert "Verdict: PASS -> FAIL (changed)" in text
    assert re.search(r"\[got worse\] performance.min_roc_auc: PASS -> FAIL", text)
    auc_old = baseline.performance.metric("roc_auc").estimate
    assert re.search(rf"\*ROC AUC\s+{auc_old.value:.3f} \[{auc_old.ci_low:.3f} – {auc_old.ci_high:.3f}\] ->", text)
    assert "Same data: no" in text and "Same policy: no" in text


def test_html_view_is_self_contained(baseline, candidate):
    html = render_diff_html(diff_results(baseline, candidate))
    assert html.startswith("<!DOCTYPE html>") or html.lstrip().startswith("<!DOCTYPE html>")
    assert "http://" not in html and "https://" not in html and "<script" not in html
    view = build_diff_view(diff_results(baseline, candidate))
    assert view["n_separated"] >= 1
    assert "larger than resampling noise" in html


def test_diff_is_plain_data(baseline, candidate):
    d = diff_results(baseline, candidate)
    assert isinstance(d, AuditDiff)
    data = d.to_dict()
    assert data["old"]["model_name"] == "v1" and data["new"]["verdict"] in [s.value for s in Status]
    with pytest.raises(TypeError, match="Expected old to be an AuditResult"):
        diff_results({}, candidate)
