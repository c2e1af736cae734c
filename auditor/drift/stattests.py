"""Two-sample tests and the multiple-testing adjustment.

Unweighted, every statistic and p-value equals scipy's:

- :func:`ks_2samp` is :func:`scipy.stats.ks_2samp` (two-sided) computed from
  arrays sorted once and shared with the Wasserstein distance. The p-value method
  is explicit: ``"auto"`` is scipy's rule, exact when both samples have at most
  :data:`KS_EXACT_MAX_N` values, else Smirnov's asymptotic distribution
  (``scipy.stats.kstwo.sf(d, round(n m / (n + m)))``).
- :func:`chi2_homogeneity` is :func:`scipy.stats.chi2_contingency` on the
  2 x k table of counts with ``correction=False``: Yates' correction is for 2 x 2
  tables of small counts, and an effect size, not the p-value, decides whether a
  difference matters.

With sample weights the distributions are weighted and each sample counts as its
Kish effective size ``(sum w)^2 / sum w^2``, the number of unweighted rows that
would carry the same information; the KS p-value is then asymptotic.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["KS_EXACT_MAX_N", "TestResult", "SortedSample", "MergedECDF", "ks_2samp", "chi2_homogeneity", "two_proportion_test",
           "benjamini_hochberg", "effective_size"]

#: scipy's ``ks_2samp(method="auto")`` bound for the exact p-value.
KS_EXACT_MAX_N = 10_000


@dataclass(frozen=True)
class TestResult:
    """A test's statistic, p-value and how the p-value was computed."""

    statistic: float | None
    p_value: float | None
    method: str
    reason: str | None = None

    __test__ = False  # not a pytest class


def effective_size(weights: np.ndarray | None, n: int) -> float:
    """Kish's effective sample size; ``n`` without weights."""
    if weights is None:
        return float(n)
    s2 = float((weights * weights).sum())
    return float(weights.sum()) ** 2 / s2 if s2 > 0 else 0.0


@dataclass(frozen=True)
class SortedSample:
    """Non-missing values in ascending order with their weights' running share.

    ``cdf[i]`` is the (weighted) share of values ``<= values[i]`` once ties are
    resolved by :meth:`ecdf`. Built once per column and side, it serves the KS
    test, the Wasserstein distance and the PSI bins.
    """

    values: np.ndarray
    cum_weight: np.ndarray | None
    n: int
    n_effective: float

    @classmethod
    def of(cls, values: np.ndarray, weights: np.ndarray | None = None) -> SortedSample:
        values = np.asarray(values, dtype=float)
        keep = ~np.isnan(values)
        if weights is None:
            v = np.sort(values[keep])
            return cls(v, None, len(v), float(len(v)))
        w = np.asarray(weights, dtype=float)[keep]
        v = values[keep]
        order = np.argsort(v, kind="stable")
        v, w = v[order], w[order]
        return cls(v, np.cumsum(w), len(v), effective_size(w, len(v)))

    @property
    def total(self) -> float:
        return float(self.n if self.cum_weight is None else self.cum_weight[-1]) if self.n else 0.0

    def ecdf(self, x: np.ndarray) -> np.ndarray:
        """Share of the sample ``<= x`` (right-continuous empirical CDF)."""
        idx = np.searchsorted(self.values, x, side="right")
        if self.cum_weight is None:
            # counts divided once, as scipy does, so results agree to the last bit
            return idx / self.n
        cum = np.concatenate([[0.0], self.cum_weight])
        return cum[idx] / self.cum_weight[-1]


@dataclass(frozen=True)
class MergedECDF:
    """Both empirical CDFs at every distinct value of the pooled sample.

    ``points`` ascending; ``reference[i]`` and ``current[i]`` the shares of each
    sample ``<= points[i]``. The KS statistic and the Wasserstein distance are
    both read off these arrays, so each column is merged once.
    """

    points: np.ndarray
    reference: np.ndarray
    current: np.ndarray

    @classmethod
    def of(cls, reference: SortedSample, current: SortedSample) -> MergedECDF:
        values = np.concatenate([reference.values, current.values])
        # a stable sort of two sorted runs is a linear merge (timsort)
        order = np.argsort(values, kind="stable")
        merged = values[order]
        from_ref = order < reference.n
        # the CDF at a value counts every tied row: read it at the last row of each run
        ends = np.flatnonzero(np.r_[merged[1:] != merged[:-1], True])
        if reference.cum_weight is None and current.cum_weight is None:
            below_ref = np.cumsum(from_ref)[ends]
            f_ref = below_ref / reference.n
            f_cur = (ends + 1 - below_ref) / current.n
        else:
            w_ref = np.ones(reference.n) if reference.cum_weight is None else np.diff(reference.cum_weight, prepend=0.0)
            w_cur = np.ones(current.n) if current.cum_weight is None else np.diff(current.cum_weight, prepend=0.0)
            w = np.concatenate([w_ref, w_cur])[order]
            f_ref = np.cumsum(np.where(from_ref, w, 0.0))[ends] / reference.total
            f_cur = np.cumsum(np.where(from_ref, 0.0, w))[ends] / current.total
        return cls(merged[ends], f_ref, f_cur)


