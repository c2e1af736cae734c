"""Every example a user copies runs: the README's code blocks (Python, TOML, the
command line) and the example configuration of ``auditor run --help``.

The examples name ``model``, ``X``, ``y``, ``X_test``, ``y_test`` and files such
as ``test.csv`` and ``model.skops``; the test provides them from a small slice
of the bundled Adult data (a fitted pipeline, rows indexed ``id-0`` ...), runs each
block in a fresh folder, and fails on the first example that does not run.
"""

from __future__ import annotations

import re
import shlex
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: Blocks that set up a machine rather than use the package.
SETUP = ("pip install", "python -m venv", "ruff check")


def blocks(language: str) -> list[str]:
    return [b for lang, b in re.findall(r"```(\w+)\n(.*?)```", README, re.S) if lang == language]


def help_config() -> str:
    from auditor.cli._run import _EPILOG

    text = _EPILOG.split("example audit.toml:\n", 1)[1].split("\n\n", 1)[0]
    return textwrap.dedent(text)


@pytest.fixture(scope="module")
def adult_slice():
    from auditor.datasets import load_adult
    from auditor.demo import make_pipeline_for

    train, test = load_adult(split="train"), load_adult(split="test")
    X_train, y_train = train.X.iloc[:4000], train.y.iloc[:4000]
    model = make_pipeline_for(list(train.categorical_features), list(train.numeric_features), max_iter=30)
    model.fit(X_train, y_train)
    X = test.X.iloc[:1500].copy()
    X.index = [f"id-{i}" for i in range(len(X))]
    y = pd.Series(test.y.iloc[:1500].to_numpy(), index=X.index, name="income")
    return model, X, y, X_train, y_train.rename("income")


@pytest.fixture
def workdir(tmp_path, monkeypatch, adult_slice):
    """A folder holding the files the examples name, as the working directory."""
    import skops.io as sio
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    model, X, y, X_train, y_train = adult_slice
    monkeypatch.chdir(tmp_path)
    cats = [c for c in X.columns if str(X[c].dtype) == "category" and c not in ("sex", "race")]
    nums = [c for c in X.columns if c not in cats and c not in ("sex", "race")]
    # a model skops loads without --trust-type, as the README's command line does
    simple = Pipeline([
        ("pre", ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), cats),
                                   ("num", StandardScaler(), nums)])),
        ("clf", LogisticRegression(max_iter=500)),
    ]).fit(X[cats + nums], y)
    sio.dump(simple, tmp_path / "model.skops")
    X.assign(income=y.to_numpy(), row_id=range(len(X))).to_csv(tmp_path / "test.csv", index=False)
    X_train.assign(income=y_train.to_numpy(), row_id=range(len(X_train))).to_csv(tmp_path / "train.csv", index=False)
    (tmp_path / "audit.toml").write_text(help_config())
    (tmp_path / "branding").mkdir()
    (tmp_path / "policy.toml").write_text(blocks("toml")[0])
    return tmp_path


def test_the_readme_has_examples():
    assert len(blocks("python")) >= 4 and len(blocks("toml")) >= 2 and len(blocks("bash")) >= 3


def test_every_toml_example_is_read(tmp_path):
    from auditor import Policy
    from auditor.cli._config import read_config

    for i, block in enumerate(blocks("toml") + [help_config()]):
        path = tmp_path / f"example{i}.toml"
        path.write_text(block)
        if re.search(r"^\[(data|audit|sections|report|policy|model_card)[.\]]", block, re.M):
            (tmp_path / "branding").mkdir(exist_ok=True)
            read_config(path)  # an audit configuration
        else:
            Policy.from_toml(path)  # a policy file


def test_the_policy_example_used_as_a_config_says_where_its_tables_go(tmp_path):
    from auditor.cli._config import ConfigError, read_config

    path = tmp_path / "policy.toml"
    path.write_text(blocks("toml")[0])
    with pytest.raises(ConfigError, match=r"go under \[policy\] in an audit configuration: write \[policy\.performance\]"):
        read_config(path)


@pytest.mark.slow
def test_every_python_example_runs(workdir, adult_slice, monkeypatch, demos):
    import auditor
    import auditor.demo

    model, X, y, X_train, y_train = adult_slice
    real = demos  # make_demo, each dataset trained once per session (tests/conftest.py)

    def small_demo(dataset="adult", **kw):
        # the quick start's demo, on a slice: the example's code is what is tested
        setup = real(dataset, **kw)
        import dataclasses

        # copies: the session's setup is shared with other tests
        return dataclasses.replace(setup, X_test=setup.X_test.iloc[:1500].copy(), y_test=setup.y_test.iloc[:1500].copy(),
                                   X_reference=setup.X_reference.copy(), y_reference=setup.y_reference.copy())

    monkeypatch.setattr(auditor.demo, "make_demo", small_demo)
    # fewer resamples: the examples' code is under test, not their intervals
    monkeypatch.setitem(auditor.Auditor.__init__.__kwdefaults__, "n_bootstrap", 100)
    for i, block in enumerate(blocks("python")):
        namespace = {"model": model, "X": X, "y": y, "X_test": X, "y_test": y, "X_current": X, "y_current": y,
                     "X_train": X_train, "y_train": y_train, "np": np, "pd": pd}
        try:
            exec(compile(block, f"README python block {i}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"README python block {i} does not run: {type(exc).__name__}: {exc}\n{block}")


@pytest.mark.slow
def test_every_command_line_example_runs(workdir, capsys, cached_make_demo):
    from auditor.cli import main

    commands = [line for block in blocks("bash") for line in block.replace("\\\n", " ").splitlines()
                if line.strip().startswith("auditor ") and not any(s in line for s in SETUP)]
    assert any(c.startswith("auditor run") for c in commands)
    for command in commands:
        argv = shlex.split(command.split("#", 1)[0])[1:]
        if argv[0] == "diff":
            for name in argv[1:3]:
                (workdir / name).write_text((workdir / "audit.json").read_text())
        code = main(argv + (["--force"] if argv[0] in ("run", "render", "demo") and "--force" not in argv
                            and argv[0] != "demo" else []))
        err = capsys.readouterr().err
        assert code in (0, 1), f"`{command}` exited {code}: {err[-2000:]}"
