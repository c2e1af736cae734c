"""Weighted metrics vectorised over bootstrap resamples.

Every function takes ``W``, a ``(b, n_rows)`` matrix of row weights (bootstrap
multiplicity times sample weight), and returns ``(b,)`` values, NaN where the
metric is undefined for that resample (0/0). The point estimate is the same
function at ``W = sample_weight[None, :]``, and the tests check each one against
scikit-learn called with ``sample_weight=W[i]``.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = [
    "safe_divide",
    "weighted_mean",
    "TieGroups",
    "rank_sums",
    "roc_auc",
    "average_precision",
    "binary_counts",
    "class_counts",
    "matthews_corrcoef",
    "weighted_median",
    "calibration_bins",
    "expected_calibration_error",
    "log_loss_per_row",
    "brier_per_row",
]


def safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den``, NaN where ``den == 0`` (an undefined rate is not 0)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def weighted_mean(W: np.ndarray, values: np.ndarray) -> np.ndarray:
    return safe_divide(W @ values, W.sum(axis=1))


class TieGroups:
    """Rows grouped by equal score, in ascending score order.

    Rank metrics treat tied scores as one threshold; summing weights per tie group
    serves every resample at once. When the rows are already sorted by score (a
    caller can sort them once, since resampling does not depend on row order) the
    groups are contiguous and one ``np.add.reduceat`` sums them; otherwise a sparse
    indicator product does.
    """

    def __init__(self, scores: np.ndarray) -> None:
        scores = np.asarray(scores, dtype=float)
        self.n_rows = len(scores)
        if self.n_rows and (np.diff(scores) >= 0).all():
            self.starts = np.flatnonzero(np.r_[True, np.diff(scores) > 0])
            self.n_groups = len(self.starts)
            self.matrix = None
            return
        self.starts = None
        _, inverse = np.unique(scores, return_inverse=True)
        self.n_groups = int(inverse.max()) + 1 if len(inverse) else 0
        self.matrix = sparse.csr_matrix(
            (np.ones(len(scores)), (np.arange(len(scores)), inverse)),
            shape=(len(scores), self.n_groups),
        )

    def sums(self, W: np.ndarray) -> np.ndarray:
        """``(b, n_groups)`` weight per tie group."""
        if self.starts is not None:
            return np.add.reduceat(W, self.starts, axis=1)
        return np.asarray(self.matrix.T @ W.T).T


def rank_sums(W: np.ndarray, y_true_pos: np.ndarray, ties: TieGroups) -> tuple[np.ndarray, np.ndarray]:
    """Positive and negative weight per tie group, each ``(b, n_groups)``, ascending
    score. Computed once and shared by :func:`roc_auc` and :func:`average_precision`."""
    pos = ties.sums(W * y_true_pos.astype(float))
    # negatives as total minus positives: one large temporary instead of three
    return pos, ties.sums(W) - pos


def roc_auc(W: np.ndarray, y_true_pos: np.ndarray, ties: TieGroups, *, sums=None) -> np.ndarray:
    """Area under the ROC curve (weighted Mann-Whitney; ties count one half)."""
    pos, neg = rank_sums(W, y_true_pos, ties) if sums is None else sums
    below = np.cumsum(neg, axis=1) - neg
    return safe_divide((pos * (below + 0.5 * neg)).sum(axis=1), pos.sum(axis=1) * neg.sum(axis=1))


def average_precision(W: np.ndarray, y_true_pos: np.ndarray, ties: TieGroups, *, sums=None) -> np.ndarray:
    """Average precision, as scikit-learn: sum over thresholds of ΔRecall × Precision."""
    pos, neg = rank_sums(W, y_true_pos, ties) if sums is None else sums
    pos, neg = pos[:, ::-1], neg[:, ::-1]
    tp = np.cumsum(pos, axis=1)
    predicted = tp + np.cumsum(neg, axis=1)
    # where nothing is predicted yet, ΔRecall is 0 too: the term vanishes
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    return safe_divide((pos * precision).sum(axis=1), pos.sum(axis=1))


def binary_counts(W: np.ndarray, y_true_pos: np.ndarray, y_pred_pos: np.ndarray) -> dict[str, np.ndarray]:
    """Weighted true/false positives and negatives, each ``(b,)``."""
    t = y_true_pos.astype(bool)
    p = y_pred_pos.astype(bool)
    return {
        "tp": W @ (t & p).astype(float),
        "fp": W @ (~t & p).astype(float),
        "fn": W @ (t & ~p).astype(float),
        "tn": W @ (~t & ~p).astype(float),
    }


def class_counts(W: np.ndarray, y_true_code: np.ndarray, y_pred_code: np.ndarray, n_classes: int) -> dict[str, np.ndarray]:
    """Per-class weighted counts, each ``(b, n_classes)``: true support, predicted, correct."""
    Y = np.eye(n_classes)[y_true_code]
    P = np.eye(n_classes)[y_pred_code]
    return {"true": W @ Y, "pred": W @ P, "tp": W @ (Y * P)}


def matthews_corrcoef(true: np.ndarray, pred: np.ndarray, correct: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Matthews correlation from per-class true and predicted totals ``(b, k)``,
    the correct total and the grand total ``(b,)`` (Gorodkin's multiclass form,
    which is the phi coefficient for two classes).

    NaN when either side holds one class only: scikit-learn returns 0 there, but
    a correlation with a constant is undefined, not zero.
    """
    cov_tp = correct * total - (true * pred).sum(axis=1)
    cov_pp = total**2 - (pred**2).sum(axis=1)
    cov_tt = total**2 - (true**2).sum(axis=1)
    # a constant side leaves a rounding residue instead of an exact 0
    tiny = 1e-12 * total**2
    den = np.where((cov_pp <= tiny) | (cov_tt <= tiny), 0.0, np.sqrt(np.clip(cov_pp, 0, None) * np.clip(cov_tt, 0, None)))
    return safe_divide(cov_tp, den)


