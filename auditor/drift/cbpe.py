"""Performance without labels: confidence-based performance estimation (CBPE).

Before the current data's labels arrive, a calibrated classifier's probabilities
say how often it should be right. The idea is NannyML's CBPE; this code is ours.

1. **Calibrate** on the reference rows, where labels exist: isotonic regression
   of the label on the score (pool-adjacent-violators over the distinct scores,
   linear interpolation between them and clipping outside, exactly as
   ``sklearn.isotonic.IsotonicRegression(out_of_bounds="clip")``). The reference
   must be rows the model did not learn from: in-sample scores are
   over-confident and so would be the estimate.
2. **Expected confusion matrix** on the current rows: with calibrated
   ``p_i = P(y_i = 1 | score_i)`` and the model's prediction ``yhat_i``, row ``i``
   is a true positive with probability ``yhat_i p_i``, a false positive with
   ``yhat_i (1 - p_i)``, and so on. Expected accuracy is
   ``sum_i w_i [yhat_i p_i + (1 - yhat_i)(1 - p_i)] / sum_i w_i``.
3. **Expected ROC AUC**: each current row counts as ``p_i`` of a positive and
   ``1 - p_i`` of a negative; the AUC of those expected counts (ties one half) is
   the ratio of the expected number of correctly ordered (positive, negative)
   pairs to the expected number of pairs. It is justified when calibration holds
   (the ratio of expectations is consistent as the number of rows grows; the one
   pair a row forms with itself is an O(1/n) bias).

Interval: the target is the metric the labels will show on *these* rows, so two
uncertainties add up, and each bootstrap replicate carries both:

- *estimation*: the calibrator is fitted on a finite reference; every replicate
  refits it on a bootstrap resample of the reference (seeded);
- *sampling*: even with the true probabilities, the realised labels are
  Bernoulli draws. For accuracy the realised value is a mean of independent
  Bernoulli(``c_i``) "correct" indicators, drawn from its normal approximation
  ``N(mean c, sum w^2 c (1 - c) / (sum w)^2)``; for ROC AUC labels are drawn
  from Bernoulli(``p_i``) and the AUC computed on them.

The percentile interval of the replicates is reported. The estimate assumes that
the relation of score to outcome (``P(y | score)``) is the same as in the
reference: covariate shift is fine, concept drift is not detectable without
labels. Binary classification only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import isotonic_regression

from auditor.bootstrap import canonical_order, percentile_interval, resample_counts
from auditor.drift.checks import as_rng, check_vector, check_weights
from auditor.results import Estimate
from auditor.results.drift import EstimatedPerformance

__all__ = ["IsotonicCalibrator", "fit_calibrator", "EstimatedPerformance", "estimate_performance", "expected_roc_auc"]


@dataclass(frozen=True)
class IsotonicCalibrator:
    """A fitted isotonic map from score to probability of the positive class."""

    thresholds: np.ndarray
    probabilities: np.ndarray

    def predict(self, y_score: np.ndarray) -> np.ndarray:
        """Calibrated probabilities (``np.interp`` clips outside the fitted range)."""
        return np.interp(np.asarray(y_score, dtype=float), self.thresholds, self.probabilities)


class _Reference:
    """Reference rows aggregated per distinct score, so each refit is one PAVA pass."""

    def __init__(self, y_pos: np.ndarray, y_score: np.ndarray, weights: np.ndarray):
        order = canonical_order(y_score, y_pos, weights)
        self.score, self.y, self.w = y_score[order], y_pos[order], weights[order]
        self.starts = np.flatnonzero(np.r_[True, np.diff(self.score) > 0])
        self.unique = self.score[self.starts]

    def fit(self, row_weights: np.ndarray) -> IsotonicCalibrator | None:
        w = np.add.reduceat(row_weights, self.starts)
        wy = np.add.reduceat(row_weights * self.y, self.starts)
        keep = w > 0
        if not keep.any():
            return None
        fitted = isotonic_regression(wy[keep] / w[keep], weights=w[keep], increasing=True).x
        return IsotonicCalibrator(self.unique[keep], np.clip(fitted, 0.0, 1.0))


def fit_calibrator(y_true_reference, y_score_reference, *, pos_label=1, sample_weight_reference=None) -> IsotonicCalibrator:
    """Isotonic calibration of ``y_score_reference`` against ``y_true_reference == pos_label``.

    Equal to ``IsotonicRegression(out_of_bounds="clip").fit(score, y, sample_weight)``.
    """
    s = check_vector(y_score_reference, len(np.asarray(y_score_reference)), "y_score_reference", dtype=float)
    y = check_vector(y_true_reference, len(s), "y_true_reference")
    w = check_weights(sample_weight_reference, len(s), "sample_weight_reference")
    if not np.isfinite(s).all():
        raise ValueError("Expected finite values in y_score_reference. Got NaN or infinity instead.")
    ref = _Reference((y == pos_label).astype(float), s, np.ones(len(s)) if w is None else w)
    cal = ref.fit(ref.w)  # weights in the reference's sorted order
    if cal is None:
        raise ValueError("Expected at least one reference row with positive weight. Got none instead.")
    return cal


def expected_roc_auc(y_score: np.ndarray, proba: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
    """ROC AUC of expected counts: row ``i`` is ``p_i`` positive and ``1 - p_i``
    negative (ties in score count one half). With 0/1 ``proba`` it is the usual AUC."""
    return float(_auc_matrix(np.asarray(y_score, dtype=float), np.asarray(proba, dtype=float)[None, :],
                             sample_weight)[0])


def _auc_matrix(y_score: np.ndarray, P: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """AUC for each row of ``P`` (b, n) of positive weights over the same scores."""
    order = np.argsort(y_score, kind="stable")
    s = y_score[order]
    P = P[:, order]
    ww = np.ones(len(s)) if w is None else w[order]
    starts = np.flatnonzero(np.r_[True, np.diff(s) > 0])
    pos = np.add.reduceat(P * ww, starts, axis=1)
    neg = np.add.reduceat((1.0 - P) * ww, starts, axis=1)
    below = np.cumsum(neg, axis=1) - neg
    num = (pos * (below + 0.5 * neg)).sum(axis=1)
    den = pos.sum(axis=1) * neg.sum(axis=1)
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)



def estimate_performance(
    y_score,
    y_true_reference,
    y_score_reference,
    *,
    metric: str = "accuracy",
    y_pred=None,
    threshold: float = 0.5,
    pos_label=1,
    sample_weight=None,
    sample_weight_reference=None,
    n_resamples: int = 500,
    confidence_level: float = 0.95,
    random_state=0,
    max_cells: int = 1 << 22,
) -> EstimatedPerformance:
    """Estimate accuracy or ROC AUC on unlabelled rows from calibrated scores.

    Parameters
    ----------
    y_score : array-like of shape (n,)
        The model's positive-class scores on the current, unlabelled rows.
    y_true_reference, y_score_reference : array-like of shape (n_ref,)
        Labels and scores on reference rows the model was not trained on.
    metric : {"accuracy", "roc_auc"}, default "accuracy"
    y_pred : array-like of shape (n,), optional
        The model's predicted labels on the current rows; by default
        ``pos_label`` where ``y_score >= threshold`` (accuracy only). Values other
        than ``pos_label`` count as negative.
    threshold : float, default 0.5
    pos_label : default 1
    sample_weight, sample_weight_reference : array-like, optional
    n_resamples : int, default 500
    confidence_level : float, default 0.95
    random_state : int or numpy.random.Generator, default 0
    max_cells : int
        Bound on simulated label matrices (``b * n``) held at once for ROC AUC.

    Returns
    -------
    EstimatedPerformance
    """
    if metric not in ("accuracy", "roc_auc"):
        raise ValueError(f"Expected metric 'accuracy' or 'roc_auc'. Got {metric!r} instead.")
    if not 0 < confidence_level < 1:
        raise ValueError(f"Expected confidence_level in (0, 1). Got {confidence_level} instead.")
    rng = as_rng(random_state)
    s = check_vector(y_score, len(np.asarray(y_score)), "y_score", dtype=float)
    s_ref = check_vector(y_score_reference, len(np.asarray(y_score_reference)), "y_score_reference", dtype=float)
    y_ref = check_vector(y_true_reference, len(s_ref), "y_true_reference")
    if not (np.isfinite(s).all() and np.isfinite(s_ref).all()):
        raise ValueError("Expected finite scores in y_score and y_score_reference. Got NaN or infinity instead.")
    w = check_weights(sample_weight, len(s), "sample_weight")
    w_ref = check_weights(sample_weight_reference, len(s_ref), "sample_weight_reference")
    y_pos_ref = (y_ref == pos_label).astype(float)
    if len(np.unique(y_pos_ref)) < 2:
        raise ValueError("Expected both classes in y_true_reference to calibrate the scores. Got one class instead.")
    ref = _Reference(y_pos_ref, s_ref, np.ones(len(s_ref)) if w_ref is None else w_ref)
    order = canonical_order(s, np.ones(len(s)) if w is None else w)
    s = s[order]
    w = None if w is None else w[order]
    if metric == "accuracy":
        pred = (s >= threshold) if y_pred is None else (check_vector(y_pred, len(s), "y_pred")[order] == pos_label)
        pred = pred.astype(float)
    ww = np.ones(len(s)) if w is None else w
    total = ww.sum()

    def correct_prob(cal: IsotonicCalibrator) -> np.ndarray:
        p = cal.predict(s)
        return pred * p + (1.0 - pred) * (1.0 - p)

    point_cal = ref.fit(ref.w)
    if metric == "accuracy":
        value = float((ww * correct_prob(point_cal)).sum() / total)
    else:
        value = expected_roc_auc(s, point_cal.predict(s), w)
    reps: list[float] = []
    # chunks bound memory: one count matrix of the reference, one label matrix of
    # the current rows; the draws' order (counts, then outcomes) is fixed
    sim_rows = max(1, max_cells // max(len(s), 1))
    for counts in resample_counts(len(ref.w), n_resamples, rng):
        cals = [ref.fit(c * ref.w) for c in counts]
        if metric == "accuracy":
            for cal in cals:
                c = correct_prob(cal)
                mean = (ww * c).sum() / total
                sd = np.sqrt((ww**2 * c * (1 - c)).sum()) / total
                reps.append(float(mean + sd * rng.standard_normal()))
            continue
        for i in range(0, len(cals), sim_rows):
            P = np.vstack([cal.predict(s) for cal in cals[i:i + sim_rows]])
            labels = (rng.random(P.shape) < P).astype(float)
            reps.extend(_auc_matrix(s, labels, w).tolist())
    iv = percentile_interval(np.asarray(reps, dtype=float), confidence_level)
    estimate = Estimate.of(value, (iv.low, iv.high), reason=iv.reason,
                           undefined_reason="the expected ROC AUC is undefined: the calibrated probabilities are all 0 or all 1")
    method = ("CBPE: isotonic calibration on the reference, expected confusion matrix on the current rows; "
              f"{n_resamples} replicates of calibrator refit on a bootstrap of the reference plus simulated outcomes")
    return EstimatedPerformance(
        metric=metric, estimate=estimate, is_estimate=True, n_rows=len(s), n_reference=len(s_ref),
        threshold=float(threshold) if metric == "accuracy" and y_pred is None else None,
        n_resamples=n_resamples, confidence_level=confidence_level, method=method,
    )
