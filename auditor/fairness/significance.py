"""Tests of "no difference from the reference group", and Holm's adjustment.

A verdict says whether a gap is *practically* large (its interval against a
threshold); these tests say whether it is *statistically* clear, i.e. whether the
data could plausibly come from groups with no difference at all. The two answer
different questions, so the report shows both (see
:func:`auditor.fairness.checks.classify_evidence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import special, stats

from auditor.bootstrap import MAX_CELLS

__all__ = ["FISHER_BELOW", "ProportionTest", "two_proportion_test", "proportion_pvalues", "error_permutation_test", "holm"]

#: Fisher's exact test replaces the z test when the smallest expected count of
#: the 2 x 2 table under "no difference" is below this (Cochran's rule: the
#: normal approximation behind the z test needs every expected count >= 5).
FISHER_BELOW = 5.0


@dataclass(frozen=True)
class ProportionTest:
    """Two-sided p-value of "both proportions are equal" and the test that gave it."""

    p_value: float
    test: Literal["fisher", "z"]


def two_proportion_test(successes_1: float, n_1: float, successes_2: float, n_2: float) -> ProportionTest:
    """Test that two groups share one proportion.

    The pooled two-proportion z test (equal to Pearson's chi-square test without
    continuity correction), or Fisher's exact test when an expected count is
    below :data:`FISHER_BELOW`.

    Parameters
    ----------
    successes_1, n_1, successes_2, n_2 : float
        Counts of each group. Weighted data pass *effective* counts (Kish's
        effective size of the denominator, and the weighted proportion times
        it); Fisher's test rounds them to whole rows.

    Returns
    -------
    ProportionTest

    Raises
    ------
    ValueError
        If a group has no rows or more successes than rows.
    """
    p, tests = proportion_pvalues([successes_1], [n_1], [successes_2], [n_2])
    return ProportionTest(float(p[0]), tests[0])


def proportion_pvalues(successes_1, n_1, successes_2, n_2) -> tuple[np.ndarray, list[Literal["fisher", "z"]]]:
    """:func:`two_proportion_test` over arrays of comparisons.

    Returns
    -------
    p_values : ndarray
    tests : list of {"fisher", "z"}
    """
    x1, n1, x2, n2 = (np.asarray(v, dtype=float).reshape(-1) for v in (successes_1, n_1, successes_2, n_2))
    bad = (n1 <= 0) | (n2 <= 0) | ~((0 <= x1) & (x1 <= n1)) | ~((0 <= x2) & (x2 <= n2))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"Expected 0 <= successes <= n and n > 0 in both groups. Got {x1[i]}/{n1[i]} and "
                         f"{x2[i]}/{n2[i]} instead.")
    pooled = (x1 + x2) / (n1 + n2)
    fisher = np.minimum(n1, n2) * np.minimum(pooled, 1.0 - pooled) < FISHER_BELOW
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (x1 / n1 - x2 / n2) / np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    p = 2.0 * special.ndtr(-np.abs(z))
    for i in np.flatnonzero(fisher):
        a, b = round(x1[i]), round(x2[i])
        p[i] = stats.fisher_exact([[a, round(n1[i]) - a], [b, round(n2[i]) - b]]).pvalue
    return p, ["fisher" if f else "z" for f in fisher]


_ERRORS = {"mean_absolute_error": np.abs, "root_mean_squared_error": np.square}


def error_permutation_test(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    sensitive_features: np.ndarray,
    *,
    reference: int,
    metric: Literal["mean_absolute_error", "root_mean_squared_error"] = "mean_absolute_error",
    sample_weight: np.ndarray | None = None,
    n_permutations: int = 999,
    random_state: np.random.Generator,
) -> np.ndarray:
    """Permutation p-values of "the group's errors are like the reference's".

    For each group, its rows and the reference's rows are pooled and split at
    random into two sets of the original sizes; the p-value is the share of
    splits whose gap in the error metric is at least the observed one (two-sided,
    counting the observed split: ``(1 + k) / (1 + n_permutations)``). Under
    exchangeable errors the test is exact whatever their distribution. Rows carry
    their weights when permuted.

    Parameters
    ----------
    y_true, y_pred : array of shape (n_rows,)
    sensitive_features : array of int of shape (n_rows,)
        Group codes ``0 .. G - 1``.
    reference : int
        Code of the reference group.
    metric : {"mean_absolute_error", "root_mean_squared_error"}
    sample_weight : array of shape (n_rows,), optional
    n_permutations : int, default=999
    random_state : numpy.random.Generator
        Drives every split. Groups are tested in an order set by their content
        and rows are sorted by value first, so neither group labels nor row order
        change the result.

    Returns
    -------
    ndarray of shape (G,)
        NaN for the reference group and for empty groups.
    """
    if metric not in _ERRORS:
        raise ValueError(f"Expected metric in {sorted(_ERRORS)}. Got {metric!r} instead.")
    codes = np.asarray(sensitive_features, dtype=np.int64)
    err = _ERRORS[metric](np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float))
    w = np.ones(len(codes)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    G = int(codes.max()) + 1 if len(codes) else 0
    out = np.full(G, np.nan)
    if not 0 <= reference < G:
        raise ValueError(f"Expected reference in 0..{G - 1}. Got {reference} instead.")
    signature = np.stack([np.bincount(codes, minlength=G), np.bincount(codes, w, G), np.bincount(codes, w * err, G),
                          np.bincount(codes, w * err**2, G)])
    ref_rows = np.flatnonzero(codes == reference)
    ref_rows = ref_rows[np.lexsort((w[ref_rows], err[ref_rows]))]
    for g in np.lexsort(signature[::-1]):
        if g == reference or signature[0, g] == 0:
            continue
        rows = np.flatnonzero(codes == g)
        rows = rows[np.lexsort((w[rows], err[rows]))]
        pooled = np.concatenate([rows, ref_rows])
        out[g] = _permutation_pvalue(err[pooled], w[pooled], len(rows), metric, n_permutations, random_state)
    return out


def _statistic(sum_we_1, sum_w_1, sum_we, sum_w, metric):
    with np.errstate(divide="ignore", invalid="ignore"):
        m1 = sum_we_1 / sum_w_1
        m2 = (sum_we - sum_we_1) / (sum_w - sum_w_1)
    if metric == "root_mean_squared_error":
        m1, m2 = np.sqrt(m1), np.sqrt(m2)
    return m1 - m2


def _permutation_pvalue(err, w, n_1, metric, n_permutations, rng) -> float:
    we = w * err
    total_we, total_w = we.sum(), w.sum()
    observed = abs(_statistic(we[:n_1].sum(), w[:n_1].sum(), total_we, total_w, metric))
    # a split equal to the observed one in exact arithmetic can differ in the last bits
    tol = 1e-12 * max(1.0, observed)
    n = len(err)
    chunk = max(1, MAX_CELLS // n)
    hits = done = 0
    while done < n_permutations:
        b = min(chunk, n_permutations - done)
        first = np.argsort(rng.random((b, n)), axis=1)[:, :n_1]
        t = _statistic(we[first].sum(axis=1), w[first].sum(axis=1), total_we, total_w, metric)
        hits += int(np.count_nonzero(np.abs(t) >= observed - tol))
        done += b
    return (1.0 + hits) / (1.0 + n_permutations)


def holm(p_values: Sequence[float | None]) -> tuple[float | None, ...]:
    """Holm's step-down adjustment (as ``statsmodels`` ``multipletests(method="holm")``).

    The ``i``-th smallest of ``m`` p-values is multiplied by ``m - i + 1``, the
    results are made non-decreasing in that order and capped at 1. It controls
    the chance of any false "clear difference" among the ``m`` at the level
    used, under any dependence between the tests.

    Parameters
    ----------
    p_values : sequence of float or None
        ``None`` (or NaN) marks a test not made; it is left out of ``m`` and
        stays ``None``.

    Returns
    -------
    tuple of float or None
        Adjusted p-values in the input order.
    """
    p = np.array([np.nan if v is None else float(v) for v in p_values], dtype=float)
    known = np.flatnonzero(~np.isnan(p))
    out: list[float | None] = [None] * len(p)
    if len(known) == 0:
        return tuple(out)
    order = known[np.argsort(p[known], kind="stable")]
    m = len(order)
    adjusted = np.minimum(1.0, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    for i, v in zip(order, adjusted):
        out[i] = float(v)
    return tuple(out)
