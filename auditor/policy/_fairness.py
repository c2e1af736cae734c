"""Fairness checks of the policy, worded for a non-technical reader.

Every check reads one stored family of comparisons with the reference group
(:class:`auditor.results.ComparisonFamily`) and judges it with
:func:`auditor.fairness.checks.ratio_check` or
:func:`~auditor.fairness.checks.difference_check`: PASS when every group's
simultaneous interval lies inside the limit, FAIL when some group's lies wholly
past it, INCONCLUSIVE otherwise. A group too small to judge never makes a check
FAIL; when its value would cross the limit, a PASS becomes INCONCLUSIVE.

Next to that practical size, each check reports whether the worst gap is
statistically clear: the worst group's test of "no difference from the
reference", Holm-adjusted within the check and then across all the fairness
checks of the audit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from auditor.fairness.checks import Evidence, ReferenceCheck, classify_evidence, difference_check, ratio_check
from auditor.fairness.significance import holm
from auditor.policy._judge import fmt_value
from auditor.results import ComparisonFamily, FairnessResult, Finding, GroupingResult, Policy, Status

__all__ = ["fairness_findings", "CHECKS", "DALEX_RATES"]


@dataclass(frozen=True)
class _Check:
    field: str
    family: str
    kind: str  # "ratio" or "difference"
    key: str  # the finding's metric, as older reports named it
    title: str
    consequence: str


#: Every threshold check: policy field, family read, scale, finding metric, title, what a FAIL means.
CHECKS = (
    _Check("min_selection_rate_ratio", "selection_rate", "ratio", "selection_rate_ratio", "Four-fifths rule",
           "Under the four-fifths rule this indicates adverse impact on {low}."),
    _Check("max_equalized_odds_difference", "equalized_odds", "difference", "equalized_odds_difference",
           "Equalized odds", "The model's mistakes fall unevenly on these groups."),
    _Check("max_demographic_parity_difference", "selection_rate", "difference", "demographic_parity_difference",
           "Demographic parity", "The groups receive the outcome at clearly different rates."),
    _Check("max_equal_opportunity_difference", "equal_opportunity", "difference", "equal_opportunity_difference",
           "Equal opportunity", "Deserving cases are recognised at different rates in these groups."),
    _Check("max_predictive_parity_difference", "predictive_parity", "difference", "predictive_parity_difference",
           "Predictive parity", "A positive prediction means something different for these groups."),
    _Check("max_error_ratio", "errors", "ratio", "error_ratio", "Error ratio",
           "Predictions are clearly less accurate for some groups."),
)

#: dalex's ``fairness_check`` rates (its names), in its order.
DALEX_RATES = {"true_positive_rate": "TPR", "accuracy": "ACC", "precision": "PPV", "false_positive_rate": "FPR",
               "selection_rate": "STP"}

_TESTS = {"z": "two-proportion z test", "fisher": "Fisher's exact test", "permutation": "permutation test"}

_STATUS = {"pass": Status.PASS, "fail": Status.FAIL, "inconclusive": Status.INCONCLUSIVE}


@dataclass
class _Pending:
    """A judged check waiting for the audit-wide Holm adjustment."""

    check: _Check | None  # None: dalex's count of metrics
    grouping: GroupingResult
    family: ComparisonFamily
    result: ReferenceCheck
    limit: float
    extra: dict


def fairness_findings(result: FairnessResult, policy: Policy) -> list[Finding]:
    """Findings of every fairness check the policy turns on, proxies included."""
    fp = policy.fairness
    pending: list[_Pending] = []
    findings: list[Finding] = []
    for g in result.groupings:
        if g.is_intersection and not fp.judge_intersections:
            continue
        if not g.families:
            findings += _unjudgeable(result, g, fp)
            continue
        keys = {f.key for f in g.families}
        for check in CHECKS:
            limit = getattr(fp, check.field)
            if limit is None or check.family not in keys:
                continue
            family = g.family(check.family)
            if check.kind == "ratio":
                epsilon = limit if check.field != "max_error_ratio" else 1.0 / limit
                res = ratio_check(family, epsilon)
            else:
                res = difference_check(family, limit)
            pending.append(_Pending(check, g, family, res, limit, {}))
        if fp.max_ratio_outside is not None and result.task == "binary" and "rates" in keys:
            pending.append(_dalex(g, fp.ratio_epsilon, fp.max_ratio_outside))
    alpha = 1.0 - result.confidence_level
    adjusted = holm([p.result.worst_p_value for p in pending])
    for p, adj in zip(pending, adjusted):
        findings.append(_finding(result, p, adj, alpha, len(pending)))
    findings += _proxy_findings(result, policy)
    return findings


# -- one check ------------------------------------------------------------------------

def _finding(result: FairnessResult, p: _Pending, p_adjusted: float | None, alpha: float, n_checks: int) -> Finding:
    if p.check is None:
        return _dalex_finding(result, p, p_adjusted, alpha, n_checks)
    check, g, fam, res = p.check, p.grouping, p.family, p.result
    status = _STATUS[res.status]
    level = f"{round(100 * result.confidence_level)}%"
    errors = check.field == "max_error_ratio"
    subject, low_group = _subject(result, g, fam, res, check)
    # what is judged, on the scale a reader compares with the limit
    value, lo, hi = res.value, res.ci_low, res.ci_high
    comparison = ">=" if check.kind == "ratio" else "<="
    if errors:  # an error ratio reads as "how many times larger", at least 1
        value, lo, hi = _inverse(res.value), _inverse(res.ci_high), _inverse(res.ci_low)
        comparison = "<="
    limit = fmt_value(p.limit)
    simultaneous = f", simultaneous over the {res.n_judged} comparisons of this check," if res.n_judged > 1 else ""
    bounds = f"The {level} interval of the {_scale(check)}{simultaneous} is {_fmt(lo)} to {_fmt(hi)}"
    bound = f"the required minimum of {limit}" if comparison == ">=" else f"the allowed maximum of {limit}"
    if res.reason == "no bootstrap resamples: judged on the values alone":
        verdict = {Status.PASS: f"Judged on the values alone (no intervals were computed), it is within {bound}.",
                   Status.FAIL: f"Judged on the values alone (no intervals were computed), it is past {bound}."}.get(
            status, f"The check cannot be settled: {res.reason}.")
    elif status is Status.PASS:
        if check.kind == "ratio":
            lo_r, hi_r = sorted((p.limit, 1.0 / p.limit))
            within = f"the limit (a ratio between {fmt_value(lo_r)} and {fmt_value(hi_r)})"
        else:
            within = bound
        verdict = f"{bounds}: every group is within {within}."
    elif status is Status.FAIL:
        side = "below" if comparison == ">=" else "above"
        verdict = f"{bounds}, wholly {side} {bound}."
    elif res.value is not None and res.reason and res.reason.startswith("an interval includes the limit"):
        verdict = f"{bounds}, which includes {bound}, so these data cannot certify whether the limit is met."
    else:
        verdict = f"These data cannot certify {bound}: {_plain_keys(res.reason or '', fam)}."
    message = f"{subject}. {verdict}"
    if status is Status.FAIL:
        message += " " + check.consequence.format(low=low_group)
    groups = _groups(fam, res)
    if status is Status.PASS and res.small_crossing:
        status = Status.INCONCLUSIVE
        small = sorted({grp for _, grp in res.small_crossing})
        message += (f" But group{'s' if len(small) > 1 else ''} too small to judge ({', '.join(small)}: fewer than "
                    f"{result.min_group_size} rows in the rate's denominator) would cross the limit, so these data "
                    "cannot certify it for them.")
        groups += tuple(x for x in small if x not in groups)
    message += _evidence_sentence(res, fam, p_adjusted, alpha, n_checks)
    return Finding(
        check=f"fairness.{check.field}[{g.name}]",
        section="fairness",
        status=status,
        title=f"{check.title} — {g.name}",
        message=message,
        metric=check.key,
        value=value,
        ci_low=lo,
        ci_high=hi,
        threshold=p.limit,
        comparison=comparison,  # type: ignore[arg-type]
        groups=groups,
    )


def _inverse(x: float | None) -> float | None:
    return None if x is None or x <= 0 else 1.0 / x


def _fmt(x: float | None) -> str:
    return "unbounded" if x is None else fmt_value(x)


def _scale(check: _Check) -> str:
    """The judged quantity: a ratio above 1 counts by its inverse (2 is as far from parity as 0.5)."""
    if check.field == "max_error_ratio":
        return "largest error ratio (larger error over smaller)"
    return "lowest ratio (smaller rate over larger)" if check.kind == "ratio" else "largest gap"


def _groups(fam: ComparisonFamily, res: ReferenceCheck) -> tuple[str, ...]:
    if res.worst is None:
        return (fam.reference,)
    return (res.worst[1], fam.reference)


# -- wording ----------------------------------------------------------------------------

_WORDS = {
    "selection_rate": ("selection rate", ""),
    "true_positive_rate": ("true positive rate", "share of truly positive cases the model finds"),
    "false_positive_rate": ("false positive rate", "share of truly negative cases the model wrongly flags"),
    "false_negative_rate": ("false negative rate", "share of truly positive cases the model misses"),
    "precision": ("precision", "share of positive predictions that are right"),
    "accuracy": ("accuracy", ""),
    "mean_absolute_error": ("mean absolute error", ""),
    "root_mean_squared_error": ("root mean squared error", ""),
}


def _metric_words(metric: str) -> tuple[str, bool]:
    """The metric named mid-sentence, and whether it is a rate shown in percent."""
    base, _, cls = metric.partition(":")
    noun, _ = _WORDS.get(base, (base.replace("_", " "), ""))
    if cls:
        noun = f"share selected as {cls}" if base == "selection_rate" else f"{noun} for {cls}"
    return noun, not base.endswith("error")


def _of(metric: str, group: str) -> str:
    """``the <metric> of <group> (<what it means>)``, naming the class of a multiclass rate."""
    base, _, cls = metric.partition(":")
    noun, meaning = _WORDS.get(base, (base.replace("_", " "), ""))
    if cls:
        if base == "selection_rate":
            return f"the share of {group} selected as {cls}"
        meaning = {
            "true_positive_rate": f"share of truly {cls} rows predicted {cls}",
            "false_positive_rate": f"share of other rows predicted {cls}",
            "precision": f"share of rows predicted {cls} that are {cls}",
        }.get(base, "")
        noun = f"{noun} for {cls}"
    return f"the {noun} of {group}" + (f" ({meaning})" if meaning else "")


def _plain_keys(text: str, fam: ComparisonFamily) -> str:
    """A reason from the engine, with metric keys in words."""
    for m in sorted(fam.metrics, key=len, reverse=True):
        text = text.replace(m, _metric_words(m)[0])
    return text


def _value(x: float | None, percent: bool) -> str:
    return fmt_value(x, percent=percent)


def _base_rates(result: FairnessResult, g: GroupingResult, metric: str, a: str, b: str) -> str:
    """The truly-positive (or truly-this-class) share of both groups, beside a selection rate."""
    base, _, cls = metric.partition(":")
    if base != "selection_rate":
        return ""
    key = f"base_rate:{cls}" if cls else "base_rate"
    try:
        ra, rb = g.group(a).metrics.get(key), g.group(b).metrics.get(key)
    except KeyError:
        return ""
    if ra is None or rb is None or ra.value is None or rb.value is None:
        return ""
    what = f"truly {cls}" if cls else "truly positive"
    return f"; {what}: {_value(ra.value, True)} vs {_value(rb.value, True)}"


def _subject(result: FairnessResult, g: GroupingResult, fam: ComparisonFamily, res: ReferenceCheck,
             check: _Check) -> tuple[str, str]:
    """The sentence naming the worst comparison, and the group on the low side."""
    ref = fam.reference
    if res.worst is None:
        return f"For {g.name}, no group could be compared with the reference group {ref}", ref
    metric, grp = res.worst
    c = fam.comparison(metric, grp)
    _, percent = _metric_words(metric)
    a, b = _value(c.value, percent), _value(c.reference_value, percent)
    context = _base_rates(result, g, metric, grp, ref)
    if check.kind == "ratio":
        r = c.ratio.value
        if r is not None and r > 1:
            lead = (f"{_of(metric, 'the reference group ' + ref)} is {fmt_value(1 / r)} times that of {grp} "
                    f"({b} vs {a}{context})")
            low = ref if check.field != "max_error_ratio" else grp
        else:
            lead = f"{_of(metric, grp)} is {fmt_value(r)} times that of the reference group {ref} ({a} vs {b}{context})"
            low = grp if check.field != "max_error_ratio" else ref
        return f"For {g.name}, {lead}", low
    d = c.difference.value or 0.0
    gap = fmt_value(abs(d) * 100, percent=False) + " percentage points" if percent else fmt_value(abs(d))
    side = "higher" if d > 0 else "lower"
    return (f"For {g.name}, the largest gap to the reference group {ref} is in {_of(metric, grp)}: {gap} {side} "
            f"({a} vs {b}{context})", grp if d < 0 else ref)


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}" if p < 0.01 else f"p = {p:.2f}"


def _evidence_sentence(res: ReferenceCheck, fam: ComparisonFamily, p_adjusted: float | None, alpha: float,
                       n_checks: int) -> str:
    if res.worst is None or p_adjusted is None:
        return ""
    c = fam.comparison(*res.worst)
    crosses = res.value is not None and (res.value < res.threshold if res.kind == "ratio" else res.value > res.threshold)
    evidence = classify_evidence(crosses, p_adjusted, alpha)
    test = _TESTS.get(c.test or "", "test")
    how = (f"{test} against {fam.reference}, {_p(p_adjusted)} after Holm's adjustment for the {n_checks} fairness "
           f"check{'s' if n_checks != 1 else ''} of this audit")
    if evidence is Evidence.LARGE_AND_CLEAR:
        return f" The worst gap is past the limit and statistically clear ({how})."
    if evidence is Evidence.LARGE_NOT_CLEAR:
        return (f" The worst gap is past the limit in size but not statistically clear ({how}): chance alone could "
                "produce it, so more data are needed before calling it real.")
    if evidence is Evidence.SMALL_BUT_CLEAR:
        return (f" The worst gap is statistically clear ({how}) but within the limit: a real difference, "
                "small enough for this policy.")
    return f" No difference from {fam.reference} is statistically clear ({how})."


# -- dalex's count of rates outside (epsilon, 1/epsilon) -----------------------------

def _subfamily(fam: ComparisonFamily, metrics: tuple[str, ...]) -> ComparisonFamily:
    keep = [i for i, m in enumerate(fam.metrics) if m in metrics]
    return replace(
        fam,
        metrics=tuple(fam.metrics[i] for i in keep),
        comparisons=tuple(c for c in fam.comparisons if c.metric in metrics),
        reference_eligible=tuple(fam.reference_eligible[i] for i in keep) if fam.reference_eligible else (),
        extremes=tuple(e for e in fam.extremes if e.metric in metrics),
    )


def _dalex(g: GroupingResult, epsilon: float, allowed: int) -> _Pending:
    fam = g.family("rates")
    names = tuple(m for m in DALEX_RATES if m in fam.metrics)
    five = _subfamily(fam, names)
    per_metric = {m: ratio_check(_subfamily(fam, (m,)), epsilon) for m in names}
    return _Pending(None, g, five, ratio_check(five, epsilon), float(allowed),
                    {"per_metric": per_metric, "epsilon": epsilon})


def _dalex_finding(result: FairnessResult, p: _Pending, p_adjusted: float | None, alpha: float,
                   n_checks: int) -> Finding:
    g, fam, res = p.grouping, p.family, p.result
    per, eps, allowed = p.extra["per_metric"], p.extra["epsilon"], int(p.limit)
    level = f"{round(100 * result.confidence_level)}%"
    outside = [m for m, r in per.items() if r.value is not None and r.value < eps]
    failing = [m for m, r in per.items() if r.status == "fail"]
    unsettled = [m for m, r in per.items() if r.status == "inconclusive"]
    small = sorted({grp for r in per.values() for _, grp in r.small_crossing})
    n_fail, n_open = len(failing), len(unsettled)
    if n_fail > allowed:
        status = Status.FAIL
    elif n_fail + n_open <= allowed:
        status = Status.PASS
    else:
        status = Status.INCONCLUSIVE

    def name(m: str) -> str:
        r = per[m]
        worst = f" ({r.worst[1]} {fmt_value(r.worst_signed)})" if r.worst is not None else ""
        return f"{DALEX_RATES[m]}{worst}"

    listed = ", ".join(name(m) for m in outside) or "none"
    message = (
        f"For {g.name}, dalex's fairness check compares five rates (TPR, ACC, PPV, FPR, STP) of every group with the "
        f"reference group {fam.reference}: {len(outside)} have a group whose ratio lies outside "
        f"({fmt_value(eps)}, {fmt_value(1 / eps)}): {listed}. With {level} intervals simultaneous over these "
        f"comparisons, {n_fail} lie wholly outside and {n_open} cannot be settled; the policy allows at most "
        f"{allowed}."
    )
    if status is Status.INCONCLUSIVE:
        message += " So these data cannot certify the limit."
    if status is Status.PASS and small:
        status = Status.INCONCLUSIVE
        message += (f" But group{'s' if len(small) > 1 else ''} too small to judge ({', '.join(small)}) would cross "
                    "the limit on some rate, so these data cannot certify it for them.")
    message += _evidence_sentence(res, fam, p_adjusted, alpha, n_checks)
    groups = tuple(dict.fromkeys([grp for r in per.values() if r.worst is not None for grp in (r.worst[1],)]
                                 + [fam.reference] + small))
    return Finding(
        check=f"fairness.max_ratio_outside[{g.name}]", section="fairness", status=status,
        title=f"dalex's fairness check — {g.name}", message=message, metric="ratios_outside",
        value=float(len(outside)), ci_low=float(n_fail), ci_high=float(n_fail + n_open), threshold=float(allowed),
        comparison="<=", groups=groups,
    )


# -- what cannot be judged, and proxies --------------------------------------------------

def _unjudgeable(result: FairnessResult, g: GroupingResult, fp) -> list[Finding]:
    if not any(getattr(fp, c.field) is not None for c in CHECKS):
        return []
    if g.disparities:
        why = ("this audit was archived before comparisons with the reference group were stored (schema 2.0 or "
               "older); the gaps it stored are between the extreme groups, whose intervals cannot support a verdict, "
               "so its fairness checks cannot be re-judged. Re-run the audit to judge them")
    elif len(g.groups) < 2:
        why = f"the data hold a single group of {g.name}, so there is nothing to compare"
    else:
        why = "no reference group could be chosen"
    return [Finding(
        check=f"fairness.comparisons[{g.name}]", section="fairness", status=Status.INCONCLUSIVE,
        title=f"Fairness cannot be judged — {g.name}", message=f"For {g.name}, {why}.", groups=(),
    )]


def _proxy_findings(result: FairnessResult, policy: Policy) -> list[Finding]:
    fp = policy.fairness
    if fp.proxy_warning_strength is None:
        return []
    by_attr: dict[str, list] = {}
    for p in result.proxies:
        if p.strength >= fp.proxy_warning_strength:
            by_attr.setdefault(p.sensitive_feature, []).append(p)
    findings = []
    for attr, proxies in by_attr.items():
        names = ", ".join(f"{p.feature} ({100 * p.strength:.0f}%)" for p in proxies)
        findings.append(Finding(
            check=f"fairness.proxy_warning_strength[{attr}]",
            section="fairness",
            status=Status.WARN,
            title=f"Strong proxies for {attr}",
            message=(
                f"The feature{'' if len(proxies) == 1 else 's'} {names} reveal{'s' if len(proxies) == 1 else ''} "
                f"much of {attr} (share of the information "
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
