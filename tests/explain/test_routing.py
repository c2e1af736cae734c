"""Routing by model type, and the output space read off the explainer's totals."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingRegressor, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC, LinearSVC

from auditor.explain._routing import candidate_outputs, match_output_space, route_for, space_name


@pytest.mark.parametrize(
    "est, route",
    [
        (HistGradientBoostingClassifier(), "tree"),
        (RandomForestClassifier(), "tree"),
        (GradientBoostingRegressor(), "tree"),
        (LogisticRegression(), "model-agnostic"),  # unfitted: no coef_ yet
        (MLPClassifier(), "model-agnostic"),
        (SVC(), "model-agnostic"),
    ],
)
def test_route_by_type(est, route):
    assert route_for(est) == route


def test_fitted_linear_models_route_to_the_linear_explainer():
    X = np.random.default_rng(0).normal(size=(50, 3))
    y = (X[:, 0] > 0).astype(int)
    for est in (LogisticRegression().fit(X, y), LinearSVC().fit(X, y), Ridge().fit(X, X[:, 0])):
        assert route_for(est) == "linear"


def test_output_space_is_matched_not_assumed():
    X = np.random.default_rng(0).normal(size=(80, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    hgb = HistGradientBoostingClassifier(max_iter=10).fit(X, y)
    c = candidate_outputs(hgb, X, "binary")
    space, out = match_output_space(c, hgb.decision_function(X)[:, None] + 1e-12)
    assert space == "margin" and space_name(space, c) == "log-odds"
    np.testing.assert_allclose(out[:, 0], hgb.decision_function(X))
    space, out = match_output_space(c, hgb.predict_proba(X))
    assert space == "probability"