def weighted_median(W: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Weighted median, scikit-learn's "averaged inverted CDF" (``np.median`` for unit weights)."""
    order = np.argsort(values, kind="stable")
    v = np.asarray(values, dtype=float)[order]
    cdf = np.cumsum(W[:, order], axis=1)
    total = cdf[:, -1]
    target = 0.5 * total
    i = np.argmax(cdf >= target[:, None], axis=1)
    rows = np.arange(W.shape[0])
    at = cdf[rows, i]
    above = (at - target) > np.finfo(float).eps
    # the next row that carries weight, for the average when the median falls on a boundary
    nxt = np.argmax(cdf > at[:, None], axis=1)
    nxt = np.where(cdf[rows, nxt] > at, nxt, i)
    out = np.where(above, v[i], 0.5 * (v[i] + v[nxt]))
    return np.where(total > 0, out, np.nan)


def calibration_bins(y_prob: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin of each probability on equal-width bins of [0, 1], as scikit-learn's
    ``calibration_curve(strategy="uniform")``."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    return np.searchsorted(edges[1:-1], y_prob)


def expected_calibration_error(
    W: np.ndarray, confidence: np.ndarray, correct: np.ndarray, bins: np.ndarray, n_bins: int
) -> np.ndarray:
    """Σ_bins (weight share) × |observed rate − mean confidence|."""
    B = np.eye(n_bins)[bins]
    w_bin = W @ B
    conf = W @ (B * confidence[:, None])
    obs = W @ (B * correct.astype(float)[:, None])
    gap = np.abs(obs - conf)  # both are weight-sums, so gap/total is the weighted gap share
    return safe_divide(gap.sum(axis=1), w_bin.sum(axis=1))


def log_loss_per_row(proba: np.ndarray, y_true_code: np.ndarray) -> np.ndarray:
    """Each row's log loss, clipped as scikit-learn clips (machine epsilon)."""
    eps = np.finfo(proba.dtype).eps
    p = np.clip(proba[np.arange(len(y_true_code)), y_true_code], eps, 1 - eps)
    return -np.log(p)


def brier_per_row(proba: np.ndarray, y_true_code: np.ndarray) -> np.ndarray:
    """Each row's Brier loss as scikit-learn ≥ 1.7 defines it: the squared
    distance to the one-hot label, halved for two classes (so the binary score is
    the classic mean of (outcome − probability)²)."""
    onehot = np.eye(proba.shape[1])[y_true_code]
    sq = ((onehot - proba) ** 2).sum(axis=1)
    return 0.5 * sq if proba.shape[1] == 2 else sq
