"""Simulated audits with known group rates, for coverage tests and the power bench.

Each simulated data set draws every group's confusion counts from a multinomial
with the true cell probabilities; its bootstrap is the count-level stratified
bootstrap (:func:`auditor.fairness.counts.resample_cells`, equal in distribution
to the row bootstrap the audit runs); then the production engine
(:func:`~auditor.fairness.reference.compare_to_reference` and the checks) runs
on it exactly as on real data. Many data sets are drawn at once, in chunks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditor.fairness.checks import difference_check, ratio_check
from auditor.fairness.counts import resample_cells, rates_from_cells
from auditor.fairness.reference import GroupMetric, compare_to_reference

__all__ = ["cell_probabilities", "SimulationSummary", "simulate"]

_DENOMINATOR_CELLS = {
    "selection_rate": (0, 1, 2, 3),
    "accuracy": (0, 1, 2, 3),
    "true_positive_rate": (2, 3),
    "false_negative_rate": (2, 3),
    "false_positive_rate": (0, 1),
    "true_negative_rate": (0, 1),
    "precision": (1, 3),
}


def cell_probabilities(base_rate, true_positive_rate, false_positive_rate) -> np.ndarray:
    """(G, 4) probabilities of (tn, fp, fn, tp) from per-group rates (scalars broadcast)."""
    b, tpr, fpr = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (base_rate, true_positive_rate,
                                                                              false_positive_rate)))
    return np.stack([(1 - b) * (1 - fpr), (1 - b) * fpr, b * (1 - tpr), b * tpr], axis=-1).reshape(-1, 4)


@dataclass(frozen=True)
class SimulationSummary:
    """Shares over the simulated data sets.

    ``coverage``: every judged comparison's simultaneous interval (on the
    check's scale) holds its true value. ``check_coverage``: the check's bounds
    hold the true worst value. ``pass_``, ``fail``, ``inconclusive``: verdicts.
    """

    n_datasets: int
    coverage: float
    difference_coverage: float
    check_coverage: float
    pass_: float
    fail: float
    inconclusive: float


def _true_size(kind: str, ratio: np.ndarray, diff: np.ndarray) -> float:
    if kind == "ratio":
        return float(np.minimum(ratio, 1 / ratio).min())
    return float(np.abs(diff).max())


def simulate(
    probabilities: np.ndarray,
    sizes: Sequence[int],
    *,
    metrics: Sequence[str] = ("selection_rate",),
    check: tuple[str, float] = ("ratio", 0.8),
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
        The family (e.g. TPR and FPR for equalized odds).
    check : ("ratio", epsilon) or ("difference", threshold)
    """
    probs = np.asarray(probabilities, dtype=float)
    sizes = np.asarray(sizes, dtype=np.int64)
    G = len(sizes)
    true = rates_from_cells(probs)
    kind, threshold = check
    covered, covered_diff, check_covered, status = [], [], [], []
    done = 0
    while done < n_datasets:
        s = min(chunk, n_datasets - done)
        cells = np.stack([rng.multinomial(sizes[g], probs[g], size=s) for g in range(G)], axis=1)  # (s, G, 4)
        boot = resample_cells(cells, n_resamples, rng)  # (B, s, G, 4)
        point, reps = rates_from_cells(cells), rates_from_cells(boot)
        for i in range(s):
            family = []
            for m in metrics:
                n = cells[i][:, list(_DENOMINATOR_CELLS[m])].sum(axis=1).astype(float)
                family.append(GroupMetric(m, point[m][i], (n >= min_group_size) & np.isfinite(point[m][i]),
                                          reps[m][:, i], n_effective=n))
            fam = compare_to_reference(family, reference=reference, confidence_level=confidence_level)
            res = ratio_check(fam, threshold) if kind == "ratio" else difference_check(fam, threshold)
            ok = ok_diff = True
            ratios, diffs = [], []
            for c in fam.judged():
                t = true[c.metric]
                tr, td = t[c.group] / t[reference], t[c.group] - t[reference]
                ratios.append(tr)
                diffs.append(td)
                r, d = c.ratio, c.difference
                ok &= r.ci_low is not None and r.ci_low <= tr <= r.ci_high
                ok_diff &= d.ci_low is not None and d.ci_low <= td <= d.ci_high
            covered.append(ok if kind == "ratio" else ok_diff)
            covered_diff.append(ok_diff)
            if ratios and res.ci_low is not None and res.ci_high is not None:
                size = _true_size(kind, np.array(ratios), np.array(diffs))
                check_covered.append(res.ci_low <= size <= res.ci_high)
            else:
                check_covered.append(False)
            status.append(res.status)
        done += s
    st = np.array(status)
    return SimulationSummary(
        n_datasets=n_datasets,
        coverage=float(np.mean(covered)),
        difference_coverage=float(np.mean(covered_diff)),
        check_coverage=float(np.mean(check_covered)),
        pass_=float(np.mean(st == "pass")),
        fail=float(np.mean(st == "fail")),
        inconclusive=float(np.mean(st == "inconclusive")),
    )
