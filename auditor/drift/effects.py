"""Effect sizes of a distribution change: how large it is, not how sure we are.

A p-value shrinks as rows are added even for a negligible change; these do not
grow with ``n``, so they decide whether a significant change matters.

- **PSI** (population stability index), ``sum (c - r) ln(c / r)`` over bins with
  shares ``r`` (reference) and ``c`` (current). Numeric bins are cut at the
  reference's deciles, inverted-CDF quantiles (each edge is an observed value,
  so a heavily tied value such as ``capital_gain = 0`` gets a bin of its own
  instead of an empty one); repeated edges merge; bins are right-closed,
  ``(e_{i-1}, e_i]``, with open ends ``(-inf, e_1]`` and ``(e_9, inf)`` so that
  values outside the reference's range still fall in a bin. Categorical bins are
  the categories, missing included. An empty bin's share is replaced by
  :data:`PSI_EPSILON` (as Evidently does, without renormalising) because
  ``ln(0)`` is undefined; PSI of a category absent from the reference is then
  large but finite.
- **Normalised Wasserstein distance** (numeric): the earth mover's distance
  (``scipy.stats.wasserstein_distance``) divided by the reference's standard
  deviation (``ddof=0``), as Evidently's ``wasserstein`` test: a shift of one
  reference standard deviation is 1. Undefined for a constant reference
  (Evidently floors the deviation at 0.001; we report ``None`` with a reason).
- **Jensen-Shannon distance** (categorical): ``scipy.spatial.distance.
  jensenshannon`` in base 2, between 0 (same shares) and 1 (no common category).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import jensenshannon

from auditor.drift.stattests import MergedECDF, SortedSample

__all__ = ["PSI_EPSILON", "N_BINS", "psi", "decile_edges", "binned_shares", "wasserstein", "normalized_wasserstein",
           "js_distance", "weighted_std"]

#: Share given to an empty bin in the PSI.
PSI_EPSILON = 1e-4
#: Quantile bins of a numeric PSI (deciles).
N_BINS = 10


def psi(shares_reference: np.ndarray, shares_current: np.ndarray, *, epsilon: float = PSI_EPSILON) -> float:
    """Population stability index of two share vectors over the same bins."""
    r = np.asarray(shares_reference, dtype=float)
    c = np.asarray(shares_current, dtype=float)
    r = np.where(r == 0, epsilon, r)
    c = np.where(c == 0, epsilon, c)
    return float(np.sum((c - r) * np.log(c / r)))


def decile_edges(reference: SortedSample, n_bins: int = N_BINS) -> np.ndarray:
    """Distinct inner bin edges: the reference's ``k / n_bins`` inverted-CDF quantiles.

    The ``k / n_bins`` quantile is the smallest value whose (weighted) share of
    values at or below it reaches ``k / n_bins``. Unweighted, that is the value
    at sorted position ``ceil(k n / n_bins) - 1``, computed in integers so that no
    rounding moves an edge.
    """
    if reference.n == 0:
        return np.empty(0)
    k = np.arange(1, n_bins)
    if reference.cum_weight is None:
        pos = -(-k * reference.n // n_bins) - 1
    else:
        pos = np.searchsorted(reference.cum_weight, k / n_bins * reference.cum_weight[-1], side="left")
        pos = np.minimum(pos, reference.n - 1)
    return np.unique(reference.values[pos])


def binned_shares(sample: SortedSample, edges: np.ndarray) -> np.ndarray:
    """Shares of ``sample`` in the right-closed bins that ``edges`` cut (``len(edges) + 1`` bins)."""
    if sample.n == 0:
        return np.full(len(edges) + 1, np.nan)
    at_or_below = np.searchsorted(sample.values, edges, side="right")
    if sample.cum_weight is None:
        cum = np.concatenate([[0], at_or_below, [sample.n]]).astype(float)
    else:
        cw = np.concatenate([[0.0], sample.cum_weight])
        cum = np.concatenate([[0.0], cw[at_or_below], [cw[-1]]])
    return np.diff(cum) / cum[-1]


def wasserstein(reference: SortedSample, current: SortedSample, merged: MergedECDF | None = None) -> float:
    """First Wasserstein distance, ``integral |F_ref - F_cur| dx``, as scipy computes it.

    ``merged`` holds both CDFs on the pooled values (shared with the KS test to
    merge once). Between consecutive distinct values the CDFs are constant, so
    the integral is a sum over those gaps.
    """
    if merged is None:
        merged = MergedECDF.of(reference, current)
    gaps = np.diff(merged.points)
    return float(np.sum(np.multiply(np.abs(merged.reference[:-1] - merged.current[:-1]), gaps)))


def weighted_std(sample: SortedSample) -> float:
    """Standard deviation with ``ddof=0`` (weighted when the sample is)."""
    if sample.n == 0:
        return float("nan")
    if sample.cum_weight is None:
        return float(np.std(sample.values))
    w = np.diff(np.concatenate([[0.0], sample.cum_weight]))
    mean = (w * sample.values).sum() / sample.cum_weight[-1]
    return float(np.sqrt((w * (sample.values - mean) ** 2).sum() / sample.cum_weight[-1]))


def normalized_wasserstein(reference: SortedSample, current: SortedSample,
                           merged: MergedECDF | None = None) -> tuple[float | None, str | None]:
    """Wasserstein distance in units of the reference's standard deviation, and why not when undefined."""
    if reference.n == 0 or current.n == 0:
        return None, "a sample has no non-missing value"
    sd = weighted_std(reference)
    if not sd > 0:
        return None, "the reference is constant, so a distance in its standard deviations is undefined"
    return wasserstein(reference, current, merged) / sd, None


def js_distance(shares_reference: np.ndarray, shares_current: np.ndarray) -> float:
    """Jensen-Shannon distance in base 2 (scipy's ``jensenshannon``), in [0, 1]."""
    return float(jensenshannon(np.asarray(shares_reference, dtype=float), np.asarray(shares_current, dtype=float), base=2))
