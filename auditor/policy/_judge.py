"""Turning an estimate and a threshold into a status and a plain sentence."""

from __future__ import annotations

from typing import Literal

from auditor.results import Estimate, Finding, Status

__all__ = ["judge", "threshold_finding", "fmt_value"]

Comparison = Literal[">=", "<="]


def fmt_value(x: float | None, *, percent: bool = False) -> str:
    if x is None:
        return "undefined"
    if percent:
        return f"{100 * x:.1f}%"
    # a sentence for lay readers: plain decimals, never scientific notation
    if x != 0 and abs(x) < 1e-3:
        return "less than 0.001" if x > 0 else "between −0.001 and 0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def judge(estimate: Estimate, threshold: float, comparison: Comparison) -> Status:
    """PASS if the whole interval meets the threshold, FAIL if the whole interval
    misses it, INCONCLUSIVE if the interval straddles it or the value is undefined.

    Without an interval the point estimate decides.
    """
    v = estimate.value
    if v is None:
        return Status.INCONCLUSIVE

    def ok(x: float) -> bool:
        return x >= threshold if comparison == ">=" else x <= threshold

    lo, hi = estimate.ci_low, estimate.ci_high
    if lo is None or hi is None:
        return Status.PASS if ok(v) else Status.FAIL
    worst, best = (lo, hi) if comparison == ">=" else (hi, lo)
    if ok(worst):
        return Status.PASS
    if not ok(best):
        return Status.FAIL
    return Status.INCONCLUSIVE


def threshold_finding(
    *,
    check: str,
    section: str,
    title: str,
    subject: str,
    estimate: Estimate,
    threshold: float,
    comparison: Comparison,
    confidence_level: float,
    consequence: str = "",
    metric: str | None = None,
    groups: tuple[str, ...] = (),
    percent: bool = False,
) -> Finding:
    """A finding with a sentence a non-technical reader can act on.

    ``subject`` names the quantity in plain words ("The model's ROC AUC");
    ``consequence`` says, for a FAIL, what it means in practice.
    """
    status = judge(estimate, threshold, comparison)
    level = f"{round(100 * confidence_level)}%"
    bound = "minimum" if comparison == ">=" else "maximum"
    limit = fmt_value(threshold, percent=percent)
    value = fmt_value(estimate.value, percent=percent)
    ci = (
        f" ({level} interval {fmt_value(estimate.ci_low, percent=percent)} to {fmt_value(estimate.ci_high, percent=percent)})"
        if estimate.ci_low is not None and estimate.ci_high is not None
        else ""
    )
    if estimate.value is None:
        message = f"{subject} could not be computed ({estimate.reason}), so the required {bound} of {limit} cannot be checked."
    elif status is Status.PASS:
        side = "above" if comparison == ">=" else "below"
        message = f"{subject} is {value}{ci}, {side} the required {bound} of {limit}."
    elif status is Status.FAIL:
        side = "below" if comparison == ">=" else "above"
        message = f"{subject} is {value}{ci}, {side} the required {bound} of {limit}."
        if consequence:
            message += f" {consequence}"
    else:
        interval = (
            f"its {level} interval ({fmt_value(estimate.ci_low, percent=percent)} to "
            f"{fmt_value(estimate.ci_high, percent=percent)})"
        )
        message = (
            f"{subject} is {value}, but {interval} includes the required {bound} of {limit}, "
            "so these data cannot tell whether the requirement is met."
        )
    return Finding(
        check=check,
        section=section,
        status=status,
        title=title,
        message=message,
        metric=metric,
        value=estimate.value,
        ci_low=estimate.ci_low,
        ci_high=estimate.ci_high,
        threshold=threshold,
        comparison=comparison,
        groups=groups,
    )
