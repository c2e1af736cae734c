"""Fairness checks of the policy, worded for a non-technical reader."""

from __future__ import annotations

from dataclasses import replace

from auditor.policy._judge import fmt_value, threshold_finding
from auditor.results import Disparity, FairnessResult, Finding, GroupingResult, Policy, Status

__all__ = ["fairness_findings"]

# policy field -> (disparity key, comparison, title)
_CHECKS = (
    ("min_selection_rate_ratio", "selection_rate_ratio", ">=", "Four-fifths rule"),
    ("max_equalized_odds_difference", "equalized_odds_difference", "<=", "Equalized odds"),
    ("max_demographic_parity_difference", "demographic_parity_difference", "<=", "Demographic parity"),
    ("max_equal_opportunity_difference", "equal_opportunity_difference", "<=", "Equal opportunity"),
    ("max_predictive_parity_difference", "predictive_parity_difference", "<=", "Predictive parity"),
    ("max_error_ratio", "error_ratio", "<=", "Error ratio"),
)


def _rate(grouping: GroupingResult, label: str | None, metric: str) -> str:
    if label is None:
        return ""
    try:
        est = grouping.group(label).metrics.get(metric)
    except KeyError:
        return ""
    if est is None or est.value is None:
        return ""
    return f" ({fmt_value(est.value, percent=metric != 'mean_absolute_error')})"


def _subject(key: str, g: GroupingResult, d: Disparity, compare: str) -> tuple[str, str, tuple[str, ...]]:
    """The plain subject of the sentence, the consequence of a FAIL, the groups named."""
    if compare == "reference":
        a, b = d.worst_vs_reference, d.reference_group
        against = f"the reference group {b}"
    else:
        a, b = d.lowest_group, d.highest_group
        against = b
    metric = d.metric.split("+")[0]
    if key == "selection_rate_ratio":
        return (
            f"For {g.name}, the selection rate of {a}{_rate(g, a, 'selection_rate')} relative to "
            f"{against}{_rate(g, b, 'selection_rate')}",
            f"Under the four-fifths rule this indicates adverse impact on {a}.",
            (a, b),
        )
    if key == "equalized_odds_difference":
        return (
            f"For {g.name}, the largest gap between {a} and {against} in how often the model wrongly flags or "
            "correctly finds cases (true and false positive rates)",
            "The model's mistakes fall unevenly on these groups.",
            (a, b),
        )
    if key == "demographic_parity_difference":
        return (
            f"For {g.name}, the gap in selection rates between {a}{_rate(g, a, 'selection_rate')} and "
            f"{against}{_rate(g, b, 'selection_rate')}",
            "The groups receive the favourable outcome at clearly different rates.",
            (a, b),
        )
    if key == "equal_opportunity_difference":
        return (
            f"For {g.name}, the gap between {a} and {against} in the share of truly positive cases the model finds",
            "Deserving cases are recognised at different rates in these groups.",
            (a, b),
        )
    if key == "predictive_parity_difference":
        return (
            f"For {g.name}, the gap between {a} and {against} in how often a positive prediction is right (precision)",
            "A positive prediction means something different for these groups.",
            (a, b),
        )
    return (
        f"For {g.name}, the mean absolute error of the worst-served group relative to the best-served "
        f"({d.highest_group}{_rate(g, d.highest_group, metric)} vs {d.lowest_group}{_rate(g, d.lowest_group, metric)})",
        "Predictions are clearly less accurate for some groups.",
        (d.highest_group, d.lowest_group),
    )


def _crosses(value: float | None, threshold: float, comparison: str) -> bool:
    if value is None:
        return False
    return value < threshold if comparison == ">=" else value > threshold


def fairness_findings(result: FairnessResult, policy: Policy) -> list[Finding]:
    fp = policy.fairness
    findings: list[Finding] = []
    for g in result.groupings:
        if g.is_intersection and not fp.judge_intersections:
            continue
        keys = {d.key for d in g.disparities}
        for field, key, comparison, title in _CHECKS:
            threshold = getattr(fp, field)
            if threshold is None or key not in keys:
                continue
            d = g.disparity(key)
            estimate = d.vs_reference if fp.compare == "reference" else d.between
            all_value = d.all_groups_vs_reference if fp.compare == "reference" else d.all_groups_between
            subject, consequence, groups = _subject(key, g, d, fp.compare)
            finding = threshold_finding(
                check=f"fairness.{field}[{g.name}]",
                section="fairness",
                title=f"{title} — {g.name}",
                subject=subject,
                estimate=estimate,
                threshold=threshold,
                comparison=comparison,  # type: ignore[arg-type]
                confidence_level=result.confidence_level,
                consequence=consequence,
                metric=key,
                groups=tuple(x for x in groups if x),
            )
            if finding.status is Status.PASS and d.small_groups and _crosses(all_value, threshold, comparison):
                small = ", ".join(d.small_groups)
                finding = replace(
                    finding,
                    status=Status.INCONCLUSIVE,
                    message=(
                        f"{finding.message} But group(s) too small to judge ({small}; fewer than "
                        f"{result.min_group_size} rows in the rate's denominator) would cross the threshold "
                        f"({fmt_value(all_value)} with them), so these data cannot settle the check for them."
                    ),
                    groups=finding.groups + d.small_groups,
                )
            findings.append(finding)
    if fp.proxy_warning_strength is not None:
        by_attr: dict[str, list] = {}
        for p in result.proxies:
            if p.strength >= fp.proxy_warning_strength:
                by_attr.setdefault(p.sensitive_feature, []).append(p)
        for attr, proxies in by_attr.items():
            names = ", ".join(f"{p.feature} ({100 * p.strength:.0f}%)" for p in proxies)
            findings.append(Finding(
                check=f"fairness.proxy_warning_strength[{attr}]",
                section="fairness",
                status=Status.WARN,
                title=f"Strong proxies for {attr}",
                message=(
                    f"{names} reveal{'s' if len(proxies) == 1 else ''} much of {attr} (share of the information "
                    f"needed to tell the {attr} groups apart). A model can treat these groups differently through "
                    f"{'this feature' if len(proxies) == 1 else 'these features'} even without seeing {attr}."
                ),
                metric="proxy_strength",
                value=max(p.strength for p in proxies),
                threshold=fp.proxy_warning_strength,
                comparison="<=",
                groups=(attr,),
            ))
    return findings