def ks_2samp(reference: SortedSample, current: SortedSample, *, method: str = "auto",
             merged: MergedECDF | None = None) -> TestResult:
    """Two-sided two-sample Kolmogorov-Smirnov test.

    Parameters
    ----------
    reference, current : SortedSample
    method : {"auto", "exact", "asymp"}
        How the p-value is computed; ``"auto"`` is exact when both samples have
        at most :data:`KS_EXACT_MAX_N` values and no weights, asymptotic
        otherwise. Weighted samples are always asymptotic.
    merged : MergedECDF, optional
        Both CDFs on the pooled values (a caller computing the Wasserstein
        distance too passes it to merge once).

    Returns
    -------
    TestResult
        ``statistic`` is ``sup |F_ref - F_cur|``; ``method`` is ``"exact"`` or
        ``"asymp"``. Undefined (``None``) when a sample is empty.
    """
    if method not in ("auto", "exact", "asymp"):
        raise ValueError(f"Expected method 'auto', 'exact' or 'asymp'. Got {method!r} instead.")
    if reference.n == 0 or current.n == 0:
        return TestResult(None, None, method, "a sample has no non-missing value")
    if merged is None:
        merged = MergedECDF.of(reference, current)
    diff = merged.reference - merged.current
    d = float(max(diff.max(), -diff.min(), 0.0))
    weighted = reference.cum_weight is not None or current.cum_weight is not None
    if method == "auto":
        method = "exact" if max(reference.n, current.n) <= KS_EXACT_MAX_N and not weighted else "asymp"
    if method == "exact" and weighted:
        raise ValueError("Expected method 'auto' or 'asymp' with sample weights. Got 'exact' instead: "
                         "the exact distribution assumes unweighted rows.")
    if method == "exact":
        # scipy's exact path counts lattice paths for these sizes; the statistic
        # it recomputes from the same sorted data is ours bit for bit. When the
        # exact count fails numerically scipy falls back to asymp with a warning:
        # the method we report says which one answered.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = stats.ks_2samp(reference.values, current.values, method="exact")
        fell_back = any("Switching to" in str(w.message) for w in caught)
        return TestResult(float(res.statistic), float(res.pvalue), "asymp" if fell_back else "exact")
    m, n = sorted([reference.n_effective, current.n_effective], reverse=True)
    en = m * n / (m + n)
    if en < 1:
        return TestResult(d, None, "asymp", "the effective sample size is below one row")
    p = float(np.clip(stats.kstwo.sf(d, np.round(en)), 0.0, 1.0))
    return TestResult(d, p, "asymp")


def chi2_homogeneity(counts_reference: np.ndarray, counts_current: np.ndarray) -> TestResult:
    """Pearson's chi-squared test that two samples share one categorical distribution.

    Parameters
    ----------
    counts_reference, counts_current : ndarray of shape (k,)
        (Weighted) counts per category over the same categories. Categories empty
        on both sides are dropped.

    Returns
    -------
    TestResult
        ``method`` is ``"chi2"``. With a single category on both sides nothing can
        differ: statistic 0 and p-value 1, as scipy. Undefined when a side is empty.
    """
    table = np.vstack([np.asarray(counts_reference, dtype=float), np.asarray(counts_current, dtype=float)])
    table = table[:, table.sum(axis=0) > 0]
    row = table.sum(axis=1)
    if (row <= 0).any():
        return TestResult(None, None, "chi2", "a sample has no rows")
    if table.shape[1] < 2:
        return TestResult(0.0, 1.0, "chi2")
    expected = np.outer(row, table.sum(axis=0)) / row.sum()
    statistic = float(((table - expected) ** 2 / expected).sum())
    dof = table.shape[1] - 1
    return TestResult(statistic, float(stats.chi2.sf(statistic, dof)), "chi2")


def two_proportion_test(k1: float, n1: float, k2: float, n2: float) -> TestResult:
    """Pooled two-proportion z-test (two-sided), equal to the 2 x 2 chi-squared test
    without continuity correction. Undefined when a sample is empty or the pooled
    proportion is 0 or 1 (both samples all-or-nothing alike: statistic 0, p 1)."""
    if n1 <= 0 or n2 <= 0:
        return TestResult(None, None, "z", "a sample has no rows")
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return TestResult(0.0, 1.0, "z")
    z = (k1 / n1 - k2 / n2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return TestResult(float(z), float(2 * stats.norm.sf(abs(z))), "z")


def benjamini_hochberg(p_values) -> list[float | None]:
    """Benjamini-Hochberg adjusted p-values (step-up, false discovery rate).

    ``None`` entries (untestable) stay ``None`` and do not count in the number of
    tests. ``adjusted_(i) = min_{j >= i} m p_(j) / j``, capped at 1 (a p-value).
    """
    p = [None if v is None else float(v) for v in p_values]
    idx = [i for i, v in enumerate(p) if v is not None]
    out: list[float | None] = [None] * len(p)
    if not idx:
        return out
    vals = np.array([p[i] for i in idx])
    m = len(vals)
    order = np.argsort(vals, kind="stable")
    scaled = vals[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.minimum(adjusted, 1.0)
    for rank, j in enumerate(order):
        out[idx[j]] = float(adjusted[rank])
    return out
