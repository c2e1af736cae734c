"""Which SHAP explainer suits a model, and the model's output in each space.

Routing is by the final estimator's type:

- trees and tree ensembles (scikit-learn's trees, forests, gradient boosting
  including HistGradientBoosting, XGBoost, LightGBM, CatBoost) -> exact TreeSHAP;
- linear models (anything with ``coef_`` built on scikit-learn's linear bases) ->
  the exact linear explainer;
- everything else -> a model-agnostic explainer on a sample.

The space an explainer's values live in is not assumed from the model's type: it
is read off by comparing the explainer's totals with each candidate output of the
model (:func:`match_output_space`).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from auditor._private import private_copy

__all__ = ["Route", "route_for", "margin", "output_in_space", "candidate_outputs", "match_output_space", "space_name"]

Route = Literal["tree", "linear", "model-agnostic"]


def _module(est: Any) -> str:
    return type(est).__module__.split(".")[0]


def is_tree_model(est: Any) -> bool:
    from sklearn.ensemble import BaseEnsemble
    from sklearn.ensemble._forest import BaseForest
    from sklearn.ensemble._gb import BaseGradientBoosting
    from sklearn.ensemble._hist_gradient_boosting.gradient_boosting import BaseHistGradientBoosting
    from sklearn.tree import BaseDecisionTree

    if isinstance(est, (BaseDecisionTree, BaseForest, BaseGradientBoosting, BaseHistGradientBoosting)):
        return True
    if isinstance(est, BaseEnsemble):  # bagging, AdaBoost: not supported by TreeSHAP
        return False
    return _module(est) in ("xgboost", "lightgbm", "catboost")


def is_linear_model(est: Any) -> bool:
    from sklearn.linear_model._base import LinearClassifierMixin, LinearModel

    return isinstance(est, (LinearClassifierMixin, LinearModel)) and hasattr(est, "coef_")


def route_for(est: Any) -> Route:
    if is_tree_model(est):
        return "tree"
    if is_linear_model(est):
        return "linear"
    return "model-agnostic"


def margin(est: Any, X: Any) -> np.ndarray:
    """The model's raw score before any link: ``decision_function`` for
    scikit-learn, the output margin for XGBoost, the raw score for LightGBM."""
    mod = _module(est)
    if mod == "xgboost":
        return np.asarray(est.predict(X, output_margin=True), dtype=float)
    if mod == "lightgbm":
        return np.asarray(est.predict(X, raw_score=True), dtype=float)
    if mod == "catboost":
        return np.asarray(est.predict(X, prediction_type="RawFormulaVal"), dtype=float)
    return np.asarray(est.decision_function(X), dtype=float)


def output_in_space(est: Any, X: Any, space: str, task: str) -> np.ndarray:
    """``(n_rows, n_outputs)`` model output in ``space`` ("probability", "margin"
    or "raw"), in the model's class order, before choosing the positive class."""
    if space == "probability":
        out = np.asarray(est.predict_proba(X), dtype=float)
    elif space == "margin":
        out = margin(est, X)
    else:
        out = np.asarray(est.predict(X), dtype=float)
    return out.reshape(len(out), -1)


def candidate_outputs(est: Any, X: Any, task: str, *, skip: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """The model's output on ``X`` in every space it offers ("margin",
    "probability" for a classifier; "raw" for a regressor), each ``(n, d)``;
    ``skip`` names spaces the caller already has (the audit's own predictions),
    so the model is not called for them again."""
    spaces = ["raw"] if task == "regression" else [c for c in ("margin", "probability") if _has(est, c)]
    spaces = [sp_ for sp_ in spaces if sp_ not in skip]
    if not spaces:
        return {}
    X = private_copy(X)  # X may be a view of the audit's design matrix; a model must not write into it
    out = {}
    for space in spaces:
        try:
            out[space] = output_in_space(est, X, space, task)
        except Exception:  # noqa: BLE001 - a model may lack one of the outputs
            continue
    return out


def match_output_space(candidates: dict[str, np.ndarray], totals: np.ndarray) -> tuple[str, np.ndarray]:
    """The space in which ``totals`` (base + sum of contributions, ``(n, d)``)
    equal the model's output, and that output, among ``candidates``
    (:func:`candidate_outputs`). The closest is kept; the caller records the
    remaining deviation as the additivity check."""
    best: tuple[float, str, np.ndarray] | None = None
    for space, out in candidates.items():
        if out.shape[1] != totals.shape[1]:
            if totals.shape[1] == 1 and out.shape[1] == 2:
                out = out[:, [1]]  # single-output explainers explain classes_[1]
            else:
                continue
        dev = float(np.max(np.abs(out - totals))) if out.size else 0.0
        if best is None or dev < best[0]:
            best = (dev, space, out)
    if best is None:
        raise ValueError(
            f"Expected the explainer's output to match one of the model's outputs {list(candidates)}. "
            f"Got {totals.shape[1]} output(s) that fit none."
        )
    return best[1], best[2]


def _has(est: Any, space: str) -> bool:
    if space == "probability":
        return hasattr(est, "predict_proba")
    return hasattr(est, "decision_function") or _module(est) in ("xgboost", "lightgbm", "catboost")


def space_name(space: str, candidates: dict[str, np.ndarray]) -> str:
    """A reader's name for ``space``: a classifier's margin whose sigmoid (binary)
    or softmax (multiclass) is its probability is "log-odds" / "logit"."""
    if space != "margin" or "probability" not in candidates or "margin" not in candidates:
        return space
    m, p = candidates["margin"], candidates["probability"]
    if m.shape[1] == 1 and p.shape[1] == 2:
        if np.allclose(1.0 / (1.0 + np.exp(-m[:, 0])), p[:, 1], atol=1e-6):
            return "log-odds"
    elif m.shape == p.shape:
        e = np.exp(m - m.max(axis=1, keepdims=True))
        if np.allclose(e / e.sum(axis=1, keepdims=True), p, atol=1e-6):
            return "logit"
    return "margin"
