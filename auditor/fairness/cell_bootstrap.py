"""The fairness section's bootstrap of classification rates, on counts instead of rows.

For unweighted classification the rates read only each row's (true class,
predicted class) cell, so rows of one stratum in one cell are interchangeable
and the stratified row bootstrap draws each stratum's cells from a multinomial
(:func:`auditor.fairness.counts.resample_cells`, equal in distribution to the
row bootstrap). Every grouping (each feature, each intersection) is coarser than
the finest strata the bootstrap is stratified by, so one resample of the finest
cells gives every grouping's cells, and so its rates, by summing. The cost no
longer grows with the rows: only with strata, cells and resamples.

Rates that read more than the cell (ROC AUC and the mean score) and weighted
audits keep the row bootstrap.
"""

from __future__ import annotations

import numpy as np

from auditor.fairness.counts import rates_from_cells, resample_cells

__all__ = ["CellBootstrap"]


class CellBootstrap:
    """Resampled confusion cells of the finest strata, summed into any grouping.

    Parameters
    ----------
    strata : array of int of shape (n_rows,)
        Finest stratum of each row, ``0 .. S - 1`` (content-ranked, so that
        relabelling groups does not change the draws).
    y_true_code, y_pred_code : array of int of shape (n_rows,)
        Class codes ``0 .. k - 1`` (binary: 1 is the positive class).
    n_classes : int
    n_resamples : int
    rng : numpy.random.Generator
    """

    def __init__(self, strata: np.ndarray, y_true_code: np.ndarray, y_pred_code: np.ndarray, n_classes: int,
                 n_resamples: int, rng: np.random.Generator) -> None:
        strata = np.asarray(strata, dtype=np.int64)
        k = int(n_classes)
        self.k, self.strata = k, strata
        n_strata = int(strata.max()) + 1 if len(strata) else 0
        # cell = true * k + predicted: for k = 2 the order tn, fp, fn, tp of auditor.fairness.counts.CELLS
        cell = np.asarray(y_true_code, dtype=np.int64) * k + np.asarray(y_pred_code, dtype=np.int64)
        cells = np.bincount(strata * k * k + cell, minlength=n_strata * k * k).reshape(n_strata, k * k)
        self.replicates = resample_cells(cells, n_resamples, rng)  # (B, S, k*k)

    def grouping_cells(self, codes: np.ndarray, n_groups: int) -> np.ndarray:
        """``(B, G, k*k)`` resampled cells of a grouping whose group of each row is ``codes``."""
        S = self.replicates.shape[1]
        group_of = np.zeros(S, dtype=np.int64)
        # every row of a stratum lies in one group of any grouping (the strata are the finest groups)
        group_of[self.strata] = np.asarray(codes, dtype=np.int64)
        onehot = np.eye(n_groups)[group_of]  # (S, G)
        return np.einsum("bsc,sg->bgc", self.replicates, onehot)

    def binary_rates(self, codes: np.ndarray, n_groups: int) -> dict[str, np.ndarray]:
        """Every rate of :class:`auditor.fairness.rates.binary_stats` read from cells, ``(B, G)`` each."""
        cells = self.grouping_cells(codes, n_groups)
        out = rates_from_cells(cells)
        tn, fp, fn, tp = (cells[..., i] for i in range(4))
        total = tn + fp + fn + tp
        out["base_rate"] = _divide(fn + tp, total)
        return out

    def multiclass_rates(self, codes: np.ndarray, n_groups: int, classes: tuple[str, ...]) -> dict[str, np.ndarray]:
        """Every rate of :class:`auditor.fairness.rates.multiclass_stats`, ``(B, G)`` each."""
        k = self.k
        m = self.grouping_cells(codes, n_groups).reshape(-1, n_groups, k, k)  # (B, G, true, predicted)
        total = m.sum(axis=(2, 3))
        diag = np.einsum("bgii->bgi", m)
        truly, predicted = m.sum(axis=3), m.sum(axis=2)
        out = {"accuracy": _divide(diag.sum(axis=2), total)}
        for i, c in enumerate(classes):
            out[f"selection_rate:{c}"] = _divide(predicted[..., i], total)
            out[f"base_rate:{c}"] = _divide(truly[..., i], total)
            out[f"true_positive_rate:{c}"] = _divide(diag[..., i], truly[..., i])
            out[f"false_positive_rate:{c}"] = _divide(predicted[..., i] - diag[..., i], total - truly[..., i])
            out[f"precision:{c}"] = _divide(diag[..., i], predicted[..., i])
        return out


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out
