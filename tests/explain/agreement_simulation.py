"""Simulated audits where LIME and SHAP should agree (additive models) or not (an
interaction), for tests/explain/test_agreement_simulation.py and
bench/bench_explanation_agreement.py."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["KINDS", "simulate"]

#: "logistic" and "linear" are additive: a local linear model can describe them;
#: "interaction" (3 x0 x1) cannot be described by any additive local model.
KINDS = ("logistic", "linear", "interaction")


def simulate(kind: str, seed: int, num_samples: int = 5000, n_rows: int = 1000, n_features: int = 6):
    """One audit of a model of ``kind`` fitted on half the rows, audited on the other half.

    Returns the agreement and LIME results. LIME explains the rows it picks by
    default (the most confident mistakes, overall and per group of a random
    three-level sensitive feature the model does not see).
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LinearRegression, LogisticRegression

    from auditor import AgreementSection, Auditor, LimeSection, ShapSection

    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n_rows, n_features)), columns=[f"x{i}" for i in range(n_features)])
    beta = rng.choice([-1, 1], n_features) * np.linspace(2.0, 0.2, n_features)
    eta = X.to_numpy() @ beta
    half = n_rows // 2
    if kind == "logistic":
        y = (rng.random(n_rows) < 1 / (1 + np.exp(-eta))).astype(int)
        model = LogisticRegression().fit(X[:half], y[:half])
    elif kind == "linear":
        y = eta + rng.normal(size=n_rows)
        model = LinearRegression().fit(X[:half], y[:half])
    elif kind == "interaction":
        eta = 3 * X["x0"].to_numpy() * X["x1"].to_numpy() + 0.3 * X["x2"].to_numpy()
        y = (rng.random(n_rows) < 1 / (1 + np.exp(-eta))).astype(int)
        model = HistGradientBoostingClassifier(max_iter=100, random_state=0).fit(X[:half], y[:half])
    else:
        raise ValueError(f"Expected kind in {KINDS}. Got {kind!r} instead.")
    group = pd.Series(rng.choice(["a", "b", "c"], n_rows), name="group")
    audit = Auditor(model, X[half:].reset_index(drop=True), y[half:],
                    sensitive_features=group[half:].reset_index(drop=True),
                    sections=[ShapSection(), LimeSection(num_samples=num_samples), AgreementSection()],
                    n_bootstrap=0, random_state=seed, n_jobs=1, errors="raise").run()
    return audit.agreement, audit.lime
