"""``auditor demo`` writes the report, the evidence and, on request, the PDF.

The command's make_demo is the session's cache (``cached_make_demo``): the German
credit model is trained once, not once a test."""

from __future__ import annotations

import pytest

from auditor import AuditResult
from auditor.cli import EXIT_OK, EXIT_USAGE, main


@pytest.mark.slow
def test_demo_writes_html_json_and_pdf(tmp_path, capsys, cached_make_demo):
    out, pdf = tmp_path / "demo.html", tmp_path / "demo.pdf"
    assert main(["demo", "--dataset", "german", "--out", str(out), "--pdf", str(pdf), "-q"]) == EXIT_OK
    assert out.is_file() and pdf.read_bytes().startswith(b"%PDF-")
    result = AuditResult.from_json(tmp_path / "demo.json")
    assert result.summary.dataset_name.startswith("German credit")
    assert f"PDF report: {pdf}" in capsys.readouterr().out
    # the training rows are the reference: both chapters are there
    assert result.summary.n_reference_rows == 700 and {"data_quality", "drift"} <= set(result.sections)


@pytest.mark.slow
def test_demo_says_what_the_audit_found(tmp_path, capsys, cached_make_demo):
    out = tmp_path / "demo.html"
    assert main(["demo", "--dataset", "german", "--out", str(out)]) == EXIT_OK
    result = AuditResult.from_json(tmp_path / "demo.json")
    captured = capsys.readouterr()
    # progress and findings on stderr, the paths written on stdout
    assert result.verdict.value in captured.err
    assert all(f.title in captured.err for f in result.findings if f.status.severity > 0)
    assert captured.out.splitlines() == [f"HTML report: {out}", f"JSON evidence: {tmp_path / 'demo.json'}"]
    # stage progress while it runs: every section is named as it starts
    for stage in ("predict", "performance", "shap", "fairness"):
        assert stage in captured.err
    assert "bootstrap resamples" in captured.err


@pytest.mark.slow
def test_demo_quiet_prints_only_the_paths(tmp_path, capfd, cached_make_demo):
    out = tmp_path / "demo.html"
    assert main(["demo", "--dataset", "german", "--out", str(out), "-q"]) == EXIT_OK
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out.splitlines() == [f"HTML report: {out}", f"JSON evidence: {tmp_path / 'demo.json'}"]


def test_demo_checks_the_pdf_path_first(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "d.html"), "--pdf", str(tmp_path / "d.png")]) == EXIT_USAGE
    assert "Expected --pdf to end in .pdf" in capsys.readouterr().err


@pytest.mark.slow
def test_adult_demo_has_the_data_and_drift_chapters_and_no_drift(adult_demo_run):
    out, evidence, _ = adult_demo_run
    result = AuditResult.from_json(evidence)
    assert result.summary.reference_name == "UCI Adult, training split" and result.summary.n_reference_rows == 32561
    html = out.read_text(encoding="utf-8")
    assert 'id="data_quality"' in html and 'id="drift"' in html
    rule = result.policy.drift.rule()
    assert [f.feature for f in result.drift.features if f.verdict(**rule).drifted] == []
    assert result.drift.importance_source == "shap"  # the SHAP chapter ran before the drift one
