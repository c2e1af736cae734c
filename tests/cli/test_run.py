"""``auditor run``: outputs, exit codes as a gate, and input errors as exit 2 with
a message that names the problem (never a traceback)."""

from __future__ import annotations

import json

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io as sio

from auditor import AuditResult, Status
from auditor.cli import EXIT_FAIL, EXIT_OK, EXIT_USAGE, main
from auditor.render import render_html
from tests.helpers import NO_FAIRNESS_TOML


@pytest.fixture(scope="module")
def ws(tmp_path_factory, binary_data, binary_pipeline):
    """A folder with a data CSV (target 'outcome', sensitive 'group'), the model as
    skops and joblib, and lenient/strict configurations."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    d = tmp_path_factory.mktemp("cli")
    X, y = binary_data
    frame = X.copy()
    frame["outcome"] = y
    frame.to_csv(d / "data.csv", index=False)
    frame.to_parquet(d / "data.parquet")
    sio.dump(binary_pipeline, d / "model.skops")
    joblib.dump(binary_pipeline, d / "model.joblib")
    hgb = HistGradientBoostingClassifier(max_iter=5).fit(X[[f"num_{i}" for i in range(5)]], y)
    sio.dump(hgb, d / "hgb.skops")
    (d / "lenient.toml").write_text("[audit]\nn_bootstrap = 50\n[policy.performance]\nmin_roc_auc = 0.5\n" + NO_FAIRNESS_TOML)
    (d / "strict.toml").write_text("[audit]\nn_bootstrap = 50\n[policy.performance]\nmin_roc_auc = 0.999\n")
    return d


def _run(ws, *extra, config="lenient.toml", model="model.skops", data="data.csv"):
    argv = ["run", "--model", str(ws / model), "--data", str(ws / data), "--target", "outcome", "--sensitive", "group"]
    if config:
        argv += ["--config", str(ws / config)]
    return main(argv + [str(x) for x in extra])


def test_writes_html_pdf_json_and_passes_with_a_lenient_policy(ws, tmp_path, capsys):
    out, pdf, js = tmp_path / "r.html", tmp_path / "r.pdf", tmp_path / "r.json"
    code = _run(ws, "--out", out, "--pdf", pdf, "--json", js, "--model-name", "Churn model")
    captured = capsys.readouterr()
    assert code == EXIT_OK, captured.err
    result = AuditResult.from_json(js)
    assert result.verdict is Status.PASS and result.policy.performance.min_roc_auc == 0.5
    assert result.config.n_bootstrap == 50 and result.summary.model_name == "Churn model"
    assert result.summary.dataset_name == "data.csv" and result.summary.sensitive_features == ("group",)
    assert out.read_text(encoding="utf-8") == render_html(result)
    assert pdf.read_bytes().startswith(b"%PDF-")
    # the summary on stdout: verdict, every finding's sentence, the paths
    assert "Verdict: PASS" in captured.out
    for f in result.findings:
        assert f.title in captured.out
    assert f"Wrote {js}" in captured.out and "exit code 0" in captured.out
    assert "performance" in captured.err  # progress went to stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.json", "r.pdf"]


def test_a_strict_policy_fails_the_gate(ws, tmp_path, capsys):
    code = _run(ws, "--json", tmp_path / "r.json", config="strict.toml")
    out = capsys.readouterr().out
    assert code == EXIT_FAIL
    assert "Verdict: FAIL" in out and "[FAIL]" in out and "exit code 1" in out
    assert AuditResult.from_json(tmp_path / "r.json").verdict is Status.FAIL


def test_inconclusive_fails_only_when_asked(ws, tmp_path, capsys):
    _run(ws, "--json", tmp_path / "a.json")
    auc = AuditResult.from_json(tmp_path / "a.json").performance.metric("roc_auc").estimate
    (tmp_path / "edge.toml").write_text(f"[audit]\nn_bootstrap = 50\n[policy.performance]\nmin_roc_auc = {auc.value}\n")
    assert _run(ws, config=tmp_path / "edge.toml") == EXIT_OK
    assert "Verdict: INCONCLUSIVE" in capsys.readouterr().out
    assert _run(ws, "--fail-on-inconclusive", config=tmp_path / "edge.toml") == EXIT_FAIL


@pytest.mark.parametrize(
    "flag, value, message",
    [
        ("--target", "outcom", "Column 'outcom' (--target) is not in"),
        ("--sensitive", "gruop", "Column 'gruop' (--sensitive) is not in"),
    ],
)
def test_a_bad_column_exits_2_naming_it(ws, tmp_path, capsys, flag, value, message):
    argv = ["run", "--model", str(ws / "model.skops"), "--data", str(ws / "data.csv"), "--target", "outcome",
            "--sensitive", "group", "--json", str(tmp_path / "r.json")]
    argv[argv.index(flag) + 1] = value
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err and "Did you mean" in err and "Traceback" not in err
    assert not (tmp_path / "r.json").exists()


def test_outputs_are_checked_before_the_audit(ws, tmp_path, capsys, monkeypatch):
    existing = tmp_path / "r.html"
    existing.write_text("old")

    def no_audit(*a, **k):
        raise AssertionError("the audit must not start")

    monkeypatch.setattr("auditor.auditor.Auditor.run", no_audit)
    for argv, message in (
        (("--out", existing), "already exists; pass --force"),
        (("--out", tmp_path / "r.txt"), "Expected --out to end in .html"),
        (("--pdf", tmp_path / "missing" / "r.pdf"), "Expected the folder of --pdf"),
        (("--json", ws / "data.csv"), "Expected --json to end in .json"),
        (("--out", tmp_path / "a.html", "--json", tmp_path / "a.html"), "Expected --json to end in .json"),
        (("--out", tmp_path / "x.html", "--template-dir", tmp_path / "nope"), "Expected --template-dir"),
    ):
        assert _run(ws, *argv) == EXIT_USAGE
        assert message in capsys.readouterr().err
    assert existing.read_text() == "old"
    monkeypatch.undo()
    assert _run(ws, "--out", existing, "--force") == EXIT_OK
    assert existing.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_pickles_need_explicit_trust(ws, capsys):
    assert _run(ws, model="model.joblib") == EXIT_USAGE
    err = capsys.readouterr().err
    assert "runs code stored in it" in err and "--trust-model-file" in err
    assert _run(ws, "--trust-model-file", model="model.joblib") == EXIT_OK


def test_untrusted_skops_types_are_listed_and_can_be_trusted(ws, capsys):
    untrusted = sio.get_untrusted_types(file=ws / "hgb.skops")
    assert untrusted
    assert _run(ws, model="hgb.skops") == EXIT_USAGE
    err = capsys.readouterr().err
    for t in untrusted:
        assert t in err and f"--trust-type {t}" in err
    trust = [x for t in untrusted for x in ("--trust-type", t)]
    assert _run(ws, *trust, model="hgb.skops") == EXIT_OK


def test_help_explains_the_pickle_risk(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--help"])
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "RUNS CODE stored in the file" in text and "skops" in text


@pytest.mark.parametrize(
    "toml, message",
    [
        ("[audit]\nn_bootstap = 10\n", "Unknown key(s) ['n_bootstap'] in [audit]"),
        ("[audti]\n", "Unknown table(s) or key(s) ['audti']"),
        ("[policy.performance]\nmin_roc = 0.7\n", "Unknown key(s) ['min_roc']"),
        ("[audit]\nn_bootstrap = 'many'\n", "Expected audit.n_bootstrap"),
        ("[sections.nope]\nx = 1\n", "Unknown section(s) ['nope']"),
        ("[sections.performance]\nbins = 3\n", "Unknown option(s) ['bins'] in [sections.performance]"),
        ("[audit]\nsections = ['performance', 'nope']\n", "Unknown section(s) ['nope']"),
        ("[audit]\nrandom_state = -1\n", "random_state"),
        ("not toml = = 1", "is not valid TOML"),
        ("[report]\npage_size = 'A3'\n", "page_size"),
    ],
)
def test_config_errors_exit_2_with_the_key(ws, tmp_path, capsys, toml, message):
    (tmp_path / "c.toml").write_text(toml)
    assert _run(ws, config=tmp_path / "c.toml") == EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_config_file_sets_data_audit_and_section_options(ws, tmp_path, capsys):
    frame = pd.read_csv(ws / "data.csv")
    frame["w"] = np.where(frame["group"] == "minority", 2.0, 1.0)
    frame["row_id"] = np.arange(len(frame))
    frame.to_csv(tmp_path / "data.csv", index=False)
    (tmp_path / "c.toml").write_text(
        "[data]\ntarget = 'outcome'\nsensitive = ['group']\nsample_weight = 'w'\ndrop = ['row_id']\n"
        "[audit]\nn_bootstrap = 20\nrandom_state = 7\npos_label = 0\nmodel_name = 'From config'\n"
        "[sections.performance]\nn_calibration_bins = 5\n"
        "[report]\ntemplate_dir = 'brand'\n"
    )
    (tmp_path / "brand" / "styles").mkdir(parents=True)
    (tmp_path / "brand" / "styles" / "custom.css").write_text(".auditor-report { --accent: #4b0082; }")
    argv = ["run", "--model", str(ws / "model.skops"), "--data", str(tmp_path / "data.csv"),
            "--config", str(tmp_path / "c.toml"), "--json", str(tmp_path / "r.json"), "--random-state", "3",
            "--out", str(tmp_path / "r.html")]
    assert main(argv) == EXIT_OK, capsys.readouterr().err
    r = AuditResult.from_json(tmp_path / "r.json")
    assert r.summary.pos_label == "0" and r.summary.sample_weight and r.summary.model_name == "From config"
    assert "row_id" not in r.summary.feature_names and "w" not in r.summary.feature_names
    assert r.config.random_state == 3 and r.config.n_bootstrap == 20  # the flag wins over the file
    assert len(r.performance.calibration[0].bin_edges) == 6
    assert "#4b0082" in (tmp_path / "r.html").read_text(encoding="utf-8")  # template_dir relative to the file


@pytest.mark.parametrize(
    "content, message",
    [(b"", "Could not read --data file"), (b"\xff\xfe\x00garbage\x00\xff", "Could not read --data file"),
     (b"a,b\n", "Expected rows")],
)
def test_unreadable_data_exits_2(ws, tmp_path, capsys, content, message):
    (tmp_path / "bad.csv").write_bytes(content)
    assert main(["run", "--model", str(ws / "model.skops"), "--data", str(tmp_path / "bad.csv"), "--target", "outcome"]) == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_missing_files_and_unknown_formats_exit_2(ws, tmp_path, capsys):
    for model, data, message in (
        ("nope.skops", "data.csv", "Expected the --model file"),
        ("model.skops", "nope.csv", "Expected the --data file"),
        ("model.skops", "lenient.toml", "Expected --data to be a CSV or Parquet"),
        ("lenient.toml", "data.csv", "Expected --model to be a skops file"),
    ):
        assert _run(ws, model=model, data=data) == EXIT_USAGE
        assert message in capsys.readouterr().err
    (tmp_path / "bad.skops").write_bytes(b"not a zip")
    assert main(["run", "--model", str(tmp_path / "bad.skops"), "--data", str(ws / "data.csv"), "--target", "outcome"]) == EXIT_USAGE
    assert "Could not read the skops file" in capsys.readouterr().err


def test_parquet_data(ws, tmp_path):
    assert _run(ws, "--json", tmp_path / "r.json", data="data.parquet") == EXIT_OK
    assert AuditResult.from_json(tmp_path / "r.json").summary.n_rows == 600


def test_validation_errors_of_the_audit_exit_2(ws, tmp_path, capsys):
    frame = pd.read_csv(ws / "data.csv")
    frame.loc[3, "group"] = None
    frame.to_csv(tmp_path / "nan.csv", index=False)
    assert _run(ws, data=tmp_path / "nan.csv") == EXIT_USAGE
    err = capsys.readouterr().err
    assert "Cannot audit these inputs" in err and "group" in err and "Traceback" not in err
    assert _run(ws, "--pos-label", "yes") == EXIT_USAGE
    assert "Expected --pos-label to be one of the target's values ['0', '1']" in capsys.readouterr().err


def test_quiet_prints_only_the_verdict(ws, tmp_path, capsys):
    assert _run(ws, "-q", "--json", tmp_path / "q.json") == EXIT_OK
    captured = capsys.readouterr()
    findings = AuditResult.from_json(tmp_path / "q.json").findings
    assert findings and all(f.status is Status.PASS for f in findings)
    assert captured.out.strip() == f"Verdict: PASS ({len(findings)} PASS)"
    assert captured.err == ""


def test_json_is_reproducible(ws, tmp_path):
    _run(ws, "--json", tmp_path / "a.json")
    _run(ws, "--json", tmp_path / "b.json")
    a, b = (json.loads((tmp_path / n).read_text()) for n in ("a.json", "b.json"))
    for d in (a, b):
        d["provenance"].pop("created_at")
    assert a == b


def test_model_card_from_the_config_reaches_html_pdf_and_json(ws, tmp_path, capsys):
    import io

    from pypdf import PdfReader

    cfg = tmp_path / "card.toml"
    cfg.write_text(
        (ws / "lenient.toml").read_text()
        + '[model_card]\nowners = ["Churn analytics"]\nintended_use = "Retention offers <i>only</i>"\n'
    )
    out, pdf, js = tmp_path / "r.html", tmp_path / "r.pdf", tmp_path / "r.json"
    argv = ["run", "--model", str(ws / "model.skops"), "--data", str(ws / "data.csv"), "--target", "outcome",
            "--sensitive", "group", "--config", str(cfg), "--sections", "performance",
            "--out", str(out), "--pdf", str(pdf), "--json", str(js)]
    assert main(argv) == EXIT_OK, capsys.readouterr().err
    result = AuditResult.from_json(js)
    assert result.model_card.intended_use == "Retention offers <i>only</i>"
    html = out.read_text(encoding="utf-8")
    assert "Retention offers &lt;i&gt;only&lt;/i&gt;" in html and "<i>only</i>" not in html
    assert "Not stated: overview, version" in html
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages[:3])
    assert "Retention offers <i>only</i>" in " ".join(text.split()) and "Not stated" in text


def test_model_card_file_next_to_the_config(ws, tmp_path, capsys):
    (tmp_path / "card.yaml").write_text("intended_use: Retention offers\nlimitations: [Trained on 2025 only]\n")
    cfg = tmp_path / "audit.toml"
    cfg.write_text((ws / "lenient.toml").read_text() + '[model_card]\nfile = "card.yaml"\n')
    js = tmp_path / "r.json"
    argv = ["run", "--model", str(ws / "model.skops"), "--data", str(ws / "data.csv"), "--target", "outcome",
            "--config", str(cfg), "--sections", "performance", "--json", str(js)]
    assert main(argv) == EXIT_OK, capsys.readouterr().err
    assert AuditResult.from_json(js).model_card.limitations == ("Trained on 2025 only",)
    cfg.write_text('[model_card]\nintended_uses = "typo"\n')
    assert main(argv + ["--force"]) == EXIT_USAGE
    assert "Unknown key(s) ['intended_uses'] in [model_card]" in capsys.readouterr().err
