"""Disparities between groups, with bootstrap replicates from the same resamples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from auditor.bootstrap import percentile_interval
from auditor.results import Disparity, Estimate

__all__ = ["DisparitySpec", "disparity_specs", "compute_disparity"]

Kind = Literal["difference", "benefit_ratio", "harm_ratio"]


@dataclass(frozen=True)
class DisparitySpec:
    """A disparity: the worst, over ``components``, of one comparison of groups.

    ``difference``: highest minus lowest (vs reference: largest absolute gap).
    ``benefit_ratio``: lowest over highest, ≤ 1 (vs reference: the smallest of
    group/reference and reference/group). ``harm_ratio``: highest over lowest, ≥ 1.
    """

    key: str
    label: str
    components: tuple[str, ...]
    kind: Kind


def disparity_specs(task: str, classes: tuple[str, ...] = ()) -> tuple[DisparitySpec, ...]:
    if task == "binary":
        return (
            DisparitySpec("selection_rate_ratio", "Selection rate ratio (four-fifths rule)", ("selection_rate",), "benefit_ratio"),
            DisparitySpec("demographic_parity_difference", "Demographic parity difference", ("selection_rate",), "difference"),
            DisparitySpec("equalized_odds_difference", "Equalized odds difference",
                          ("true_positive_rate", "false_positive_rate"), "difference"),
            DisparitySpec("equal_opportunity_difference", "Equal opportunity difference", ("true_positive_rate",), "difference"),
            DisparitySpec("predictive_parity_difference", "Predictive parity difference", ("precision",), "difference"),
        )
    if task == "multiclass":
        sel = tuple(f"selection_rate:{c}" for c in classes)
        tpr = tuple(f"true_positive_rate:{c}" for c in classes)
        return (
            DisparitySpec("selection_rate_ratio", "Selection rate ratio, worst class", sel, "benefit_ratio"),
            DisparitySpec("demographic_parity_difference", "Demographic parity difference, worst class", sel, "difference"),
            DisparitySpec("equal_opportunity_difference", "Equal opportunity difference, worst class", tpr, "difference"),
            DisparitySpec("accuracy_difference", "Accuracy difference", ("accuracy",), "difference"),
        )
    return (
        DisparitySpec("error_ratio", "Mean absolute error ratio (worst / best)", ("mean_absolute_error",), "harm_ratio"),
        DisparitySpec("mean_absolute_error_difference", "Mean absolute error difference", ("mean_absolute_error",), "difference"),
        DisparitySpec("mean_prediction_difference", "Mean prediction difference", ("mean_prediction",), "difference"),
    )


def _between(values: np.ndarray, kind: Kind) -> np.ndarray:
    """Over the last axis (groups): NaN if any group is NaN."""
    hi, lo = values.max(axis=-1), values.min(axis=-1)
    if kind == "difference":
        return hi - lo
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "benefit_ratio":
            return np.where(hi > 0, lo / np.where(hi > 0, hi, 1.0), np.nan)
        return np.where(lo > 0, hi / np.where(lo > 0, lo, 1.0), np.nan)


def _vs_reference(values: np.ndarray, ref: np.ndarray, kind: Kind) -> np.ndarray:
    """``values`` (..., G') against ``ref`` (...,): the worst comparison."""
    r = ref[..., None]
    if kind == "difference":
        return np.abs(values - r).max(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.where(r > 0, values / np.where(r > 0, r, 1.0), np.nan)
        down = np.where(values > 0, r / np.where(values > 0, values, 1.0), np.nan)
        both = np.stack([up, down])
        if kind == "benefit_ratio":
            return both.min(axis=0).min(axis=-1)
        return both.max(axis=0).max(axis=-1)


def compute_disparity(
    spec: DisparitySpec,
    *,
    labels: tuple[str, ...],
    point: dict[str, np.ndarray],
    replicates: dict[str, np.ndarray],
    eligible: dict[str, np.ndarray],
    reference: int | None,
    confidence_level: float,
    min_group_size: int,
) -> Disparity:
    """One disparity over the groups eligible for each component metric.

    ``point[m]`` is ``(G,)``, ``replicates[m]`` ``(B, G)`` and ``eligible[m]`` a
    boolean ``(G,)`` mask of groups defined and large enough for metric ``m``.
    """
    combine = np.fmin if spec.kind == "benefit_ratio" else np.fmax
    worse = (lambda a, b: a < b) if spec.kind == "benefit_ratio" else (lambda a, b: a > b)
    between_pt = ref_pt = all_between = all_ref = None
    between_reps = ref_reps = None
    lowest = highest = worst_ref = None
    reasons_between, reasons_ref = [], []
    small: set[str] = set()
    for m in spec.components:
        ok = eligible[m]
        defined = ~np.isnan(point[m])
        small.update(labels[i] for i in np.flatnonzero(defined & ~ok))
        if defined.sum() >= 2:
            v = float(_between(point[m][defined], spec.kind))
            all_between = v if all_between is None or worse(v, all_between) else all_between
        if ok.sum() < 2:
            reasons_between.append(f"fewer than two groups are large enough (at least {min_group_size} rows in the denominator) for {m}")
            continue
        idx = np.flatnonzero(ok)
        vals = point[m][idx]
        v = float(_between(vals, spec.kind))
        reps = _between(replicates[m][:, idx], spec.kind) if replicates else None
        if between_pt is None or (np.isfinite(v) and worse(v, between_pt)) or not np.isfinite(between_pt):
            between_pt = v
            lowest, highest = labels[idx[np.argmin(vals)]], labels[idx[np.argmax(vals)]]
        between_reps = reps if between_reps is None else combine(between_reps, reps)
        if reference is None:
            continue
        if not ok[reference]:
            reasons_ref.append(f"the reference group {labels[reference]!r} is too small or undefined for {m}")
            continue
        others = np.array([i for i in idx if i != reference])
        if len(others) == 0:
            continue
        rv = float(_vs_reference(point[m][others], point[m][reference], spec.kind))
        rreps = _vs_reference(replicates[m][:, others], replicates[m][:, reference], spec.kind) if replicates else None
        per_group = _vs_reference(point[m][others][:, None], np.repeat(point[m][reference], len(others)), spec.kind)
        if ref_pt is None or worse(rv, ref_pt):
            ref_pt = rv
            finite = np.isfinite(per_group)
            if finite.any():
                # the group furthest from the reference (ratios undefined for a
                # zero rate are skipped, not picked)
                fill = np.inf if spec.kind == "benefit_ratio" else -np.inf
                pick = np.where(finite, per_group, fill)
                worst_ref = labels[others[int(np.argmin(pick) if spec.kind == "benefit_ratio" else np.argmax(pick))]]
        ref_reps = rreps if ref_reps is None else combine(ref_reps, rreps)
        all_idx = np.flatnonzero(defined & (np.arange(len(labels)) != reference))
        if defined[reference] and len(all_idx):
            av = float(_vs_reference(point[m][all_idx], point[m][reference], spec.kind))
            all_ref = av if all_ref is None or worse(av, all_ref) else all_ref
    n_used = int(max(eligible[m].sum() for m in spec.components))
    return Disparity(
        key=spec.key,
        label=spec.label,
        metric=spec.components[0] if len(spec.components) == 1 else "+".join(spec.components),
        kind="ratio" if spec.kind != "difference" else "difference",
        between=_estimate(between_pt, between_reps, confidence_level, reasons_between, spec.kind),
        lowest_group=lowest,
        highest_group=highest,
        vs_reference=(
            Estimate.undefined("no reference group") if reference is None
            else _estimate(ref_pt, ref_reps, confidence_level, reasons_ref or reasons_between, spec.kind)
        ),
        reference_group=None if reference is None else labels[reference],
        worst_vs_reference=worst_ref,
        n_groups=n_used,
        all_groups_between=_finite(all_between),
        all_groups_vs_reference=_finite(all_ref),
        small_groups=tuple(sorted(small)),
    )


def _finite(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def _estimate(point, reps, level, reasons, kind) -> Estimate:
    if point is None or not np.isfinite(point):
        if reasons:
            return Estimate.undefined("; ".join(dict.fromkeys(reasons)))
        what = "no group has a positive rate" if kind == "benefit_ratio" else "the lowest group's value is 0"
        return Estimate.undefined(what if kind != "difference" else "the metric is undefined for these groups")
    if reps is None or len(reps) == 0:
        return Estimate(value=float(point))
    iv = percentile_interval(reps, level)
    return Estimate(value=float(point), ci_low=iv.low, ci_high=iv.high, reason=iv.reason)
