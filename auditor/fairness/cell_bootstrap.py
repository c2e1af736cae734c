"""The fairness section's bootstrap of classification rates, on counts instead of rows.

For unweighted classification the rates read only each row's (true class,
predicted class) cell, so rows of one stratum in one cell are interchangeable
and the stratified row bootstrap draws each stratum's cells from a multinomial
(:func:`auditor.fairness.counts.resample_cells`, equal in distribution to the
row bootstrap). Every grouping (each feature, each intersection) is coarser than
the finest strata the bootstrap is stratified by, so one resample of the finest
cells gives every grouping's cells, and so its rates, by summing. The cost no
longer grows with the rows: only with strata, cells and resamples.

Rates that read more than the cell (ROC AUC and the mean score) keep the row
bootstrap up to :data:`SCORE_CELL_ROWS` rows; above, they are resampled as
counts of (stratum, true label, score bin) cells (:class:`ScoreCellBootstrap`).
Weighted audits keep the row bootstrap.
"""

from __future__ import annotations

import numpy as np

from auditor.fairness.counts import rates_from_cells, resample_cells

__all__ = ["CellBootstrap", "ScoreCellBootstrap", "SCORE_CELL_ROWS", "MAX_SCORE_BINS"]


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


#: Above this many rows, the fairness section's ROC AUC and mean score are
#: resampled as counts of (stratum, true label, score bin) cells too.
SCORE_CELL_ROWS = 50_000
#: Score bins per true label: distinct scores when there are at most this many,
#: otherwise this many quantile bins.
MAX_SCORE_BINS = 4096
#: Largest (resamples x strata x cells) block of draws held at once.
_MAX_DRAWS = 1 << 22


class ScoreCellBootstrap:
    """Per-group ROC AUC and mean score from resampled score-bin counts.

    The row bootstrap of an AUC costs rows x resamples. Here each stratum's rows
    are counted per (true label, score bin) and every resample draws the
    stratum's counts from a multinomial, the same distribution as drawing its
    rows with replacement when every row of a bin has the same score. With at
    most :data:`MAX_SCORE_BINS` distinct scores the bins *are* the scores and
    the replicates are exact in distribution; with more, scores are binned at
    their quantiles and a positive and a negative in one bin count as a tie in
    the replicates, which moves a replicate AUC by at most :attr:`auc_bound`
    (half the share of positive-negative pairs sharing a bin, the largest over
    groups). The point estimates are computed from the rows, never from bins.

    Parameters
    ----------
    strata : array of int of shape (n_rows,)
        Finest stratum of each row, ``0 .. S - 1`` (content-ranked).
    y_true_pos : array of shape (n_rows,)
        1 where the row is truly positive.
    score : array of float of shape (n_rows,)
    n_resamples : int
    rng : numpy.random.Generator
    max_bins : int, default=MAX_SCORE_BINS
    """

    def __init__(self, strata: np.ndarray, y_true_pos: np.ndarray, score: np.ndarray, n_resamples: int,
                 rng: np.random.Generator, *, max_bins: int = MAX_SCORE_BINS) -> None:
        strata = np.asarray(strata, dtype=np.int64)
        score = np.asarray(score, dtype=float)
        values = np.unique(score)
        if len(values) <= max_bins:
            self.exact, bins = True, np.searchsorted(values, score)
            n_bins = len(values)
        else:
            # quantile edges depend on the scores' content only: the same bins in any row order
            edges = np.unique(np.quantile(score, np.linspace(0, 1, max_bins + 1)[1:-1]))
            self.exact, bins = False, np.searchsorted(edges, score, side="right")
            n_bins = len(edges) + 1
        self.n_bins, self.n_resamples, self.strata = n_bins, int(n_resamples), strata
        S = int(strata.max()) + 1 if len(strata) else 0
        cell = np.asarray(y_true_pos, dtype=np.int64) * n_bins + bins  # negatives first, then positives
        flat = strata * (2 * n_bins) + cell
        self.counts = np.bincount(flat, minlength=S * 2 * n_bins).reshape(S, 2 * n_bins)
        score_sum = np.bincount(flat, weights=score, minlength=S * 2 * n_bins).reshape(S, 2 * n_bins)
        # a bin's mean score stands for each of its rows in the resampled means
        self.cell_score = np.divide(score_sum, self.counts, out=np.zeros_like(score_sum), where=self.counts > 0)
        self._rng = rng

    def _group_of(self, codes: np.ndarray, n_groups: int) -> np.ndarray:
        group_of = np.zeros(self.counts.shape[0], dtype=np.int64)
        group_of[self.strata] = np.asarray(codes, dtype=np.int64)
        return np.eye(n_groups)[group_of]  # (S, G)

    def auc_bound(self, codes: np.ndarray, n_groups: int) -> float:
        """Largest over groups of half the share of positive-negative pairs in one bin (0 when exact)."""
        if self.exact:
            return 0.0
        g = np.einsum("sc,sg->gc", self.counts.astype(float), self._group_of(codes, n_groups))
        neg, pos = g[:, :self.n_bins], g[:, self.n_bins:]
        pairs = pos.sum(axis=1) * neg.sum(axis=1)
        share = np.divide(0.5 * (pos * neg).sum(axis=1), pairs, out=np.zeros(n_groups), where=pairs > 0)
        return float(share.max()) if n_groups else 0.0

    def replicates(self, groupings: list[tuple[np.ndarray, int]], *, mean_score: bool) -> list[dict[str, np.ndarray]]:
        """For each ``(codes, n_groups)`` grouping, ``{"roc_auc": (B, G)[, "mean_score": (B, G)]}``.

        Every grouping reads the same resamples (drawn once, stratum by stratum in
        stratum order, in chunks whose layout depends only on the table's size).
        """
        S, C = self.counts.shape
        B, nb = self.n_resamples, self.n_bins
        onehots = [self._group_of(codes, G) for codes, G in groupings]
        out = [{"roc_auc": np.empty((B, G)), **({"mean_score": np.empty((B, G))} if mean_score else {})}
               for _, G in groupings]
        n = self.counts.sum(axis=1)
        p = np.divide(self.counts, n[:, None], out=np.zeros(self.counts.shape), where=n[:, None] > 0)
        chunk = max(1, min(B, _MAX_DRAWS // max(1, S * C)))
        for start in range(0, B, chunk):
            b = min(chunk, B - start)
            drawn = np.zeros((b, S, C))
            for s in range(S):
                if n[s]:
                    drawn[:, s] = self._rng.multinomial(n[s], p[s], size=b)
            for onehot, res in zip(onehots, out):
                g = np.einsum("bsc,sg->bgc", drawn, onehot)
                neg, pos = g[..., :nb], g[..., nb:]
                below = np.cumsum(neg, axis=2) - neg
                res["roc_auc"][start:start + b] = _divide((pos * (below + 0.5 * neg)).sum(axis=2),
                                                          pos.sum(axis=2) * neg.sum(axis=2))
                if mean_score:
                    s_sum = np.einsum("bsc,sc,sg->bg", drawn, self.cell_score, onehot)
                    res["mean_score"][start:start + b] = _divide(s_sum, g.sum(axis=2))
        return out
