"""Shared fixtures: small real-shaped datasets and fitted models.

Models are fitted once per session; tests must not mutate them (several tests
assert that auditing leaves a model unchanged).
"""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def adult_demo():
    """The reference Adult pipeline and its 16,281 held-out rows (trained once)."""
    from auditor.demo import make_demo

    return make_demo("adult")


@pytest.fixture(scope="session")
def adult_demo_run(tmp_path_factory):
    """``auditor demo`` on Adult run once per session, with its PDF: the files a
    new user gets first (the demo's chapters and the page budget read them)."""
    from auditor.cli import EXIT_OK, main

    d = tmp_path_factory.mktemp("adult-demo")
    html, pdf = d / "adult.html", d / "adult.pdf"
    assert main(["demo", "--out", str(html), "--pdf", str(pdf), "-q"]) == EXIT_OK
    return html, d / "adult.json", pdf
