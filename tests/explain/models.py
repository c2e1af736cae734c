"""Small data and fitted models shared by the explanation tests (import, do not mutate)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd


@cache
def frame(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Numeric columns, a string categorical that matters, a sensitive column, string labels."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({f"num_{i}": rng.normal(size=n) for i in range(4)})
    X["colour"] = pd.Series(rng.choice(["red", "green", "blue"], size=n), dtype="object")
    X["size"] = pd.Categorical(rng.choice(["S", "M", "L"], size=n), categories=["S", "M", "L"])
    X["group"] = np.where(rng.random(n) < 0.3, "minority", "majority")
    logit = 1.5 * X["num_0"] - X["num_1"] + (X["colour"] == "red") * 1.2 + (X["size"] == "L") * 0.8
    y = np.where(logit + rng.logistic(size=n) > 0.3, "yes", "no")
    return X, y


def pipeline(estimator, X: pd.DataFrame, y, *, scale: bool = False):
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    num = [c for c in X.columns if c.startswith("num_")]
    pre = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["colour", "size"]),
            ("num", StandardScaler() if scale else "passthrough", num),
        ]
    )
    return Pipeline([("pre", pre), ("clf", estimator)]).fit(X.drop(columns=["group"]), y)


@cache
def hgb_pipeline(n: int = 600):
    from sklearn.ensemble import HistGradientBoostingClassifier

    X, y = frame(n)
    return pipeline(HistGradientBoostingClassifier(max_iter=30, random_state=0), X, y)


@cache
def logistic_pipeline():
    from sklearn.linear_model import LogisticRegression

    X, y = frame()
    return pipeline(LogisticRegression(max_iter=1000), X, y, scale=True)


@cache
def rf_pipeline():
    from sklearn.ensemble import RandomForestClassifier

    X, y = frame()
    return pipeline(RandomForestClassifier(n_estimators=20, max_depth=5, random_state=0), X, y)


@cache
def mlp_pipeline():
    from sklearn.neural_network import MLPClassifier

    X, y = frame()
    return pipeline(MLPClassifier((16,), max_iter=500, random_state=0), X, y, scale=True)


def transformed(model, X):
    return model[:-1].transform(X.drop(columns=["group"]))
