"""Folding contributions on a pipeline's transformed columns back to raw columns.

Each transformed column belongs to exactly one group: the raw column it derives
from, or the joint group ``"a + b"`` of every raw column it may derive from (see
:mod:`auditor.lineage`). A group's contribution is the sum of its columns'
contributions, so totals, and hence additivity, are preserved by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditor.lineage import group_label

__all__ = ["Folding", "folding_from_lineage"]


@dataclass(frozen=True)
class Folding:
    """Which group each transformed column sums into.

    Attributes
    ----------
    names : tuple of str
        Group names: raw columns in the model's column order, then joint groups
        in order of first appearance.
    members : tuple of tuple of str
        The raw columns of each group.
    column_group : numpy.ndarray of shape (n_transformed,)
        Group index of every transformed column.
    """

    names: tuple[str, ...]
    members: tuple[tuple[str, ...], ...]
    column_group: np.ndarray

    @property
    def n_groups(self) -> int:
        return len(self.names)

    def columns(self, group: int) -> np.ndarray:
        """Transformed columns of ``group``."""
        return np.flatnonzero(self.column_group == group)

    def matrix(self) -> np.ndarray:
        """``(n_transformed, n_groups)`` 0/1 matrix: ``values @ matrix`` folds."""
        m = np.zeros((len(self.column_group), self.n_groups))
        m[np.arange(len(self.column_group)), self.column_group] = 1.0
        return m

    def fold(self, values: np.ndarray) -> np.ndarray:
        """Sum ``(n_rows, n_transformed, n_outputs)`` values into ``(n_rows, n_groups, n_outputs)``."""
        out = np.zeros((values.shape[0], self.n_groups, values.shape[2]))
        for g in range(self.n_groups):
            cols = self.columns(g)
            out[:, g, :] = values[:, cols, :].sum(axis=1)
        return out


def folding_from_lineage(lineage: Sequence[Sequence[str]], raw_order: Sequence[str]) -> Folding:
    """Build the folding of transformed columns whose raw parents are ``lineage``.

    Raw columns no transformed column derives from (dropped by the preprocessor)
    have no group: they contribute nothing to the model.
    """
    order = {c: i for i, c in enumerate(raw_order)}
    keys = [tuple(p) for p in lineage]
    distinct = list(dict.fromkeys(keys))
    singles = sorted((k for k in distinct if len(k) == 1), key=lambda k: order.get(k[0], len(order)))
    joint = [k for k in distinct if len(k) != 1]
    groups = singles + joint
    index = {k: i for i, k in enumerate(groups)}
    return Folding(
        names=tuple(group_label(k) for k in groups),
        members=tuple(groups),
        column_group=np.array([index[k] for k in keys], dtype=np.int64),
    )
