"""Check-level verdicts from the simultaneous intervals of :mod:`auditor.fairness.reference`.

A ratio check asks every group's ratio to the reference to lie in
``[epsilon, 1 / epsilon]``; a difference check asks ``|difference| <= threshold``.
Because the intervals of a family hold together, the check reads them directly:

* PASS: every eligible group's interval lies inside the acceptable region;
* FAIL: some eligible group's interval lies wholly outside it;
* INCONCLUSIVE: otherwise (an interval straddles the limit, or a comparison the
  verdict needs is undefined).

The same intervals bound the worst group's value (``ci_low``, ``ci_high``), so
``auditor.policy._judge.judge`` on those bounds gives the same status whenever
both exist. Groups too small to judge never make a check FAIL; those whose value
crosses the limit are listed for the policy to weigh.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from auditor.fairness.reference import Comparison, ReferenceComparisons
from auditor.fairness.significance import holm

__all__ = ["Evidence", "ReferenceCheck", "ratio_check", "difference_check", "classify_evidence"]

Status = Literal["pass", "fail", "inconclusive"]
Member = tuple[str, int]  # (metric, group index)


class Evidence(StrEnum):
    """How a gap's practical size and its statistical clarity combine."""

    LARGE_AND_CLEAR = "large_and_clear"  # beyond the limit, and no-difference is implausible
    LARGE_NOT_CLEAR = "large_not_clear"  # beyond the limit, but noise could explain it
    SMALL_BUT_CLEAR = "small_but_clear"  # a real difference, within the limit
    NEITHER = "neither"  # within the limit, and no clear difference


def classify_evidence(practically_large: bool, p_value: float | None, alpha: float) -> Evidence | None:
    """One of the four :class:`Evidence` cases; ``None`` without a p-value.

    Parameters
    ----------
    practically_large : bool
        The value crosses the check's limit.
    p_value : float or None
        Test of "no difference" (adjusted as the caller wants: within the check,
        or across the audit with :func:`auditor.fairness.significance.holm`).
    alpha : float
        Significance level, usually ``1 - confidence_level``.
    """
    if p_value is None:
        return None
    clear = p_value < alpha
    if practically_large:
        return Evidence.LARGE_AND_CLEAR if clear else Evidence.LARGE_NOT_CLEAR
    return Evidence.SMALL_BUT_CLEAR if clear else Evidence.NEITHER


@dataclass(frozen=True)
class ReferenceCheck:
    """Verdict of one check over a family of comparisons with the reference group.

    Parameters
    ----------
    kind : {"ratio", "difference"}
    threshold : float
        ``epsilon`` of a ratio check (acceptable ``[epsilon, 1/epsilon]``), or the
        largest acceptable ``|difference|``.
    status : {"pass", "fail", "inconclusive"}
    value : float or None
        The worst eligible group's value on the judged scale: ``min(r, 1/r)``
        (<= 1) for a ratio ``r``, ``|d|`` for a difference ``d``.
    ci_low, ci_high : float or None
        Simultaneous bounds on that worst value (``None``: unbounded on that side,
        or no intervals).
    worst : (metric, group) or None
        Where the worst value is; ``worst_signed`` is its ratio or difference as is.
    failing, unsettled : tuple of (metric, group)
        Eligible comparisons whose interval lies wholly outside the limit, and
        those that straddle it or cannot be judged.
    small_crossing : tuple of (metric, group)
        Comparisons not eligible (too small) whose value crosses the limit.
    n_judged : int
        Eligible comparisons behind the verdict.
    p_value : float or None
        Smallest Holm-adjusted p-value of "no difference" over the judged
        comparisons (adjusted within the check): the check's test that no group
        differs from the reference. ``most_significant`` is where it is.
    worst_p_value : float or None
        The worst group's Holm-adjusted p-value (same adjustment): is the gap
        the verdict is about statistically clear?
    evidence : Evidence or None
        :func:`classify_evidence` of the worst value and ``worst_p_value`` at
        ``1 - confidence_level``: size and clarity of the same gap.
    reason : str or None
        Why the check is inconclusive, or a note on how it was judged.
    """

    kind: Literal["ratio", "difference"]
    threshold: float
    status: Status
    value: float | None
    ci_low: float | None
    ci_high: float | None
    worst: Member | None
    worst_signed: float | None
    failing: tuple[Member, ...]
    unsettled: tuple[Member, ...]
    small_crossing: tuple[Member, ...]
    n_judged: int
    p_value: float | None
    most_significant: Member | None
    worst_p_value: float | None
    evidence: Evidence | None
    confidence_level: float
    reason: str | None = None


def ratio_check(comparisons: ReferenceComparisons, epsilon: float = 0.8) -> ReferenceCheck:
    """Every group's ratio to the reference within ``[epsilon, 1/epsilon]``.

    Parameters
    ----------
    comparisons : ReferenceComparisons
    epsilon : float, default=0.8
        The four-fifths rule's 0.8; dalex's ``epsilon``. A ratio equal to
        ``epsilon`` passes.

    Returns
    -------
    ReferenceCheck
    """
    if not 0 < epsilon <= 1:
        raise ValueError(f"Expected epsilon in (0, 1]. Got {epsilon} instead.")
    return _check(comparisons, "ratio", epsilon)


def difference_check(comparisons: ReferenceComparisons, threshold: float) -> ReferenceCheck:
    """Every group's difference to the reference within ``[-threshold, threshold]``.

    Parameters
    ----------
    comparisons : ReferenceComparisons
    threshold : float
        Largest acceptable absolute difference (e.g. 0.1 for equalized odds).

    Returns
    -------
    ReferenceCheck
    """
    if not threshold >= 0:
        raise ValueError(f"Expected a non-negative threshold. Got {threshold} instead.")
    return _check(comparisons, "difference", threshold)


