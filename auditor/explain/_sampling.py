"""Seeded row samples for the explanations that cannot afford every row."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["explanation_strata", "stratified_sample", "design_weights", "medoid_background"]


def explanation_strata(sensitive: pd.DataFrame, label_code: np.ndarray) -> np.ndarray:
    """Integer stratum of each row: its sensitive group crossed with its label.

    ``label_code`` is the true class code (classification) or the quartile of the
    true value (regression).
    """
    parts = [pd.Series(label_code).astype(str)]
    parts += [sensitive[c].astype(str).reset_index(drop=True) for c in sensitive.columns]
    key = parts[0]
    for p in parts[1:]:
        key = key + "\x1f" + p
    _, codes = np.unique(key.to_numpy(dtype=str), return_inverse=True)
    return codes.astype(np.int64)


def regression_label_code(y: np.ndarray) -> np.ndarray:
    """Quartile (0-3) of each true value, for stratifying a regression sample."""
    edges = np.quantile(np.asarray(y, dtype=float), [0.25, 0.5, 0.75])
    return np.searchsorted(edges, y, side="right")


def stratified_sample(strata: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Positions of ``n`` rows drawn without replacement, proportionally per stratum.

    Allocation is by largest remainder, with at least one row for every stratum
    when ``n`` allows it (a small sensitive group is never left out). Returned
    sorted, so the sample does not depend on the order of draws.
    """
    total = len(strata)
    if n >= total:
        return np.arange(total)
    values, counts = np.unique(strata, return_counts=True)
    k = len(values)
    alloc = np.zeros(k, dtype=np.int64)
    if n >= k:
        alloc += 1
    rest = n - alloc.sum()
    quota = rest * (counts - alloc) / max(1, (counts - alloc).sum())
    extra = np.floor(quota).astype(np.int64)
    left = rest - extra.sum()
    # ties broken by stratum order, which np.unique fixes
    order = np.argsort(-(quota - extra), kind="stable")
    extra[order[:left]] += 1
    alloc = np.minimum(alloc + extra, counts)
    picked = []
    for v, a in zip(values, alloc):
        idx = np.flatnonzero(strata == v)
        if a > 0:
            picked.append(rng.choice(idx, size=int(a), replace=False))
    return np.sort(np.concatenate(picked)) if picked else np.arange(0)


def design_weights(strata: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """Inverse inclusion probability of each sampled row (stratum size / rows drawn),
    so weighted means over the sample estimate means over every row."""
    values, counts = np.unique(strata, return_counts=True)
    size = dict(zip(values.tolist(), counts.tolist()))
    drawn_values, drawn = np.unique(strata[sample], return_counts=True)
    n_drawn = dict(zip(drawn_values.tolist(), drawn.tolist()))
    return np.array([size[s] / n_drawn[s] for s in strata[sample].tolist()], dtype=float)


def medoid_background(X: np.ndarray, k: int, rng: np.random.Generator, *, max_rows: int = 5000) -> tuple[np.ndarray, np.ndarray]:
    """A summarised background: ``k`` real rows, each standing for a cluster.

    k-means on standardised columns (on at most ``max_rows`` seeded rows) finds
    ``k`` clusters; each is represented by its real row closest to the centre and
    weighted by the cluster's share of rows. Real rows, unlike k-means centres,
    stay valid inputs (a one-hot block keeps a single 1).

    Returns
    -------
    positions : numpy.ndarray of shape (k,)
        Rows of ``X`` chosen.
    weights : numpy.ndarray of shape (k,)
        Shares summing to 1.
    """
    from sklearn.cluster import KMeans

    n = X.shape[0]
    pool = np.sort(rng.choice(n, size=max_rows, replace=False)) if n > max_rows else np.arange(n)
    Z = np.asarray(X[pool], dtype=float)
    scale = Z.std(axis=0)
    Z = (Z - Z.mean(axis=0)) / np.where(scale > 0, scale, 1.0)
    k = min(k, len(np.unique(Z, axis=0)))
    km = KMeans(n_clusters=k, n_init=3, random_state=int(rng.integers(2**31 - 1))).fit(Z)
    labels = km.labels_
    chosen, weights = [], []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        if len(members) == 0:
            continue
        d = ((Z[members] - km.cluster_centers_[c]) ** 2).sum(axis=1)
        chosen.append(pool[members[np.argmin(d)]])
        weights.append(len(members))
    w = np.asarray(weights, dtype=float)
    return np.asarray(chosen, dtype=np.int64), w / w.sum()
