"""Group metrics as functions of a ``(b, n_rows)`` weight matrix.

One matrix product per chunk gives every group's weighted counts for every
bootstrap resample; the point estimate is the same function at the sample
weights. Tests check the point estimates against fairlearn's ``MetricFrame``
(which itself reports 0 for an undefined rate, so it is the oracle, not the source).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from auditor import metrics as M

__all__ = ["MetricInfo", "BINARY_METRICS", "REGRESSION_METRICS", "GroupStats", "binary_stats", "binary_score_stats",
           "regression_stats", "multiclass_stats"]


@dataclass(frozen=True)
class MetricInfo:
    """What a group metric is, and which rows its denominator counts."""

    key: str
    label: str
    denominator: str  # "rows", "positives", "negatives", "predicted_positives"
    undefined: str  # reason, with {group} for the group's label


BINARY_METRICS = (
    MetricInfo("base_rate", "Base rate", "rows", "group {group} has no rows"),
    MetricInfo("selection_rate", "Selection rate", "rows", "group {group} has no rows"),
    MetricInfo("true_positive_rate", "True positive rate", "positives", "no truly positive rows in group {group}"),
    MetricInfo("false_positive_rate", "False positive rate", "negatives", "no truly negative rows in group {group}"),
    MetricInfo("false_negative_rate", "False negative rate", "positives", "no truly positive rows in group {group}"),
    MetricInfo("true_negative_rate", "True negative rate", "negatives", "no truly negative rows in group {group}"),
    MetricInfo("precision", "Precision", "predicted_positives", "the model predicts no row of group {group} positive"),
    MetricInfo("accuracy", "Accuracy", "rows", "group {group} has no rows"),
    MetricInfo("roc_auc", "ROC AUC", "rows", "group {group} holds only one class"),
    MetricInfo("mean_score", "Mean predicted probability", "rows", "group {group} has no rows"),
)

REGRESSION_METRICS = (
    MetricInfo("mean_prediction", "Mean prediction", "rows", "group {group} has no rows"),
    MetricInfo("mean_target", "Mean target", "rows", "group {group} has no rows"),
    MetricInfo("mean_absolute_error", "Mean absolute error", "rows", "group {group} has no rows"),
    MetricInfo("root_mean_squared_error", "Root mean squared error", "rows", "group {group} has no rows"),
    MetricInfo("r2", "R²", "rows", "the target is constant in group {group}"),
)


class GroupStats:
    """Per-group statistics of one grouping; ``__call__(W)`` -> dict of ``(b, G)``."""

    metrics: tuple[MetricInfo, ...]

    def __call__(self, W: np.ndarray) -> dict[str, np.ndarray]:  # pragma: no cover - interface
        raise NotImplementedError


def _onehot(codes: np.ndarray, n_groups: int) -> np.ndarray:
    return np.eye(n_groups)[codes]


class binary_stats(GroupStats):
    """Binary classification: rates from confusion counts, AUC and mean score."""

    def __init__(self, codes: np.ndarray, n_groups: int, y_true_pos: np.ndarray, y_pred_pos: np.ndarray,
                 score: np.ndarray | None, score_is_probability: bool) -> None:
        self.G = n_groups
        t = y_true_pos.astype(float)
        p = y_pred_pos.astype(float)
        oh = _onehot(codes, n_groups)
        parts = [oh, oh * t[:, None], oh * p[:, None], oh * (t * p)[:, None]]
        self.has_score = score is not None
        self.mean_score = score is not None and score_is_probability
        if self.mean_score:
            parts.append(oh * score[:, None])
        # one (n, k·G) matrix: a single BLAS product per chunk serves every count
        self.matrix = np.hstack(parts)
        self.metrics = tuple(
            m for m in BINARY_METRICS
            if (m.key != "roc_auc" or self.has_score) and (m.key != "mean_score" or self.mean_score)
        )
        self._auc = _auc_rows(codes, n_groups, y_true_pos, score) if self.has_score else []

    def __call__(self, W: np.ndarray) -> dict[str, np.ndarray]:
        G = self.G
        S = W @ self.matrix
        total, pos, pred, tp = S[:, :G], S[:, G:2 * G], S[:, 2 * G:3 * G], S[:, 3 * G:4 * G]
        neg = total - pos
        fp = pred - tp
        fn = pos - tp
        tn = neg - fp
        out = {
            "base_rate": M.safe_divide(pos, total),
            "selection_rate": M.safe_divide(pred, total),
            "true_positive_rate": M.safe_divide(tp, pos),
            "false_positive_rate": M.safe_divide(fp, neg),
            "false_negative_rate": M.safe_divide(fn, pos),
            "true_negative_rate": M.safe_divide(tn, neg),
            "precision": M.safe_divide(tp, pred),
            "accuracy": M.safe_divide(tp + tn, total),
        }
        if self.mean_score:
            out["mean_score"] = M.safe_divide(S[:, 4 * G:5 * G], total)
        if self.has_score:
            out["roc_auc"] = np.column_stack([M.roc_auc(W[:, rows], t, ties) for rows, t, ties in self._auc])
        return out


class binary_score_stats(GroupStats):
    """Binary classification, the metrics that read scores: ROC AUC and the mean score.

    Their bootstrap needs rows (an AUC depends on the order of the scores), while
    the rates can be resampled as counts (:mod:`auditor.fairness.cell_bootstrap`).
    """

    def __init__(self, codes: np.ndarray, n_groups: int, y_true_pos: np.ndarray, score: np.ndarray,
                 score_is_probability: bool) -> None:
        self.G = n_groups
        self.mean_score = score_is_probability
        oh = _onehot(codes, n_groups)
        self.matrix = np.hstack([oh, oh * score[:, None]])
        self.metrics = tuple(m for m in BINARY_METRICS if m.key == "roc_auc" or (m.key == "mean_score" and self.mean_score))
        self._auc = _auc_rows(codes, n_groups, y_true_pos, score)

    def __call__(self, W: np.ndarray) -> dict[str, np.ndarray]:
        G = self.G
        out = {"roc_auc": np.column_stack([M.roc_auc(W[:, rows], t, ties) for rows, t, ties in self._auc])}
        if self.mean_score:
            S = W @ self.matrix
            out["mean_score"] = M.safe_divide(S[:, G:], S[:, :G])
        return out


class regression_stats(GroupStats):
    """Regression: mean prediction and target, MAE, RMSE and R² per group."""

    metrics = REGRESSION_METRICS

    def __init__(self, codes: np.ndarray, n_groups: int, y_true: np.ndarray, y_pred: np.ndarray, weights: np.ndarray) -> None:
        self.G = n_groups
        y = np.asarray(y_true, dtype=float)
        yhat = np.asarray(y_pred, dtype=float)
        e = y - yhat
        # centre the target per group (at the point weights) so the total sum of
        # squares stays accurate for targets with a large mean
        oh = _onehot(codes, n_groups)
        w_g = weights @ oh
        centre = np.divide(weights @ (oh * y[:, None]), w_g, out=np.zeros(n_groups), where=w_g > 0)
        yc = y - centre[codes]
        self.matrix = np.hstack([oh, oh * yhat[:, None], oh * y[:, None], oh * np.abs(e)[:, None],
                                 oh * (e**2)[:, None], oh * yc[:, None], oh * (yc**2)[:, None]])
        self.scale = np.maximum(1.0, np.abs(yc).max()) ** 2

    def __call__(self, W: np.ndarray) -> dict[str, np.ndarray]:
        G = self.G
        S = W @ self.matrix
        total, s_pred, s_y, s_abs, s_sq, s_yc, s_yc2 = (S[:, i * G:(i + 1) * G] for i in range(7))
        sst = s_yc2 - M.safe_divide(s_yc**2, total)
        sst = np.where(np.abs(sst) <= 1e-12 * self.scale * np.maximum(total, 1.0), 0.0, sst)
        return {
            "mean_prediction": M.safe_divide(s_pred, total),
            "mean_target": M.safe_divide(s_y, total),
            "mean_absolute_error": M.safe_divide(s_abs, total),
            "root_mean_squared_error": np.sqrt(M.safe_divide(s_sq, total)),
            "r2": 1.0 - M.safe_divide(s_sq, sst),
        }


class multiclass_stats(GroupStats):
    """Multiclass: accuracy, and one-vs-rest rates per class.

    For class ``c``: the selection rate (share predicted ``c``), its base rate,
    the true positive rate (truly ``c`` rows predicted ``c``), the false
    positive rate (rows of other classes predicted ``c``) and the precision
    (rows predicted ``c`` that are ``c``).
    """

    def __init__(self, codes: np.ndarray, n_groups: int, y_true_code: np.ndarray, y_pred_code: np.ndarray,
                 class_labels: tuple[str, ...]) -> None:
        self.G = n_groups
        self.classes = class_labels
        k = len(class_labels)
        oh = _onehot(codes, n_groups)
        Y = np.eye(k)[y_true_code]
        P = np.eye(k)[y_pred_code]
        correct = (y_true_code == y_pred_code).astype(float)
        parts = [oh, oh * correct[:, None]]
        for c in range(k):
            parts += [oh * P[:, c:c + 1], oh * Y[:, c:c + 1], oh * (Y[:, c] * P[:, c])[:, None]]
        self.matrix = np.hstack(parts)
        metrics = [MetricInfo("accuracy", "Accuracy", "rows", "group {group} has no rows")]
        for c in class_labels:
            metrics += [
                MetricInfo(f"selection_rate:{c}", f"Selection rate of {c}", "rows", "group {group} has no rows"),
                MetricInfo(f"base_rate:{c}", f"Base rate of {c}", "rows", "group {group} has no rows"),
                MetricInfo(f"true_positive_rate:{c}", f"True positive rate of {c}", f"positives:{c}",
                           f"no row of group {{group}} is truly {c}"),
                MetricInfo(f"false_positive_rate:{c}", f"False positive rate of {c}", f"negatives:{c}",
                           f"every row of group {{group}} is truly {c}"),
                MetricInfo(f"precision:{c}", f"Precision of {c}", f"predicted_positives:{c}",
                           f"the model predicts no row of group {{group}} as {c}"),
            ]
        self.metrics = tuple(metrics)

    def __call__(self, W: np.ndarray) -> dict[str, np.ndarray]:
        G = self.G
        S = W @ self.matrix
        total = S[:, :G]
        out = {"accuracy": M.safe_divide(S[:, G:2 * G], total)}
        for i, c in enumerate(self.classes):
            base = 2 * G + 3 * i * G
            pred, true, tp = S[:, base:base + G], S[:, base + G:base + 2 * G], S[:, base + 2 * G:base + 3 * G]
            out[f"selection_rate:{c}"] = M.safe_divide(pred, total)
            out[f"base_rate:{c}"] = M.safe_divide(true, total)
            out[f"true_positive_rate:{c}"] = M.safe_divide(tp, true)
            out[f"false_positive_rate:{c}"] = M.safe_divide(pred - tp, total - true)
            out[f"precision:{c}"] = M.safe_divide(tp, pred)
        return out


def _auc_rows(codes: np.ndarray, n_groups: int, y_true_pos: np.ndarray, score: np.ndarray) -> list:
    """Per group: its rows sorted by score, their labels and score ties (what
    :func:`auditor.metrics.roc_auc` reads for each resample)."""
    out = []
    for g in range(n_groups):
        rows = np.flatnonzero(codes == g)
        rows = rows[np.argsort(score[rows], kind="stable")]
        out.append((rows, y_true_pos[rows], M.TieGroups(score[rows])))
    return out
