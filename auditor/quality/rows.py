"""Duplicated rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.drift.checks import check_frame
from auditor.results.data_quality import DuplicateRows

__all__ = ["DuplicateRows", "duplicate_rows", "duplicates_from_hashes"]


def duplicate_rows(X: pd.DataFrame) -> DuplicateRows:
    """Count duplicated rows of ``X`` (all columns; missing values equal each other).

    Rows are compared through a 64-bit hash of their values
    (``pandas.util.hash_pandas_object``, index ignored): linear time, and a
    collision between distinct rows has probability about ``n^2 / 2^65``
    (3e-8 for a million rows). The counts do not depend on row order.
    """
    check_frame(X, "X")
    if len(X) == 0 or X.shape[1] == 0:
        return duplicates_from_hashes(np.zeros(len(X), dtype=np.uint64), X.shape[1])
    return duplicates_from_hashes(pd.util.hash_pandas_object(X, index=False).to_numpy(), X.shape[1])


def duplicates_from_hashes(hashes: np.ndarray, n_columns: int) -> DuplicateRows:
    """:func:`duplicate_rows` from the rows' hashes (``pandas.util.hash_pandas_object``
    with the index ignored, as :func:`auditor.data.row_hashes` gives them): what
    the Dask engine brings back from the workers instead of the rows."""
    n = len(hashes)
    if n == 0:
        return DuplicateRows(0, 0, None, 0, 0, "no rows")
    if n_columns == 0:
        return DuplicateRows(n, n - 1, (n - 1) / n, 1, n, "no columns: every row is the empty row")
    _, counts = np.unique(np.asarray(hashes), return_counts=True)
    return DuplicateRows(
        n_rows=n, n_duplicates=int(n - len(counts)), duplicate_share=(n - len(counts)) / n,
        n_duplicated_groups=int((counts > 1).sum()), largest_group=int(counts.max()),
    )
