"""The bootstrap of large data over cells instead of rows.

Resampling a million rows a thousand times multiplies rows by resamples. Most
metrics, though, only see a row through a few values: its true and predicted
label, its score to some precision, its weight. Rows that agree on those fall in
one *cell*, and a statistic that sums over rows is a sum over cells.

The Poisson bootstrap gives every row an independent Poisson(1) count. Summed
over a cell of ``n`` rows, the counts are one Poisson(``n``) draw, so resampling
the cells' counts reproduces the row bootstrap's distribution exactly for any
statistic of the counts, at a cost independent of the number of rows. A cell's
other sums (weights, log losses) are resampled by the first two moments of the
Poisson bootstrap of that cell, ``R * mean + sqrt(R * var) * Z``: exact when the
value is the same for every row of the cell (unit weights), and the compound
Poisson's own mean and variance otherwise.

Cells are keyed by content, never by row position or partition, so the same rows
give the same cells, and the same draws, in memory or merged from the partitions
of a Dask frame, in any order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

__all__ = ["EXACT_BOOTSTRAP_ROWS", "CellTable", "resample_cells"]

#: Above this many rows, intervals come from cells (documented in the report's
#: methods); at or below, every row is resampled.
EXACT_BOOTSTRAP_ROWS = 50_000

#: Largest resampled (resamples x cells) block held at once.
_MAX_BLOCK = 1 << 21


@dataclass(frozen=True)
class CellTable:
    """Rows summed into cells.

    Attributes
    ----------
    keys : numpy.ndarray of shape (n_cells,)
        The cell of each entry (int64, sorted, unique).
    count : numpy.ndarray of shape (n_cells,)
        Rows per cell.
    sums, squares : dict of str to numpy.ndarray
        Per cell, the sum of each column's per-row values and of their squares.
    """

    keys: np.ndarray
    count: np.ndarray
    sums: dict[str, np.ndarray]
    squares: dict[str, np.ndarray]

    @classmethod
    def build(cls, cell: np.ndarray, columns: dict[str, np.ndarray]) -> CellTable:
        """Sum per-row ``columns`` into the cells ``cell`` (int64 ids) names."""
        keys, inverse = np.unique(np.asarray(cell, dtype=np.int64), return_inverse=True)
        k = len(keys)
        count = np.bincount(inverse, minlength=k).astype(float)
        sums = {n: np.bincount(inverse, weights=np.asarray(v, float), minlength=k) for n, v in columns.items()}
        squares = {n: np.bincount(inverse, weights=np.asarray(v, float) ** 2, minlength=k) for n, v in columns.items()}
        return cls(keys, count, sums, squares)

    def merge(self, other: CellTable) -> CellTable:
        """The table of both tables' rows (e.g. two partitions of a Dask frame)."""
        keys = np.union1d(self.keys, other.keys)
        a, b = np.searchsorted(keys, self.keys), np.searchsorted(keys, other.keys)

        def add(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            out = np.zeros(len(keys))
            np.add.at(out, a, x)
            np.add.at(out, b, y)
            return out

        return CellTable(
            keys,
            add(self.count, other.count),
            {n: add(v, other.sums[n]) for n, v in self.sums.items()},
            {n: add(v, other.squares[n]) for n, v in self.squares.items()},
        )

    @property
    def n_rows(self) -> int:
        return int(self.count.sum())


def resample_cells(table: CellTable, n_resamples: int, rng: np.random.Generator) -> Iterator[dict[str, np.ndarray]]:
    """Yield ``(b, n_cells)`` resampled sums of every column (and ``"count"``),
    in chunks whose layout depends only on the table's size.

    The draws are made in cell order (cells sorted by key), so they depend on the
    table's content alone.
    """
    k = len(table.keys)
    if n_resamples <= 0 or k == 0:
        return
    mean = {n: v / table.count for n, v in table.sums.items()}
    var = {n: np.clip(table.squares[n] / table.count - mean[n] ** 2, 0.0, None) for n in table.sums}
    spread = {n: v for n, v in var.items() if (v > 1e-300).any()}
    chunk = max(1, min(n_resamples, _MAX_BLOCK // k))
    done = 0
    while done < n_resamples:
        b = min(chunk, n_resamples - done)
        R = rng.poisson(table.count, size=(b, k)).astype(float)
        out = {"count": R}
        for n, m in mean.items():
            s = R * m
            if n in spread:
                s = s + np.sqrt(R * spread[n]) * rng.standard_normal((b, k))
            out[n] = s
        yield out
        done += b