def _benefit(r: float) -> float:
    """``min(r, 1/r)``: 1 for equal values, towards 0 for either direction of gap."""
    return r if r <= 1 else 1.0 / r


def _size_bounds(kind: str, lo: float, hi: float) -> tuple[float, float]:
    """Bounds of the judged size from an interval of the signed value.

    Ratio: size ``min(r, 1/r)``, smaller is worse. Difference: size ``|d|``,
    larger is worse. Returned as (best, worst) ends of the size.
    """
    if kind == "ratio":
        worst = min(_benefit(lo), _benefit(hi))
        best = 1.0 if lo <= 1 <= hi else max(_benefit(lo), _benefit(hi))
        return best, worst
    worst = max(abs(lo), abs(hi))
    best = 0.0 if lo <= 0 <= hi else min(abs(lo), abs(hi))
    return best, worst


def _check(family: ReferenceComparisons, kind: Literal["ratio", "difference"], threshold: float) -> ReferenceCheck:
    def size_of(c: Comparison):
        est = c.ratio if kind == "ratio" else c.difference
        return est, (None if est.value is None else (_benefit(est.value) if kind == "ratio" else abs(est.value)))

    def crosses(size: float) -> bool:
        return size < threshold if kind == "ratio" else size > threshold

    has_intervals = family.n_resamples > 0
    judged = family.judged()
    failing, unsettled, small = [], [], []
    worst = worst_size = worst_signed = None
    # each judged comparison's size bounds (best end, worst end); one without an interval
    # could be anything: [0, 1] for a ratio's size, [0, unbounded) for a difference's
    bound_best, bound_worst = [], []
    for c in family.comparisons:
        est, size = size_of(c)
        member = (c.metric, c.group)
        if not c.eligible:
            if size is not None and crosses(size):
                small.append(member)
            continue
        if size is None:
            unsettled.append(member)
            bound_best.append(1.0 if kind == "ratio" else 0.0)
            bound_worst.append(0.0 if kind == "ratio" else None)
            continue
        if worst_size is None or (size < worst_size if kind == "ratio" else size > worst_size):
            worst, worst_size, worst_signed = member, size, est.value
        if not has_intervals:
            if crosses(size):
                failing.append(member)
            continue
        if est.ci_low is None or est.ci_high is None:
            unsettled.append(member)
            bound_best.append(1.0 if kind == "ratio" else 0.0)
            bound_worst.append(0.0 if kind == "ratio" else None)
            continue
        best, worst_end = _size_bounds(kind, est.ci_low, est.ci_high)
        bound_best.append(best)
        bound_worst.append(worst_end)
        if crosses(best):
            failing.append(member)
        elif crosses(worst_end):
            unsettled.append(member)

    reason = None
    if not judged:
        status: Status = "inconclusive"
        small_ref = [m for m, ok in zip(family.metrics, family.reference_eligible) if not ok]
        reason = (f"the reference group is too small or undefined for {', '.join(small_ref)}" if small_ref
                  else "no other group is large enough to compare with the reference")
    elif failing:
        status = "fail"
    elif unsettled:
        status = "inconclusive"
    else:
        status = "pass"
    if not has_intervals and judged:
        reason = "no bootstrap resamples: judged on the values alone"
    if status == "inconclusive" and judged and reason is None:
        reason = _unsettled_reason(family, unsettled, kind)

    ci_low = ci_high = None
    if has_intervals and bound_best:
        if kind == "ratio":
            ci_low, ci_high = min(bound_worst), min(bound_best)
        else:
            ci_low = max(bound_best)
            ci_high = None if any(b is None for b in bound_worst) else max(bound_worst)

    adjusted = dict(zip(((c.metric, c.group) for c in judged), holm([c.p_value for c in judged])))
    known = {m: p for m, p in adjusted.items() if p is not None}
    raw = {(c.metric, c.group): c.p_value for c in judged}
    # Holm keeps the order of the raw p-values, so the smallest raw one is the most significant
    most = min(known, key=lambda m: (raw[m], known[m])) if known else None
    p_value = None if most is None else known[most]
    worst_p = None if worst is None else adjusted.get(worst)
    alpha = 1.0 - family.confidence_level
    evidence = None if worst_size is None else classify_evidence(crosses(worst_size), worst_p, alpha)
    return ReferenceCheck(
        kind=kind, threshold=float(threshold), status=status, value=worst_size, ci_low=ci_low, ci_high=ci_high,
        worst=worst, worst_signed=worst_signed, failing=tuple(failing), unsettled=tuple(unsettled),
        small_crossing=tuple(small), n_judged=len(judged), p_value=p_value, most_significant=most,
        worst_p_value=worst_p, evidence=evidence, confidence_level=family.confidence_level, reason=reason,
    )


def _unsettled_reason(family: ReferenceComparisons, unsettled, kind: str) -> str:
    by = {(c.metric, c.group): c for c in family.comparisons}
    undefined = [m for m in unsettled if (by[m].ratio if kind == "ratio" else by[m].difference).value is None]
    if undefined:
        est = by[undefined[0]].ratio if kind == "ratio" else by[undefined[0]].difference
        return f"a comparison the verdict needs is undefined ({est.reason})"
    no_interval = [m for m in unsettled if (by[m].ratio if kind == "ratio" else by[m].difference).ci_low is None]
    if no_interval:
        est = by[no_interval[0]].ratio if kind == "ratio" else by[no_interval[0]].difference
        return f"a comparison the verdict needs has no interval ({est.reason})"
    return "an interval includes the limit, so these data cannot tell whether it is met"
