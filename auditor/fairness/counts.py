"""Count-level data of a binary classifier by group, and a stratified bootstrap on counts.

A group's rows that agree in everything a statistic reads are interchangeable:
for confusion-matrix rates (unweighted) that is the cell (true label x
prediction). Resampling a group's rows with replacement then draws its cells
from a multinomial over the cell shares, which is *exactly* the distribution of
the row bootstrap of :func:`auditor.bootstrap.resample_counts` with
``strata=groups``, at a cost independent of the number of rows. The coverage
simulations use it to bootstrap thousands of simulated data sets at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["CELLS", "confusion_cells", "resample_cells", "rates_from_cells", "effective_denominators"]

#: Order of the confusion cells on the last axis, as ``sklearn.metrics.confusion_matrix(...).ravel()``.
CELLS = ("tn", "fp", "fn", "tp")


def confusion_cells(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    sensitive_features: np.ndarray,
    n_groups: int,
    *,
    sample_weight: np.ndarray | None = None,
) -> np.ndarray:
    """Confusion counts per group.

    Parameters
    ----------
    y_true, y_pred : array of shape (n_rows,)
        Booleans (or 0/1): truly positive, predicted positive.
    sensitive_features : array of int of shape (n_rows,)
        Group codes in ``0 .. n_groups - 1``.
    n_groups : int
    sample_weight : array of shape (n_rows,), optional
        Sums of weights instead of counts.

    Returns
    -------
    ndarray of shape (n_groups, 4)
        Cells in the order of :data:`CELLS` (tn, fp, fn, tp); int64 without
        weights, float64 with.
    """
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    codes = np.asarray(sensitive_features, dtype=np.int64)
    cell = 2 * t + p  # tn=0, fp=1, fn=2, tp=3
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    out = np.bincount(codes * 4 + cell, weights=w, minlength=4 * n_groups).reshape(n_groups, 4)
    return out.astype(np.int64) if w is None else out


def resample_cells(cell_counts: np.ndarray, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Stratified bootstrap of cell counts: every stratum keeps its size.

    Parameters
    ----------
    cell_counts : array of int of shape (..., n_cells)
        Rows of each stratum (every index of the leading axes) in each cell.
        Cells must hold interchangeable rows (same values for every statistic).
    n_resamples : int
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of int64, shape (n_resamples, ..., n_cells)
        Resampled counts; each stratum's counts sum to its size.

    Notes
    -----
    Strata are drawn in an order set by their counts, not by their position, so
    that relabelling groups (which permutes the leading axis) permutes the
    result the same way instead of changing the draws.
    """
    c = np.asarray(cell_counts, dtype=np.int64)
    if c.ndim < 1 or (c < 0).any():
        raise ValueError(f"Expected non-negative cell counts of shape (..., n_cells). Got shape {c.shape}.")
    flat = c.reshape(-1, c.shape[-1])
    n = flat.sum(axis=1)
    out = np.zeros((n_resamples, *flat.shape), dtype=np.int64)
    if n_resamples <= 0 or flat.shape[0] == 0:
        return out.reshape(n_resamples, *c.shape)
    order = np.lexsort(tuple(flat[:, k] for k in reversed(range(flat.shape[1]))))
    # a multinomial as a chain of binomials: cell k takes its share of the rows the
    # earlier cells left (exact, and vectorised over strata and resamples at once)
    flat = flat[order]
    left = np.broadcast_to(n[order], (n_resamples, len(order))).copy()
    tail = np.cumsum(flat[:, ::-1], axis=1)[:, ::-1]  # rows in cell k and after
    drawn = np.empty((n_resamples, len(order), flat.shape[1]), dtype=np.int64)
    for k in range(flat.shape[1] - 1):
        share = np.divide(flat[:, k], tail[:, k], out=np.zeros(len(order)), where=tail[:, k] > 0)
        drawn[..., k] = rng.binomial(left, share)
        left -= drawn[..., k]
    drawn[..., -1] = left
    out[:, order] = drawn
    return out.reshape(n_resamples, *c.shape)


def rates_from_cells(cells: np.ndarray, metrics: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Group rates from confusion cells (last axis in :data:`CELLS` order), NaN where undefined.

    Parameters
    ----------
    cells : array of shape (..., 4)
    metrics : sequence of str, optional
        Rates to compute (all seven by default); keys and definitions are those
        of :class:`auditor.fairness.rates.binary_stats`.

    Returns
    -------
    dict of str to ndarray of shape (...)
    """
    c = np.asarray(cells, dtype=float)
    tn, fp, fn, tp = (c[..., k] for k in range(4))
    parts = {
        "selection_rate": lambda: (fp + tp, tn + fp + fn + tp),
        "true_positive_rate": lambda: (tp, tp + fn),
        "false_positive_rate": lambda: (fp, tn + fp),
        "false_negative_rate": lambda: (fn, tp + fn),
        "true_negative_rate": lambda: (tn, tn + fp),
        "precision": lambda: (tp, tp + fp),
        "accuracy": lambda: (tp + tn, tn + fp + fn + tp),
    }
    unknown = set(metrics or ()) - set(parts)
    if unknown:
        raise ValueError(f"Expected rates among {sorted(parts)}. Got {sorted(unknown)} instead.")
    out = {}
    for key in parts if metrics is None else metrics:
        num, den = parts[key]()
        rate = np.full(np.shape(num), np.nan)
        np.divide(num, den, out=rate, where=den != 0)
        out[key] = rate
    return out


#: Rows in each rate's denominator, by the rates' keys.
_DENOMINATOR = {
    "selection_rate": "rows",
    "accuracy": "rows",
    "true_positive_rate": "positives",
    "false_negative_rate": "positives",
    "false_positive_rate": "negatives",
    "true_negative_rate": "negatives",
    "precision": "predicted_positives",
}


def effective_denominators(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    sensitive_features: np.ndarray,
    n_groups: int,
    *,
    sample_weight: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Effective number of rows in each rate's denominator, per group.

    With weights this is Kish's effective sample size ``(sum w)**2 / sum w**2``
    of the denominator's rows: the number of unweighted rows that would give a
    proportion the same variance when weights are unrelated to the outcome.
    Without weights it is the plain count.

    Parameters
    ----------
    y_true, y_pred : array of shape (n_rows,)
        Booleans: truly positive, predicted positive.
    sensitive_features : array of int of shape (n_rows,)
        Group codes in ``0 .. n_groups - 1``.
    n_groups : int
    sample_weight : array of shape (n_rows,), optional

    Returns
    -------
    dict of str to ndarray of shape (n_groups,)
        Keyed by rate (``"selection_rate"``, ``"true_positive_rate"``, ...), the
        ``n_effective`` a :class:`~auditor.fairness.reference.GroupMetric` needs.
    """
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    codes = np.asarray(sensitive_features, dtype=np.int64)
    w = np.ones(len(codes)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    masks = {"rows": np.ones(len(codes), dtype=bool), "positives": t, "negatives": ~t, "predicted_positives": p}
    sizes = {}
    for name, mask in masks.items():
        s1 = np.bincount(codes[mask], weights=w[mask], minlength=n_groups)
        s2 = np.bincount(codes[mask], weights=w[mask] ** 2, minlength=n_groups)
        sizes[name] = np.divide(s1**2, s2, out=np.zeros(n_groups), where=s2 > 0)
    return {rate: sizes[den] for rate, den in _DENOMINATOR.items()}
