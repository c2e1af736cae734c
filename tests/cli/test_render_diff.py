"""``auditor render`` re-renders an archived audit; ``auditor diff`` compares two."""

from __future__ import annotations

import pytest

from auditor import Auditor, AuditResult, rejudge
from auditor.cli import EXIT_FAIL, EXIT_OK, EXIT_USAGE, main
from auditor.render import render_html
from tests.helpers import lenient_policy


@pytest.fixture(scope="module")
def archived(tmp_path_factory, binary_data, binary_pipeline):
    d = tmp_path_factory.mktemp("archive")
    X, y = binary_data
    lenient = lenient_policy()
    result = Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=30, policy=lenient).run()
    result.save(d / "old.json")
    rejudge(result, lenient_policy(min_roc_auc=0.999)).save(d / "strict.json")
    return d


def test_render_html_and_pdf_from_json(archived, tmp_path, capsys):
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    assert main(["render", str(archived / "old.json"), "--out", str(html), str(pdf)]) == EXIT_OK
    assert html.read_text(encoding="utf-8") == render_html(AuditResult.from_json(archived / "old.json"))
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert f"Wrote {html}" in capsys.readouterr().out
    # an existing output is refused without --force, replaced with it
    assert main(["render", str(archived / "old.json"), "--out", str(html)]) == EXIT_USAGE
    assert "already exists" in capsys.readouterr().err
    assert main(["render", str(archived / "old.json"), "--out", str(html), "--force", "-q"]) == EXIT_OK
    assert capsys.readouterr().out == ""


def test_render_with_a_custom_template(archived, tmp_path):
    (tmp_path / "tpl" / "styles").mkdir(parents=True)
    (tmp_path / "tpl" / "styles" / "custom.css").write_text(".auditor-report { --accent: #4b0082; }")
    out = tmp_path / "r.html"
    assert main(["render", str(archived / "old.json"), "--out", str(out), "--template-dir", str(tmp_path / "tpl")]) == 0
    assert "#4b0082" in out.read_text(encoding="utf-8")


def test_render_errors_exit_2(archived, tmp_path, capsys):
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"schema_version": "9.0"}')
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "_header.html.j2").write_text('<img src="https://example.com/logo.png" alt="logo">')
    (tmp_path / "tpl2").mkdir()
    (tmp_path / "tpl2" / "report.html.j2").write_text("{% if %}")
    cases = (
        (["render", str(tmp_path / "missing.json"), "--out", str(tmp_path / "a.html")], "Expected the AUDIT_JSON file"),
        (["render", str(tmp_path / "bad.json"), "--out", str(tmp_path / "a.html")], "is not a readable audit JSON"),
        (["render", str(tmp_path / "other.json"), "--out", str(tmp_path / "a.html")], "incompatible auditor version"),
        (["render", str(archived / "old.json"), "--out", str(tmp_path / "a.docx")], "Expected --out to end in"),
        (["render", str(archived / "old.json"), "--out", str(tmp_path / "a.pdf"), "--template-dir", str(tmp_path / "tpl")],
         "does not fetch"),
        (["render", str(archived / "old.json"), "--out", str(tmp_path / "a.html"), "--template-dir", str(tmp_path / "tpl2")],
         "do not compile"),
    )
    for argv, message in cases:
        assert main(argv) == EXIT_USAGE, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "a.html").exists()


def test_diff_prints_changes_and_gates_on_regressions(archived, tmp_path, capsys):
    old, strict = str(archived / "old.json"), str(archived / "strict.json")
    assert main(["diff", old, strict]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Verdict: PASS -> FAIL (changed)" in out and "performance.min_roc_auc: PASS -> FAIL" in out
    assert main(["diff", old, strict, "--fail-on-regression", "-q"]) == EXIT_FAIL
    assert capsys.readouterr().out == ""
    assert main(["diff", strict, old, "--fail-on-regression"]) == EXIT_OK
    capsys.readouterr()
    html = tmp_path / "diff.html"
    assert main(["diff", old, strict, "--out", str(html)]) == EXIT_OK
    text = html.read_text(encoding="utf-8")
    assert "got worse" in text and "https://" not in text
    assert main(["diff", old, strict, "--out", str(html)]) == EXIT_USAGE
    assert "already exists" in capsys.readouterr().err
    pdf = tmp_path / "diff.pdf"
    assert main(["diff", old, strict, "--out", str(pdf), "-q"]) == EXIT_OK
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_diff_of_a_missing_file_exits_2(archived, capsys):
    assert main(["diff", str(archived / "old.json"), str(archived / "nope.json")]) == EXIT_USAGE
    assert "Expected the NEW_JSON file" in capsys.readouterr().err
