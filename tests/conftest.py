"""Shared fixtures: small real-shaped datasets and fitted models.

Models are fitted once per session; tests must not mutate them (several tests
assert that auditing leaves a model unchanged).
"""

from __future__ import annotations

import os

# One native thread per OpenMP / BLAS pool in the test processes (and the
# subprocesses, notebook kernels and loky workers they start, which inherit the
# environment). The suite's models are small and called many times: on a busy
# 2-core machine each call of a multi-threaded HistGradientBoosting or BLAS
# kernel waits for spinning threads the OS has descheduled, which made
# tests/explain/test_permutation.py take 53 s instead of 6 s. Results do not
# depend on it (HGB and TreeSHAP are deterministic in the thread count; joblib's
# n_jobs is untouched); set the variables to override.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def binary_data():
    """600 rows: numeric features, a string categorical, a sensitive column."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=600, n_features=5, n_informative=3, random_state=0)
    frame = pd.DataFrame(X, columns=[f"num_{i}" for i in range(5)])
    rng = np.random.default_rng(0)
    frame["colour"] = pd.Series(rng.choice(["red", "green", "blue"], size=600), dtype="object")
    frame["group"] = np.where(rng.random(600) < 0.3, "minority", "majority")
    return frame, pd.Series(y, name="outcome")


@pytest.fixture(scope="session")
def binary_pipeline(binary_data):
    """One-hot + logistic regression on every column but the sensitive one."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    X, y = binary_data
    pre = ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore"), ["colour"]), ("num", StandardScaler(), [f"num_{i}" for i in range(5)])]
    )
    model = Pipeline([("pre", pre), ("clf", LogisticRegression(max_iter=1000))])
    model.fit(X.drop(columns=["group"]), y)
    return model


@pytest.fixture(scope="session")
def wine():
    from sklearn.datasets import load_wine
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_wine(return_X_y=True, as_frame=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=0.05)).fit(X, y)
    return model, X, y


@pytest.fixture(scope="session")
def diabetes():
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    return Ridge(alpha=1.0).fit(X, y), X, y


class _Demos:
    """``auditor.demo.make_demo``, each (dataset, seed) trained once per session.

    make_demo is deterministic, so the cached setup is the one a fresh call
    returns; an Adult fit alone takes 10-20 s and a dozen tests audit it. The
    setups are shared: a test copies ``X_test`` before changing it and never
    refits the model; :meth:`check_unchanged` (run when the session ends) fails
    if one did.
    """

    def __init__(self):
        import auditor.demo

        self._cache = {}
        self._make_demo = auditor.demo.make_demo  # the real one, before a test patches it with this cache

    def __call__(self, dataset="adult", *, random_state=0):
        key = (dataset, random_state)
        if key not in self._cache:
            setup = self._make_demo(dataset, random_state=random_state)
            self._cache[key] = setup, _fingerprint(setup)
        return self._cache[key][0]

    def check_unchanged(self):
        changed = [key for key, (setup, before) in self._cache.items() if _fingerprint(setup) != before]
        assert not changed, f"a test changed the shared demo setup(s) {changed}: copy before changing"


def _fingerprint(setup) -> str:
    import joblib

    return joblib.hash((setup.model, setup.X_test, setup.y_test, setup.X_reference, setup.y_reference))


@pytest.fixture(scope="session")
def demos():
    """make_demo with a session cache: ``demos("german")`` (see :class:`_Demos`)."""
    cache = _Demos()
    yield cache
    cache.check_unchanged()


@pytest.fixture
def cached_make_demo(demos, monkeypatch):
    """``auditor demo`` and other callers of ``auditor.demo.make_demo`` get the
    session's setups instead of training them again (same arguments, same setup)."""
    import auditor.demo

    monkeypatch.setattr(auditor.demo, "make_demo", demos)
    return demos


@pytest.fixture(scope="session")
def adult_demo(demos):
    """The reference Adult pipeline and its 16,281 held-out rows (trained once)."""
    return demos("adult")


@pytest.fixture(scope="session")
def adult_demo_run(tmp_path_factory, demos):
    """``auditor demo`` on Adult run once per session, with its PDF: the files a
    new user gets first (the demo's chapters and the page budget read them).
    Its model is the session's Adult pipeline (make_demo is deterministic).

    Under pytest-xdist the workers share one run: the first to need it writes the
    files into the run's common temporary folder, the others wait for them (the
    full Adult audit and its PDF are the suite's most expensive fixture).
    """
    import auditor.demo
    from auditor.cli import EXIT_OK, main

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # one folder per run, above each worker's own
    d = base / "adult-demo"
    html, pdf, done, failed = d / "adult.html", d / "adult.pdf", d / "done", d / "failed"
    try:
        d.mkdir()  # atomic: exactly one process runs the demo
    except FileExistsError:
        _wait_for(done, failed)
    else:
        try:
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(auditor.demo, "make_demo", demos)
                code = main(["demo", "--out", str(html), "--pdf", str(pdf), "-q"])
            assert code == EXIT_OK
        except BaseException as exc:
            failed.write_text(repr(exc), encoding="utf-8")
            raise
        done.touch()
    return html, d / "adult.json", pdf


def _wait_for(done, failed, timeout=3600.0):
    import time

    start = time.monotonic()
    while not done.exists():
        if failed.exists():
            pytest.fail(f"auditor demo failed in another worker: {failed.read_text(encoding='utf-8')}")
        if time.monotonic() - start > timeout:
            pytest.fail(f"waited {timeout:.0f} s for another worker's {done.parent}")
        time.sleep(0.5)


@pytest.fixture(scope="session")
def adult_fairness_audit(adult_demo):
    """The performance and fairness chapters of the Adult pipeline by sex and race
    (200 resamples, default policy), once per session. Sections compute from the
    data, not the policy: a test judging other thresholds rejudges this result.
    AuditResult is frozen, so it can be shared."""
    from auditor import Auditor

    d = adult_demo
    return Auditor(d.model, d.X_test, d.y_test, sensitive_features=["sex", "race"], sections=["performance", "fairness"],
                   n_bootstrap=200, errors="raise").run()
