"""The engines stay pure: no rendering, plotting, CLI or section imports, and
results that do not depend on row order."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np

import auditor
from auditor.drift import estimate_performance, group_drift

FORBIDDEN = ("auditor.render", "auditor.plots", "auditor.cli", "auditor.sections")


def test_engines_import_nothing_forbidden():
    root = Path(auditor.__file__).parent
    for package in ("drift", "quality"):
        for path in (root / package).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                for name in names:
                    assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


def test_cbpe_does_not_depend_on_row_order():
    rng = np.random.default_rng(0)
    s_ref, s = rng.random(3000), rng.beta(2, 3, 2000)
    y_ref = (rng.random(3000) < s_ref).astype(int)
    p, q = rng.permutation(2000), rng.permutation(3000)
    for metric in ("accuracy", "roc_auc"):
        a = estimate_performance(s, y_ref, s_ref, metric=metric, n_resamples=100, random_state=1)
        b = estimate_performance(s[p], y_ref[q], s_ref[q], metric=metric, n_resamples=100, random_state=1)
        assert a == b


def test_group_drift_does_not_depend_on_row_order(adult_train, adult_test):
    a = group_drift(adult_test.X, adult_train.X, adult_test.X["sex"], adult_train.X["sex"], features=["age", "race"])
    p = np.random.default_rng(0).permutation(len(adult_test.X))
    X = adult_test.X.iloc[p].reset_index(drop=True)
    b = group_drift(X, adult_train.X, X["sex"], adult_train.X["sex"], features=["age", "race"])
    assert a == b
