"""How much worse (or better) the model does on the current data than on the reference.

Both samples need labels. Each metric is bootstrapped in each sample
independently (the two are independent samples), seeded, and the interval of the
difference ``current - reference`` is the percentile interval of the differences
of paired replicates. Rows identical in every value the metric reads (a 0/1
"correct" indicator for accuracy) are resampled as one cell with a multinomial
draw of its count, which has the distribution of resampling the rows one by one
and makes accuracy's bootstrap cost independent of the number of rows. Rows are drawn in an order that depends only on their
values (:func:`auditor.bootstrap.canonical_order`), so shuffling the rows does not
change any number.
"""

from __future__ import annotations

import numpy as np

from auditor.bootstrap import MAX_CELLS, canonical_order, percentile_interval, resample_counts
from auditor.drift.auc import delong_auc
from auditor.drift.checks import as_rng, check_vector, check_weights
from auditor.metrics import TieGroups, roc_auc, weighted_mean
from auditor.results import Estimate
from auditor.results.drift import PerformanceShift

__all__ = ["METRICS", "PerformanceShift", "performance_shift"]

#: metric -> (what y_pred holds, higher is better)
METRICS = {"accuracy": ("labels", True), "roc_auc": ("scores", True), "mae": ("numbers", False)}



class _Sample:
    """One labelled sample prepared for its metric, rows in canonical order."""

    def __init__(self, y_true, y_pred, weights, metric: str, pos_label):
        if metric == "accuracy":
            values = [(np.asarray(y_true) == np.asarray(y_pred)).astype(float)]
        elif metric == "mae":
            values = [np.abs(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float))]
        else:
            values = [np.asarray(y_pred, dtype=float), (np.asarray(y_true) == pos_label).astype(float)]
        w = np.ones(len(values[0])) if weights is None else weights
        order = canonical_order(*values, w)
        self.values = [v[order] for v in values]
        self.w = w[order]
        self.metric = metric
        # rows sorted by score: TieGroups sums contiguous runs
        self.ties = TieGroups(self.values[0]) if metric == "roc_auc" else None
        # rows equal in every value and weight are interchangeable, and in canonical
        # order they are contiguous: "cells" of identical rows
        n = len(self.w)
        if n:
            same = np.ones(n - 1, dtype=bool)
            for v in (*self.values, self.w):
                same &= v[1:] == v[:-1]
            self.starts = np.flatnonzero(np.r_[True, ~same])
        else:
            self.starts = np.zeros(0, dtype=np.int64)
        self.cell_size = np.diff(np.r_[self.starts, n])

    def __call__(self, W: np.ndarray) -> np.ndarray:
        if self.metric == "roc_auc":
            return roc_auc(W, self.values[1], self.ties)
        return weighted_mean(W, self.values[0])

    def replicates(self, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
        n, k = len(self.w), len(self.starts)
        if n and k <= n // 2:
            return self._cell_replicates(n_resamples, rng)
        out = [self(counts * self.w) for counts in resample_counts(n, n_resamples, rng)]
        return np.concatenate(out) if out else np.empty(0)

    def _cell_replicates(self, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
        """How often a resample of the rows draws each cell is multinomial over the
        cells' sizes: the same distribution as resampling rows, at the cost of the
        number of distinct rows (two for a 0/1 correctness vector, at any size)."""
        values = [v[self.starts] for v in self.values]
        w = self.w[self.starts]
        ties = TieGroups(values[0]) if self.metric == "roc_auc" else None
        p = self.cell_size / self.cell_size.sum()
        chunk = max(1, MAX_CELLS // len(p))
        out, done = [], 0
        while done < n_resamples:
            b = min(chunk, n_resamples - done)
            W = rng.multinomial(len(self.w), p, size=b).astype(float) * w
            out.append(roc_auc(W, values[1], ties) if ties is not None else weighted_mean(W, values[0]))
            done += b
        return np.concatenate(out) if out else np.empty(0)


def performance_shift(
    y_true,
    y_pred,
    y_true_reference,
    y_pred_reference,
    *,
    metric: str = "accuracy",
    pos_label=1,
    sample_weight=None,
    sample_weight_reference=None,
    n_resamples: int = 1000,
    confidence_level: float = 0.95,
    random_state=0,
    interval: str = "bootstrap",
) -> PerformanceShift:
    """A metric on both samples and its change, with bootstrap intervals.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        Current labels and predictions: predicted labels for ``"accuracy"``,
        positive-class scores for ``"roc_auc"``, predicted numbers for ``"mae"``.
    y_true_reference, y_pred_reference : array-like
        The same on the reference rows.
    metric : {"accuracy", "roc_auc", "mae"}, default "accuracy"
    pos_label : default 1
        The positive class of ``y_true`` for ``"roc_auc"``.
    sample_weight, sample_weight_reference : array-like, optional
    n_resamples : int, default 1000
        Bootstrap resamples of each sample.
    confidence_level : float, default 0.95
    random_state : int or numpy.random.Generator, default 0
    interval : {"bootstrap", "delong"}, default "bootstrap"
        ``"delong"`` (ROC AUC, unweighted only): DeLong's normal intervals for
        each side and, the samples being independent, for the difference with
        the two variances added. At a million rows a side it takes a second where
        the bootstrap takes minutes, and agrees with it (the AUC is then close to
        normal).

    Returns
    -------
    PerformanceShift
        A value is ``None`` with a reason when undefined (a ROC AUC with one
        class).
    """
    if metric not in METRICS:
        raise ValueError(f"Expected metric one of {sorted(METRICS)}. Got {metric!r} instead.")
    if not 0 < confidence_level < 1:
        raise ValueError(f"Expected confidence_level in (0, 1). Got {confidence_level} instead.")
    rng = as_rng(random_state)
    yt = check_vector(y_true, len(np.asarray(y_true)), "y_true")
    yp = check_vector(y_pred, len(yt), "y_pred")
    yt_ref = check_vector(y_true_reference, len(np.asarray(y_true_reference)), "y_true_reference")
    yp_ref = check_vector(y_pred_reference, len(yt_ref), "y_pred_reference")
    w = check_weights(sample_weight, len(yt), "sample_weight")
    w_ref = check_weights(sample_weight_reference, len(yt_ref), "sample_weight_reference")
    higher = METRICS[metric][1]
    if interval not in ("bootstrap", "delong"):
        raise ValueError(f"Expected interval 'bootstrap' or 'delong'. Got {interval!r} instead.")
    if interval == "delong":
        if metric != "roc_auc" or w is not None or w_ref is not None:
            raise ValueError("Expected interval='delong' only for an unweighted ROC AUC. Got "
                             f"metric={metric!r}{' with sample weights' if w is not None or w_ref is not None else ''}.")
        return _delong_shift(yt, yp, yt_ref, yp_ref, pos_label, confidence_level)
    samples = {"reference": _Sample(yt_ref, yp_ref, w_ref, metric, pos_label), "current": _Sample(yt, yp, w, metric, pos_label)}
    points, reps, est = {}, {}, {}
    for side, s in samples.items():
        points[side] = float(s(s.w[None, :])[0]) if len(s.w) else float("nan")
        reps[side] = s.replicates(n_resamples, rng)
        iv = percentile_interval(reps[side], confidence_level)
        est[side] = Estimate.of(points[side], (iv.low, iv.high), reason=iv.reason,
                                undefined_reason=f"{metric} is undefined on the {side} data (empty, or one class)")
    diff_iv = percentile_interval(reps["current"] - reps["reference"], confidence_level)
    difference = Estimate.of(points["current"] - points["reference"], (diff_iv.low, diff_iv.high), reason=diff_iv.reason,
                             undefined_reason=f"{metric} is undefined on a side")
    return PerformanceShift(
        metric=metric, higher_is_better=higher, reference=est["reference"], current=est["current"],
        difference=difference, n_reference=len(yt_ref), n_current=len(yt), n_resamples=n_resamples,
        confidence_level=confidence_level,
    )


def _delong_shift(yt, score, yt_ref, score_ref, pos_label, confidence_level) -> PerformanceShift:
    from scipy import stats

    sides = {}
    for side, (y, s) in {"reference": (yt_ref, score_ref), "current": (yt, score)}.items():
        d = delong_auc((np.asarray(y) == pos_label).astype(int), np.asarray(s, dtype=float), confidence_level=confidence_level)
        sides[side] = d
    est = {side: Estimate.of(d.auc, (d.ci_low, d.ci_high), reason=d.reason,
                             undefined_reason=f"roc_auc is undefined on the {side} data (fewer than two rows of a class)")
           for side, d in sides.items()}
    ref, cur = sides["reference"], sides["current"]
    if ref.auc is None or cur.auc is None:
        difference = Estimate.undefined("roc_auc is undefined on a side")
    else:
        diff = cur.auc - ref.auc
        half = stats.norm.ppf(0.5 + confidence_level / 2) * float(np.hypot(ref.se, cur.se))
        difference = Estimate.of(diff, (diff - half, diff + half))
    return PerformanceShift(
        metric="roc_auc", higher_is_better=True, reference=est["reference"], current=est["current"],
        difference=difference, n_reference=len(yt_ref), n_current=len(yt), n_resamples=0,
        confidence_level=confidence_level, interval_method="DeLong",
    )
