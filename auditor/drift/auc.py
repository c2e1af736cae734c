"""ROC AUC with DeLong's variance, from ranks (O(n log n)).

DeLong, DeLong & Clarke-Pearson (1988) write the AUC as the mean of per-row
"structural components"; their sample variances give the AUC's variance without
resampling. Midranks count ties one half, as the Mann-Whitney statistic does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["DelongAUC", "delong_auc", "auc_score"]


@dataclass(frozen=True)
class DelongAUC:
    """AUC, its DeLong standard error and normal confidence interval (bounds clipped to [0, 1])."""

    auc: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    reason: str | None = None


def auc_score(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Mann-Whitney AUC of ``y_score`` for the positive class (``y_true == 1``); NaN with one class."""
    y = np.asarray(y_true).astype(bool)
    m, n = int(y.sum()), int((~y).sum())
    if m == 0 or n == 0:
        return float("nan")
    ranks = stats.rankdata(y_score)
    return float((ranks[y].sum() - m * (m + 1) / 2) / (m * n))


def delong_auc(y_true: np.ndarray, y_score: np.ndarray, *, confidence_level: float = 0.95) -> DelongAUC:
    """AUC with DeLong's standard error and a normal interval.

    Parameters
    ----------
    y_true : array of shape (n,)
        1 for the positive class, 0 otherwise.
    y_score : array of shape (n,)
    confidence_level : float, default 0.95

    Returns
    -------
    DelongAUC
        ``p_value`` is one-sided, for ``AUC > 0.5`` (the classes can be told apart).
        Undefined with fewer than two rows in a class.
    """
    y = np.asarray(y_true).astype(bool)
    s = np.asarray(y_score, dtype=float)
    pos, neg = s[y], s[~y]
    m, n = len(pos), len(neg)
    if m < 2 or n < 2:
        return DelongAUC(None, None, None, None, None, "fewer than two rows in a class")
    r_all = stats.rankdata(s)
    r_pos, r_neg = stats.rankdata(pos), stats.rankdata(neg)
    # share of negatives below each positive (ties one half), and of positives above each negative
    v10 = (r_all[y] - r_pos) / n
    v01 = 1.0 - (r_all[~y] - r_neg) / m
    auc = float(v10.mean())
    se = float(np.sqrt(np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n))
    if se == 0:
        return DelongAUC(auc, 0.0, auc, auc, 0.0 if auc > 0.5 else 1.0,
                         "the scores separate the classes perfectly (or not at all): zero variance")
    z = stats.norm.ppf(0.5 + confidence_level / 2)
    return DelongAUC(
        auc=auc,
        se=se,
        ci_low=float(max(0.0, auc - z * se)),
        ci_high=float(min(1.0, auc + z * se)),
        p_value=float(stats.norm.sf((auc - 0.5) / se)),
    )
