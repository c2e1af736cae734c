"""The text summary printed by the command line."""

from __future__ import annotations

import pytest

from auditor import Auditor, Status
from auditor.render import render_text
from auditor.render.viewmodel import VERDICT_SENTENCES
from auditor.results import Finding, RecordedWarning, SkippedSection


@pytest.fixture(scope="module")
def result(binary_data, binary_pipeline):
    X, y = binary_data
    return Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=30, model_name="Churn model").run()


def test_text_has_verdict_findings_in_order_and_key_numbers(result):
    findings = (
        Finding(check="a", section="performance", status=Status.PASS, title="A passes", message="All good here."),
        Finding(check="b", section="fairness", status=Status.FAIL, title="B fails", message="Gap too large."),
    )
    r = result.with_findings(findings)
    text = render_text(r)
    assert text.startswith("Model audit: Churn model\n")
    assert f"Verdict: FAIL\n  {VERDICT_SENTENCES[Status.FAIL]}" in text
    assert "Findings (1 FAIL, 1 PASS):" in text
    assert text.index("[FAIL]") < text.index("[PASS]")
    assert "B fails (Fairness across groups)" in text and "A passes (Model performance)" in text
    auc = r.performance.metric("roc_auc").estimate
    assert f"{auc.value:.3f}  95% interval {auc.ci_low:.3f} – {auc.ci_high:.3f}" in text
    assert max(len(line) for line in text.splitlines()) <= 100


def test_text_lists_what_did_not_run(result):
    from dataclasses import replace

    r = replace(result, skipped=(SkippedSection("shap", "needs the model"),),
                warnings=(RecordedWarning("inputs", "pos_label resolved to the last class"),))
    text = render_text(r)
    assert "Analyses not run:\n  - SHAP explanations: needs the model" in text
    assert "Warnings:\n  - inputs: pos_label resolved" in text
