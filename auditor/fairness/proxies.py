"""Proxies: how much each feature tells about a sensitive attribute.

A model that never sees ``sex`` can still treat the sexes differently through a
feature that encodes it (``relationship = Husband``). Strength is the mutual
information between feature and attribute divided by the attribute's entropy: the
share of the uncertainty about the attribute the feature removes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.results import Proxy

__all__ = ["find_proxies", "proxy_sample", "MAX_ROWS"]

#: Rows used for the estimate (a seeded sample beyond this): the k-nearest-neighbour
#: estimator of mutual information grows as n log n and 5,000 rows fix it well.
MAX_ROWS = 5000


def _entropy(codes: np.ndarray) -> float:
    p = np.bincount(codes) / len(codes)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def proxy_sample(n_rows: int, rng: np.random.Generator) -> np.ndarray:
    """Positions (sorted) of the rows the estimate reads: all of them up to
    :data:`MAX_ROWS`, else a seeded sample of that many."""
    return np.sort(rng.choice(n_rows, size=MAX_ROWS, replace=False)) if n_rows > MAX_ROWS else np.arange(n_rows)


def find_proxies(
    X: pd.DataFrame,
    sensitive: pd.DataFrame,
    features: list[str],
    rng: np.random.Generator | None,
    seed: int,
) -> tuple[list[Proxy], int]:
    """Strength of every feature as a proxy of every sensitive column, strongest first.

    ``rng`` draws the sample of :func:`proxy_sample` when ``X`` has more rows
    than :data:`MAX_ROWS`; a caller that already drew it may pass ``None``.
    """
    from sklearn.feature_selection import mutual_info_classif

    n = len(X)
    if n > MAX_ROWS and rng is None:
        raise ValueError(f"Expected a random generator to sample {MAX_ROWS} of the {n} rows. Got None.")
    rows = proxy_sample(n, rng) if n > MAX_ROWS else np.arange(n)
    Xs = X.iloc[rows]
    encoded = []
    discrete = []
    for col in features:
        s = Xs[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) and s.nunique() > 20:
            v = s.astype(float)
            encoded.append(v.fillna(v.median() if v.notna().any() else 0.0).to_numpy())
            discrete.append(False)
        else:
            # categories, and numbers with few values, are counted, not estimated
            encoded.append(pd.factorize(s.astype(str), use_na_sentinel=False)[0].astype(float))
            discrete.append(True)
    if not encoded:
        return [], len(rows)
    matrix = np.column_stack(encoded)
    out = []
    for attr in sensitive.columns:
        codes = pd.factorize(sensitive[attr].iloc[rows].astype(str))[0]
        h = _entropy(codes)
        if h == 0:
            continue
        mi = mutual_info_classif(matrix, codes, discrete_features=np.array(discrete), random_state=seed, n_neighbors=3)
        for col, value in zip(features, mi):
            out.append(Proxy(sensitive_feature=attr, feature=col, strength=float(min(max(value / h, 0.0), 1.0)),
                             mutual_information=float(value)))
    out.sort(key=lambda p: (-p.strength, p.sensitive_feature, p.feature))
    return out, len(rows)
