"""The section registry: one declaration per section that the audit, the JSON
codec, the policy and the document all read; and a user's own section, end to end."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from auditor import Auditor, AuditResult, Finding, Policy, Section, SectionResult, Status, rejudge
from auditor.render import build_view, render_html
from auditor.render._env import default_template_dir
from auditor.results import (
    SectionRegistryError,
    UnreadSection,
    resolve,
    result_type_name,
    section_spec,
    section_specs,
)
from auditor.sections import BUILTIN_SECTIONS, run_order

ROOT = Path(__file__).resolve().parents[2]

# -- a user's section: about 30 lines ------------------------------------------------


@dataclass(frozen=True)
class LeakageResult(SectionResult):
    """Features whose correlation with the target is suspiciously high."""

    suspicious: tuple[str, ...]
    max_correlation: float | None
    note: str


def leakage_findings(result: LeakageResult, policy: Policy) -> list[Finding]:
    limit = policy.custom.get("leakage", {}).get("max_correlation", 0.95)
    bad = result.max_correlation is not None and result.max_correlation > limit
    return [Finding(check="leakage.max_correlation", section="leakage", status=Status.FAIL if bad else Status.PASS,
                    title="Possible target leakage" if bad else "No sign of target leakage",
                    message=f"The largest correlation with the target is {result.max_correlation:.2f}.",
                    value=result.max_correlation, threshold=limit, comparison="<=")]


@dataclass(frozen=True)
class LeakageSection(Section):
    name = "leakage"
    title = "Target leakage <check>"
    result_type = LeakageResult
    findings = leakage_findings
    after = ("performance",)
    threshold: float = 0.9

    def compute(self, ctx):
        corr = ctx.X.select_dtypes("number").corrwith(pd.Series(ctx.y_true.astype(float), index=ctx.X.index)).abs()
        ran_after = ctx.result("performance") is not None
        return LeakageResult(suspicious=tuple(c for c, v in corr.items() if v > self.threshold),
                             max_correlation=float(corr.max()), note=f"<b>after performance: {ran_after}</b>")


# ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def user_audit(binary_data, binary_pipeline):
    X, y = binary_data
    X = X.assign(leak=y.to_numpy() + 0.01 * X["num_0"].to_numpy())
    model = _Dropping(binary_pipeline, "leak")
    return Auditor(model, X, y, n_bootstrap=20, sections=[LeakageSection(threshold=0.8), "performance"]).run()


class _Dropping:
    """A model that ignores one column (so the leaky column can sit in X)."""

    def __init__(self, model, column):
        self.model, self.column = model, column
        self.classes_ = model.classes_
        self.feature_names_in_ = [c for c in model.feature_names_in_]

    def predict(self, X):
        return self.model.predict(X)

    def predict_proba(self, X):
        return self.model.predict_proba(X)


def test_every_builtin_section_is_declared_once_and_agrees():
    specs = {s.name: s for s in section_specs()}
    for cls in BUILTIN_SECTIONS:
        spec = specs[cls.name]
        assert spec.builtin and spec.owner.endswith(cls.__qualname__)
        assert dataclasses.is_dataclass(spec.result_type) and issubclass(spec.result_type, SectionResult)
        # the view and the template it declares exist and agree with the codec's name for its result
        assert callable(resolve(spec.view)), spec.name
        assert (default_template_dir() / spec.template).is_file(), spec.template
        assert result_type_name(spec.result_type).startswith("auditor.results.")
        assert spec.title and spec.topic
    assert [c.name for c in BUILTIN_SECTIONS] == [
        "performance", "data_quality", "drift", "fairness", "importance", "shap", "lime", "agreement"]
    # a section whose checks a gate relies on fails INCONCLUSIVE; explanations only WARN
    assert {n: specs[n].failure_status for n in ("performance", "data_quality", "drift", "fairness", "shap", "agreement")} == {
        "performance": Status.INCONCLUSIVE, "data_quality": Status.INCONCLUSIVE, "drift": Status.INCONCLUSIVE,
        "fairness": Status.INCONCLUSIVE, "shap": Status.WARN, "agreement": Status.WARN}


def test_no_other_list_names_the_sections():
    # the four hand-kept lists the registry replaced must not come back
    text = "\n".join(p.read_text() for p in (ROOT / "auditor").rglob("*.py"))
    for old in ("SECTION_VIEWS", "SECTION_TITLES", "_RESULT_FIELDS", "_JUDGED", "_NOT_SECTIONS"):
        assert old not in text, old


def test_run_order_follows_after_and_report_order_follows_the_registry():
    order = [s.name for s in run_order([cls() for cls in BUILTIN_SECTIONS])]
    assert order.index("shap") < order.index("fairness") and order.index("lime") < order.index("agreement")
    assert order.index("importance") < order.index("agreement")
    # drift weighs each feature's change by the explanations' importances
    assert order.index("importance") < order.index("drift") and order.index("shap") < order.index("drift")


def test_an_after_cycle_is_an_error():
    @dataclass(frozen=True)
    class R(SectionResult):
        n: int

    class A(Section):
        name = "cycle_a"
        title = "A"
        result_type = R
        after = ("cycle_b",)

    class B(Section):
        name = "cycle_b"
        title = "B"
        result_type = R
        after = ("cycle_a",)

    with pytest.raises(ValueError, match="cycle"):
        Auditor.from_predictions([0, 1], [0, 1], sections=[A(), B()])


def test_user_section_appears_in_json_html_and_round_trips(user_audit):
    r = user_audit
    assert list(r.sections) == ["performance", "leakage"]  # built-ins first, then yours
    assert r.leakage.suspicious == ("leak",) and r.leakage.max_correlation > 0.99
    assert r.leakage.note == "<b>after performance: True</b>"  # it ran after the section it declared
    d = json.loads(r.to_json())
    assert d["sections"]["leakage"]["suspicious"] == ["leak"]
    cfg = r.config.section("leakage")
    assert cfg.options == {"threshold": 0.8} and cfg.result_type.endswith(":LeakageResult")
    # its findings are judged like the built-in ones
    finding = next(f for f in r.findings if f.section == "leakage")
    assert finding.status is Status.FAIL and r.verdict is Status.FAIL
    # a chapter with its title, its strings escaped by the generic template
    html = render_html(r)
    assert 'id="leakage"' in html and "Target leakage &lt;check&gt;" in html
    assert "&lt;b&gt;after performance: True&lt;/b&gt;" in html and "<b>after performance" not in html
    view = build_view(r, figures=False)
    chapter = next(v for v in view["sections"] if v["id"] == "leakage")
    rows = {row["label"]: row["value"] for b in chapter["blocks"] for row in b.get("rows", []) if isinstance(row, dict)}
    assert rows["Suspicious"] == "leak" and rows["Max correlation"] == f"{r.leakage.max_correlation:.3f}"
    # and back, typed, in the same process
    back = AuditResult.from_json(r.to_json())
    assert back == r and isinstance(back.leakage, LeakageResult)


def test_user_thresholds_live_in_the_policy_and_rejudge(user_audit):
    lenient = Policy(custom={"leakage": {"max_correlation": 1.0}})
    again = rejudge(user_audit, lenient)
    finding = next(f for f in again.findings if f.section == "leakage")
    assert finding.status is Status.PASS and finding.threshold == 1.0
    assert again.sections == user_audit.sections


def test_a_taken_name_is_a_clear_error():
    @dataclass(frozen=True)
    class R(SectionResult):
        n: int

    with pytest.raises(SectionRegistryError, match="'performance' .* already taken by the built-in section"):
        class MyPerformance(Section):
            name = "performance"
            title = "Mine"
            result_type = R

    with pytest.raises(SectionRegistryError, match="'leakage' .* already taken"):
        class OtherLeakage(Section):
            name = "leakage"
            title = "Another"
            result_type = R


def test_the_same_name_twice_in_one_audit_is_an_error():
    with pytest.raises(ValueError, match=r"Expected each section name once. Got \['leakage'\]"):
        Auditor.from_predictions([0, 1], [0, 1], sections=[LeakageSection(), LeakageSection(threshold=0.5)])


def test_a_declaration_must_be_complete():
    with pytest.raises(SectionRegistryError, match="to declare"):
        class NoResult(Section):
            name = "no_result"
            title = "x"

    with pytest.raises(SectionRegistryError, match="identifier"):
        @dataclass(frozen=True)
        class R(SectionResult):
            n: int

        class BadName(Section):
            name = "has space"
            title = "x"
            result_type = R


def test_compute_must_return_the_declared_type(binary_data, binary_pipeline):
    @dataclass(frozen=True)
    class R(SectionResult):
        n: int

    class Wrong(Section):
        name = "wrong_type"
        title = "Wrong"
        result_type = R

        def compute(self, ctx):
            return {"n": 1}

    X, y = binary_data
    r = Auditor(binary_pipeline, X, y, n_bootstrap=0, sections=[Wrong()]).run()
    assert r.failures[0].error_type == "TypeError" and "to return a R" in r.failures[0].message
    assert r.findings[0].status is Status.WARN  # no checks declared: its failure is a warning


def test_an_archive_without_the_class_keeps_the_section_as_data(user_audit, tmp_path):
    path = user_audit.save(tmp_path / "audit.json")
    code = (
        "import sys, json; from auditor import AuditResult; from auditor.render import render_html, build_view; "
        f"r = AuditResult.from_json({str(path)!r}); "
        "s = r.sections['leakage']; "
        "print(type(s).__name__, s.data['suspicious'], r.warnings[-1].source); "
        "html = render_html(r); print('Target leakage &lt;check&gt;' in html, 'is not available' in html); "
        "print(json.loads(r.to_json())['sections']['leakage'] == json.load(open(sys.argv[1]))['sections']['leakage']); "
        "print(sorted({f.check for f in r.findings if f.section == 'leakage'}))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "UnreadSection ('leak',) archive"
    assert lines[1] == "True True"
    assert lines[2] == "True"  # written back exactly as stored
    assert lines[3] == "['leakage.max_correlation']"  # its stored findings are kept


def test_unread_section_keeps_its_findings_on_rejudge(user_audit):
    unread = dataclasses.replace(
        user_audit,
        sections={**user_audit.sections, "leakage": UnreadSection(result_type="x:Y", data={"suspicious": ("leak",)})},
    )
    again = rejudge(unread, Policy(custom={"leakage": {"max_correlation": 1.0}}))
    finding = next(f for f in again.findings if f.section == "leakage")
    assert finding.status is Status.FAIL  # not re-derivable: the stored finding stands


def test_every_builtin_result_round_trips(adult_like_result):
    back = AuditResult.from_json(adult_like_result.to_json())
    assert back == adult_like_result
    for name, res in back.sections.items():
        assert type(res) is section_spec(name).result_type
    assert set(back.sections) == {c.name for c in BUILTIN_SECTIONS}


@pytest.fixture(scope="module")
def adult_like_result(binary_data):
    from sklearn.ensemble import HistGradientBoostingClassifier

    from auditor import DriftSection, LimeSection, ShapSection

    X, y = binary_data
    X = X.drop(columns=["colour"])
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X.drop(columns=["group"]), y)
    return Auditor(model, X.iloc[:400], y.iloc[:400], X_reference=X.iloc[400:], y_reference=y.iloc[400:],
                   sensitive_features=["group"], n_bootstrap=20, n_jobs=1,
                   sections=["performance", "data_quality", DriftSection(n_resamples=20, domain_splits=3, min_group_rows=30),
                             "fairness", "importance", ShapSection(n_bootstrap=10),
                             LimeSection(max_auto_rows=2, num_samples=200), "agreement"]).run()


def test_a_v1_archive_is_upgraded_with_its_numbers():
    path = Path(__file__).resolve().parents[1] / "results" / "data" / "audit_v1.json"
    old = json.loads(path.read_text())
    r = AuditResult.from_json(path)
    assert r.schema_version == "2.1" and r.config.confidence_level == 0.95
    assert r.config.section("fairness").options == {"min_group_size": 30, "reference_groups": {}}
    assert r.performance.metric("roc_auc").estimate.value == next(
        m["estimate"]["value"] for m in old["performance"]["metrics"] if m["key"] == "roc_auc")
    assert r.fairness.groupings[0].groups[0].metrics["selection_rate"].value == (
        old["fairness"]["groupings"][0]["groups"][0]["metrics"]["selection_rate"]["value"])
    assert r.verdict.value == old["verdict"] and len(r.findings) == len(old["findings"])
    assert "confidence_level" not in json.loads(r.to_json())["policy"]
    render_html(r)  # and it renders
