"""What a post-processing mitigation would change (binary tasks).

fairlearn's ThresholdOptimizer picks a threshold per group so that a parity
constraint holds. Fitted and evaluated on the audited rows, it shows the
trade-off, not a deployable fix: a real mitigation is fitted on data held out
from its evaluation.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

__all__ = ["threshold_optimizer_outcomes", "CONSTRAINTS"]

CONSTRAINTS = ("demographic_parity", "equalized_odds")


class _CachedScores(ClassifierMixin, BaseEstimator):
    """An already-fitted "model" answering with the audit's cached scores.

    ThresholdOptimizer calls ``predict_proba``/``decision_function`` on whatever
    X it is given; passing row positions as X lets it reuse the predictions the
    audit already computed, so the user's model is neither called again nor touched.
    """

    def __init__(self, score: np.ndarray | None = None, probability: bool = True) -> None:
        self.score = score
        self.probability = probability

    def fit(self, X, y):  # pragma: no cover - never refitted (prefit=True)
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True

    @property
    def classes_(self) -> np.ndarray:
        return np.array([0, 1])

    def _rows(self, X) -> np.ndarray:
        return np.asarray(X)[:, 0].astype(np.int64)

    def predict_proba(self, X) -> np.ndarray:
        s = self.score[self._rows(X)]
        return np.column_stack([1 - s, s])

    def decision_function(self, X) -> np.ndarray:
        return self.score[self._rows(X)]

    def predict(self, X) -> np.ndarray:
        s = self.score[self._rows(X)]
        return (s > (0.5 if self.probability else 0.0)).astype(int)


def threshold_optimizer_outcomes(
    y_true_pos: np.ndarray,
    score: np.ndarray,
    score_is_probability: bool,
    groups: np.ndarray,
    seed: int,
) -> dict[str, np.ndarray]:
    """Mitigated predictions (0/1) per constraint; the caller measures them."""
    from fairlearn.postprocessing import ThresholdOptimizer

    X_rows = np.arange(len(score)).reshape(-1, 1)
    y = y_true_pos.astype(int)
    out = {}
    for constraint in CONSTRAINTS:
        opt = ThresholdOptimizer(
            estimator=_CachedScores(score, score_is_probability),
            constraints=constraint,
            objective="accuracy_score",
            prefit=True,
            predict_method="predict_proba" if score_is_probability else "decision_function",
        )
        opt.fit(X_rows, y, sensitive_features=groups)
        out[constraint] = np.asarray(opt.predict(X_rows, sensitive_features=groups, random_state=seed)).astype(bool)
    return out
