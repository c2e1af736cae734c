"""``auditor run --reference``: the reference data from the command line or the
configuration, audits without labels, and input errors naming the file and column."""

from __future__ import annotations

import textwrap

import pytest
import skops.io as sio

from auditor import AuditResult
from auditor.cli import EXIT_USAGE, main
from tests.helpers import NO_FAIRNESS_TOML


@pytest.fixture(scope="module")
def ws(tmp_path_factory, binary_data, binary_pipeline):
    d = tmp_path_factory.mktemp("cli-ref")
    X, y = binary_data
    frame = X.assign(outcome=y)
    frame.iloc[:300].to_csv(d / "data.csv", index=False)
    frame.iloc[300:].to_csv(d / "train.csv", index=False)
    frame.iloc[:300].drop(columns=["outcome"]).to_csv(d / "unlabelled.csv", index=False)
    frame.iloc[300:].drop(columns=["num_3"]).to_csv(d / "short.csv", index=False)
    sio.dump(binary_pipeline, d / "model.skops")
    (d / "c.toml").write_text(
        "[data]\ntarget = 'outcome'\nsensitive = ['group']\nreference = 'train.csv'\n"
        "[audit]\nn_bootstrap = 0\nsections = ['data_quality', 'drift']\n"
        "[sections.drift]\nn_resamples = 30\ndomain_splits = 3\nmin_group_rows = 50\n" + NO_FAIRNESS_TOML
    )
    return d


def _run(ws, *extra, data="data.csv"):
    argv = ["run", "--model", str(ws / "model.skops"), "--data", str(ws / data), "--config", str(ws / "c.toml")]
    return main(argv + [str(x) for x in extra])


def test_reference_from_the_config_file_relative_to_it(ws, tmp_path, capsys):
    js = tmp_path / "r.json"
    assert _run(ws, "--json", js) in (0, 1), capsys.readouterr().err
    r = AuditResult.from_json(js)
    assert r.summary.reference_name == "train.csv" and r.summary.n_reference_rows == 300
    assert {"data_quality", "drift"} <= set(r.sections) and r.drift.performance
    assert "outcome" not in {f.feature for f in r.drift.features}  # the target is the labels, not a feature


def test_the_flag_wins_over_the_file(ws, tmp_path, capsys):
    other = tmp_path / "other.csv"
    other.write_text((ws / "train.csv").read_text())
    js = tmp_path / "r.json"
    assert _run(ws, "--reference", other, "--json", js) in (0, 1), capsys.readouterr().err
    assert AuditResult.from_json(js).summary.reference_name == "other.csv"


def test_without_labels_the_performance_is_estimated(ws, tmp_path, capsys):
    js = tmp_path / "r.json"
    code = _run(ws, "--json", js, data="unlabelled.csv")
    err = capsys.readouterr().err
    assert code in (0, 1), err
    assert "has no column 'outcome': auditing without labels" in err
    r = AuditResult.from_json(js)
    assert not r.summary.has_labels and r.drift.estimated and r.drift.estimated[0].is_estimate


def test_a_missing_target_without_reference_is_still_an_error(ws, tmp_path, capsys):
    argv = ["run", "--model", str(ws / "model.skops"), "--data", str(ws / "unlabelled.csv"), "--target", "outcome"]
    assert main(argv) == EXIT_USAGE
    assert "Column 'outcome' (--target) is not in" in capsys.readouterr().err


def test_reference_errors_name_the_file_and_column(ws, tmp_path, capsys):
    assert _run(ws, "--reference", ws / "short.csv") == EXIT_USAGE
    err = capsys.readouterr().err
    assert "X_reference without ['num_3']" in err and "Traceback" not in err
    assert _run(ws, "--reference", tmp_path / "nope.csv") == EXIT_USAGE
    assert "--reference file" in capsys.readouterr().err


def test_the_example_configuration_in_help_is_valid(capsys):
    import tomllib

    from auditor.cli._config import config_from_dict

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    block = text.split("example audit.toml:\n", 1)[1].split("\n\n", 1)[0]
    cfg = config_from_dict(tomllib.loads(textwrap.dedent(block)))
    assert cfg.data["reference"] == "train.csv"
    assert cfg.policy.drift.max_top_feature_psi == 0.25 and cfg.policy.data_quality.max_unseen_share == 0.01
