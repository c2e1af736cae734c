"""Simulated audits with known group rates, for coverage tests and the power bench.

Each simulated data set draws every group's confusion counts from a multinomial
with the true cell probabilities; its bootstrap is the count-level stratified
bootstrap (:func:`auditor.fairness.counts.resample_cells`, equal in distribution
to the row bootstrap the audit runs); then the production engine
(:func:`~auditor.fairness.reference.compare_to_reference`, :func:`ratio_check`,
:func:`difference_check`) runs on it exactly as on real data. Many data sets
are drawn at once, in chunks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditor.fairness.checks import difference_check, ratio_check
from auditor.fairness.counts import rates_from_cells, resample_cells
from auditor.fairness.reference import GroupMetric, compare_to_reference

__all__ = ["cell_probabilities", "CheckRates", "SimulationSummary", "simulate"]

#: Cells (tn, fp, fn, tp) = (0, 1, 2, 3) in each rate's denominator.
_DENOMINATOR_CELLS = {
    "selection_rate": [0, 1, 2, 3],
    "accuracy": [0, 1, 2, 3],
    "true_positive_rate": [2, 3],
    "false_negative_rate": [2, 3],
    "false_positive_rate": [0, 1],
    "true_negative_rate": [0, 1],
    "precision": [1, 3],
}


def cell_probabilities(base_rate, true_positive_rate, false_positive_rate) -> np.ndarray:
    """(G, 4) probabilities of (tn, fp, fn, tp) from per-group rates (scalars broadcast)."""
    b, tpr, fpr = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (base_rate, true_positive_rate,
                                                                              false_positive_rate)))
    return np.stack([(1 - b) * (1 - fpr), (1 - b) * fpr, b * (1 - tpr), b * tpr], axis=-1).reshape(-1, 4)


@dataclass(frozen=True)
class CheckRates:
    """One check over the simulated data sets, as shares of them.

    ``coverage``: every judged comparison's simultaneous interval on the check's
    scale holds its true value. ``check_coverage``: the check's bounds hold the
    true worst value. ``pass_``, ``fail``, ``inconclusive``: its verdicts.
    """

    coverage: float
    check_coverage: float
    pass_: float
    fail: float
    inconclusive: float


@dataclass(frozen=True)
class SimulationSummary:
    """A ratio check (``epsilon``) and a difference check (``threshold``) on the same data sets."""

    n_datasets: int
    ratio: CheckRates
    difference: CheckRates


def simulate(
    probabilities: np.ndarray,
    sizes: Sequence[int],
    *,
    metrics: Sequence[str] = ("selection_rate",),
    epsilon: float = 0.8,
    threshold: float = 0.1,
    n_datasets: int = 500,
    n_resamples: int = 1000,
    min_group_size: int = 30,
    reference: int = 0,
    confidence_level: float = 0.95,
    rng: np.random.Generator,
    chunk: int = 100,
) -> SimulationSummary:
    """Simulate ``n_datasets`` audits of G groups and summarise coverage and verdicts.

    Parameters
    ----------
    probabilities : array of shape (G, 4)
        True cell probabilities per group (see :func:`cell_probabilities`).
    sizes : sequence of int
        Rows per group.
    metrics : sequence of str
        The family (TPR and FPR for equalized odds).
    epsilon, threshold : float
        Limits of the ratio check and the difference check.
    rng : numpy.random.Generator
        Drives the data and the bootstrap.
    """
    probs = np.asarray(probabilities, dtype=float)
    sizes = np.asarray(sizes, dtype=np.int64)
    G = len(sizes)
    metrics = tuple(metrics)
    true = rates_from_cells(probs, metrics)
    truth = {
        "ratio": np.stack([true[m] / true[m][reference] for m in metrics]),
        "difference": np.stack([true[m] - true[m][reference] for m in metrics]),
    }
    worst = {"ratio": lambda v: np.minimum(v, 1 / v).min(), "difference": lambda v: np.abs(v).max()}
    tallies = {kind: {"covered": [], "check_covered": [], "status": []} for kind in truth}
    selection_only = metrics == ("selection_rate",)
    done = 0
    while done < n_datasets:
        s = min(chunk, n_datasets - done)
        if selection_only:
            # the selection rate reads "predicted positive or not": two cells (drawn as tn
            # and fp) carry all it needs, at a third of the cost of bootstrapping four
            picked = probs[:, [1, 3]].sum(axis=1)
            cells = np.zeros((s, G, 4), dtype=np.int64)
            cells[..., :2] = np.stack([rng.multinomial(sizes[g], [1 - picked[g], picked[g]], size=s)
                                       for g in range(G)], axis=1)
            boot = np.zeros((n_resamples, s, G, 4), dtype=np.int64)
            boot[..., :2] = resample_cells(cells[..., :2], n_resamples, rng)
        else:
            cells = np.stack([rng.multinomial(sizes[g], probs[g], size=s) for g in range(G)], axis=1)  # (s, G, 4)
            boot = resample_cells(cells, n_resamples, rng)  # (B, s, G, 4)
        point, reps = rates_from_cells(cells, metrics), rates_from_cells(boot, metrics)
        for i in range(s):
            family = []
            for m in metrics:
                n = cells[i][:, _DENOMINATOR_CELLS[m]].sum(axis=1).astype(float)
                family.append(GroupMetric(m, point[m][i], (n >= min_group_size) & np.isfinite(point[m][i]),
                                          reps[m][:, i], n_effective=n))
            fam = compare_to_reference(family, reference=reference, confidence_level=confidence_level)
            judged = [(metrics.index(c.metric), c.group, c) for c in fam.judged()]
            for kind, res in (("ratio", ratio_check(fam, epsilon)), ("difference", difference_check(fam, threshold))):
                tally = tallies[kind]
                ok = bool(judged)
                for mi, g, c in judged:
                    est = getattr(c, kind)
                    ok &= est.ci_low is not None and est.ci_low <= truth[kind][mi, g] <= est.ci_high
                tally["covered"].append(ok)
                if judged and res.ci_low is not None and res.ci_high is not None:
                    true_worst = worst[kind](np.array([truth[kind][mi, g] for mi, g, _ in judged]))
                    tally["check_covered"].append(res.ci_low <= true_worst <= res.ci_high)
                else:
                    tally["check_covered"].append(False)
                tally["status"].append(res.status)
        done += s

    def rates(t) -> CheckRates:
        st = np.array(t["status"])
        return CheckRates(coverage=float(np.mean(t["covered"])), check_coverage=float(np.mean(t["check_covered"])),
                          pass_=float(np.mean(st == "pass")), fail=float(np.mean(st == "fail")),
                          inconclusive=float(np.mean(st == "inconclusive")))

    return SimulationSummary(n_datasets=n_datasets, ratio=rates(tallies["ratio"]),
                             difference=rates(tallies["difference"]))
