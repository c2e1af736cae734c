"""The model fingerprint: the same for the same model in any process, different for
another fit, blind to memory padding; the CLI adds the model file's SHA-256; diff uses both."""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest
import skops.io as sio
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from auditor._provenance import FINGERPRINT_SCHEME, file_sha256, model_fingerprint
from auditor.diff import diff_results

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.5, size=400) > 0).astype(int)
    return X, y


_PRINT = (
    "import sys; sys.path.insert(0, {root!r}); import skops.io as sio; "
    "from auditor._provenance import model_fingerprint; "
    "m = sio.load({path!r}, trusted=sio.get_untrusted_types(file={path!r})); print(model_fingerprint(m))"
)


def test_the_same_skops_file_gives_the_same_fingerprint_in_two_processes(data, binary_pipeline, tmp_path):
    X, y = data
    for name, model in (("forest", RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)),
                        ("boosting", HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, y)),
                        ("pipeline", binary_pipeline)):
        path = tmp_path / f"{name}.skops"
        sio.dump(model, path)
        code = _PRINT.format(root=str(ROOT), path=str(path))
        runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
                for _ in range(2)]
        assert runs[0] == runs[1] == model_fingerprint(model), name  # and equal to the model before saving
        assert runs[0].startswith(FINGERPRINT_SCHEME + ":")


def test_another_fit_gives_another_fingerprint(data):
    X, y = data
    a = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    b = RandomForestClassifier(n_estimators=5, random_state=1).fit(X, y)
    same_params_other_data = RandomForestClassifier(n_estimators=5, random_state=0).fit(X[:300], y[:300])
    prints = {model_fingerprint(m) for m in (a, b, same_params_other_data)}
    assert len(prints) == 3
    unfitted = RandomForestClassifier(n_estimators=5, random_state=0)
    assert model_fingerprint(unfitted) not in prints
    assert model_fingerprint(None) is None


def test_padding_between_structured_fields_is_not_hashed(data):
    """A tree's nodes are a structured array with padding bytes that hold whatever the
    memory held: joblib.hash reads them, the fingerprint reads the fields only."""
    X, y = data
    tree = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X, y)
    state = tree.tree_.__getstate__()
    nodes = state["nodes"]
    itemsize = nodes.dtype.itemsize
    used = np.zeros(itemsize, dtype=bool)
    for name in nodes.dtype.names:
        dt, offset = nodes.dtype.fields[name][:2]
        used[offset:offset + dt.itemsize] = True
    assert not used.all(), "the node record has padding to poke"
    dirty = nodes.copy()
    raw = dirty.view(np.uint8).reshape(len(dirty), itemsize)
    raw[:, ~used] = 0xAB  # garbage where no field lives
    other = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X, y)
    other.tree_.__setstate__({**state, "nodes": dirty})
    assert np.array_equal(other.predict_proba(X), tree.predict_proba(X))  # the same model
    assert joblib.hash(other) != joblib.hash(tree)  # what made `auditor diff` say "Same model: no"
    assert model_fingerprint(other) == model_fingerprint(tree)


def test_cli_records_the_model_files_sha256_and_diff_uses_both(binary_data, binary_pipeline, tmp_path):
    from auditor import AuditResult
    from auditor.cli import EXIT_OK, main
    from tests.helpers import NO_FAIRNESS_TOML

    X, y = binary_data
    frame = X.copy()
    frame["outcome"] = y
    frame.to_csv(tmp_path / "data.csv", index=False)
    sio.dump(binary_pipeline, tmp_path / "model.skops")
    (tmp_path / "audit.toml").write_text("[audit]\nn_bootstrap = 20\nsections = ['performance']\n"
                                         "[policy.performance]\nmin_roc_auc = 0.5\n" + NO_FAIRNESS_TOML)
    outs = []
    for name in ("a", "b"):
        out = tmp_path / f"{name}.json"
        assert main(["run", "--model", str(tmp_path / "model.skops"), "--data", str(tmp_path / "data.csv"),
                     "--target", "outcome", "--config", str(tmp_path / "audit.toml"), "--json", str(out),
                     "--quiet"]) == EXIT_OK
        outs.append(AuditResult.from_json(out))
    a, b = outs
    expected = hashlib.sha256((tmp_path / "model.skops").read_bytes()).hexdigest()
    assert a.provenance.model_file_sha256 == expected == file_sha256(tmp_path / "model.skops")
    assert a.provenance.model_fingerprint == b.provenance.model_fingerprint == model_fingerprint(binary_pipeline)
    d = diff_results(a, b)
    assert d.same_model is True and "SHA-256" in d.model_basis
    # without the file, the content fingerprint decides
    strip = lambda r, fp: dataclasses.replace(r, provenance=dataclasses.replace(  # noqa: E731
        r.provenance, model_file_sha256=None, model_fingerprint=fp))
    assert diff_results(strip(a, a.provenance.model_fingerprint), strip(b, b.provenance.model_fingerprint)).same_model
    other = diff_results(strip(a, a.provenance.model_fingerprint), strip(b, FINGERPRINT_SCHEME + ":00"))
    assert other.same_model is False and "differ" in other.model_basis
    # an archive with joblib's md5 cannot be compared with the canonical fingerprint
    old = diff_results(strip(a, "md5:" + joblib.hash(binary_pipeline)), strip(b, b.provenance.model_fingerprint))
    assert old.same_model is None and "different kinds" in old.model_basis
