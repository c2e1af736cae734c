"""Drift checks of the policy, and the plain sentences that say what moved."""

from __future__ import annotations

from dataclasses import replace

from auditor.policy._judge import fmt_value, threshold_finding
from auditor.results import DriftResult, Estimate, FeatureDrift, Finding, Policy, Status

__all__ = ["drift_findings", "describe_change", "describe_reliance", "ordered_by_relevance"]

_METRIC_LABELS = {"roc_auc": "ROC AUC", "accuracy": "accuracy", "mae": "mean absolute error"}
_TITLES = {"roc_auc": "ROC AUC", "accuracy": "Accuracy", "mae": "Mean absolute error"}


def _num(x: float | None) -> str:
    if x is None:
        return "undefined"
    return f"{x:,.3g}" if abs(x) < 1e4 else f"{x:,.0f}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def describe_change(f: FeatureDrift, *, values: bool = True, missing: bool = False) -> str:
    """How a feature moved, in words: the mean for numbers, the most changed
    category for categories (with ``values``), and the missing share (with ``missing``)."""
    parts = []
    if not values:
        pass
    elif f.kind == "numeric" and f.mean_reference is not None and f.mean_current is not None:
        delta = f.mean_current - f.mean_reference
        way = "rose" if delta > 0 else "fell" if delta < 0 else "stayed"
        parts.append(f"its mean {way} from {_num(f.mean_reference)} in the reference to {_num(f.mean_current)} "
                     f"({'+' if delta >= 0 else '−'}{_num(abs(delta))})")
    elif f.bins and f.shares_reference and f.shares_current:
        deltas = [c - r for r, c in zip(f.shares_reference, f.shares_current)]
        i = max(range(len(deltas)), key=lambda k: (abs(deltas[k]), -k))
        r, c = f.shares_reference[i], f.shares_current[i]
        if r == 0:
            parts.append(f"'{f.bins[i]}', a category the reference never had, makes up {_pct(c)} of the audited rows")
        elif c == 0:
            parts.append(f"'{f.bins[i]}' ({_pct(r)} of the reference) no longer occurs")
        else:
            way = "rose" if c > r else "fell"
            parts.append(f"the share of '{f.bins[i]}' {way} from {_pct(r)} to {_pct(c)}")
    effects = []
    if values and f.distance is not None:
        effects.append(("normalised Wasserstein distance " if f.distance_name == "normalized_wasserstein"
                        else "Jensen-Shannon distance ") + f"{f.distance:.2f}")
    if values and f.psi is not None:
        effects.append(f"PSI {f.psi:.2f}")
    if effects:
        parts[-1:] = [(parts[-1] + "; " if parts else "") + ", ".join(effects)]
    if missing and f.missing_share_reference is not None and f.missing_share_current is not None:
        way = "rose" if f.missing_share_current > f.missing_share_reference else "fell"
        parts.append(f"its missing share {way} from {_pct(f.missing_share_reference)} to {_pct(f.missing_share_current)}")
    return "; ".join(parts)


def describe_reliance(result: DriftResult, feature: str) -> str:
    """How much the model relies on ``feature``, in words."""
    if not result.importance:
        return "How much the model relies on it is not known here (no explanation section ran)."
    entry = result.importance_of(feature)
    n = len(result.importance)
    if entry is None:
        return f"The {result.importance_label} gives it no importance."
    if entry.rank == 1:
        return f"The model relies on “{feature}” more than on any other feature (rank 1 of {n} by {result.importance_label})."
    if entry.rank <= max(3, n // 4):
        return f"It is among the features the model relies on most (rank {entry.rank} of {n} by {result.importance_label})."
    return f"The model relies on it little (rank {entry.rank} of {n} by {result.importance_label})."


def ordered_by_relevance(result: DriftResult, features) -> list[FeatureDrift]:
    """``features`` with the ones the model relies on most first (then by PSI)."""
    rank = {i.feature: i.rank for i in result.importance}
    return sorted(features, key=lambda f: (rank.get(f.feature, len(rank) + 1), -(f.psi or 0.0), f.feature))


def drift_findings(result: DriftResult, policy: Policy) -> list[Finding]:
    """Every drift finding: one WARN per drifted feature (most relied-on first), the
    ``max_*`` checks of :class:`~auditor.results.DriftPolicy`, and WARNs for moved
    scores, labels and within-group changes."""
    p = policy.drift
    rule = p.rule()
    verdicts = {f.feature: f.verdict(**rule) for f in result.features}
    drifted = ordered_by_relevance(result, [f for f in result.features if verdicts[f.feature].drifted])
    findings = [_feature_finding(result, f, verdicts[f.feature]) for f in drifted]
    findings += _share_check(result, drifted, p)
    findings += _top_psi_check(result, verdicts, p)
    findings += _domain_check(result, p)
    findings += _outputs(result, rule)
    findings += _groups(result, rule, {f.feature for f in drifted})
    findings += _performance_check(result, p)
    findings += _estimate_check(result, policy)
    return findings


def _feature_finding(result: DriftResult, f: FeatureDrift, verdict) -> Finding:
    change = describe_change(f, values=verdict.distribution, missing=verdict.missing)
    return Finding(
        check=f"drift.feature[{f.feature}]",
        section="drift",
        status=Status.WARN,
        title=f"“{f.feature}” moved",
        message=f"“{f.feature}” moved: {change}. {describe_reliance(result, f.feature)}",
        metric="psi",
        value=f.psi,
    )


def _share_check(result: DriftResult, drifted: list[FeatureDrift], p) -> list[Finding]:
    if p.max_drifted_share is None or not result.features:
        return []
    n = len(result.features)
    share = len(drifted) / n
    finding = threshold_finding(
        check="drift.max_drifted_share", section="drift", title=f"Share of drifted features <= {_pct(p.max_drifted_share)}",
        subject=f"The share of the model's features that drifted ({len(drifted)} of {n})",
        estimate=Estimate(value=share), threshold=p.max_drifted_share, comparison="<=",
        confidence_level=result.confidence_level, percent=True,
        consequence="The data changed wholesale since the reference: the model's earlier evaluation may not hold.",
    )
    which = f" Drifted: {', '.join(f.feature for f in drifted)}." if drifted else ""
    return [replace(finding, message=finding.message + which, metric="drifted_share")]


def _top_psi_check(result: DriftResult, verdicts, p) -> list[Finding]:
    if p.max_top_feature_psi is None or not result.features:
        return []
    ranked = {i.feature: i.rank for i in result.importance}
    if ranked:
        watched = [f for f in result.features if ranked.get(f.feature, p.top_k + 1) <= p.top_k]
        scope = f"the {len(watched)} features the model relies on most (by {result.importance_label})"
    else:
        watched = list(result.features)
        scope = "all features (no importance ranking was available)"
    with_psi = [f for f in watched if f.psi is not None]
    if not with_psi:
        return []
    alpha = p.alpha
    breaching = [f for f in with_psi if f.psi >= p.max_top_feature_psi and f.p_value_adjusted is not None
                 and f.p_value_adjusted < alpha]
    worst = max(breaching or with_psi, key=lambda f: (f.psi, f.feature))
    limit = f"{p.max_top_feature_psi:g}"
    if breaching:
        status = Status.FAIL
        names = ", ".join(f"“{f.feature}” ({f.psi:.2f})" for f in sorted(breaching, key=lambda f: -f.psi))
        message = (f"Among {scope}, the PSI reaches the maximum of {limit} for {names}: a major shift in data the model "
                   "depends on, so its predictions there may no longer be reliable.")
    else:
        status = Status.PASS
        note = ("" if worst.psi < p.max_top_feature_psi else
                f", but its change is not significant (adjusted p = {fmt_value(worst.p_value_adjusted)})")
        message = f"Among {scope}, the largest PSI is {worst.psi:.3g} (“{worst.feature}”){note}, below the maximum of {limit}."
    return [Finding(
        check="drift.max_top_feature_psi", section="drift", status=status,
        title=f"PSI of the top {p.top_k} features <= {limit}", message=message, metric="psi", value=worst.psi,
        threshold=p.max_top_feature_psi, comparison="<=",
    )]


def _domain_check(result: DriftResult, p) -> list[Finding]:
    d = result.domain
    if p.max_domain_auc is None or d is None:
        return []
    top = ", ".join(f"“{i.feature}”" for i in d.importances[:3] if i.importance > 0)
    finding = threshold_finding(
        check="drift.max_domain_auc", section="drift", title=f"Domain classifier ROC AUC <= {p.max_domain_auc:g}",
        subject="The ROC AUC of a classifier trained to tell the audited rows from the reference rows (0.5: they cannot "
                "be told apart)",
        estimate=d.auc, threshold=p.max_domain_auc, comparison="<=", confidence_level=d.confidence_level,
        consequence="The audited rows differ from the reference as a whole" + (f", mostly through {top}" if top else "")
                    + ": the model sees data unlike what it was built on.",
        metric="domain_auc",
    )
    return [finding]


def _outputs(result: DriftResult, rule) -> list[Finding]:
    out = []
    for f in result.prediction:
        if not f.verdict(**rule).drifted:
            continue
        what = {"prediction": "The model's predictions", "predicted label": "The model's predicted labels"}.get(
            f.feature, "The model's scores" + (f" for class {f.feature[6:-1]}" if f.feature.startswith("score[") else ""))
        out.append(Finding(
            check=f"drift.prediction[{f.feature}]", section="drift", status=Status.WARN, title=f"{what} moved",
            message=f"{what} moved: {describe_change(f)}. The model now predicts differently than on the reference "
                    "rows, whether because the data moved or the outcome did.",
            metric="psi", value=f.psi,
        ))
    f = result.label
    if f is not None and f.verdict(**rule).drifted:
        out.append(Finding(
            check="drift.label", section="drift", status=Status.WARN, title="The outcome's distribution moved",
            message=f"The true outcomes moved: {describe_change(f)}. A prior shift changes what a good model "
                    "predicts; compare the performance on both sides.",
            metric="psi", value=f.psi,
        ))
    return out


def _groups(result: DriftResult, rule, overall: set[str]) -> list[Finding]:
    out = []
    for g in result.groups:
        moved = [f for f in g.features if f.feature not in overall and f.verdict(**rule).drifted]
        if not moved:
            continue
        moved = ordered_by_relevance(result, moved)
        details = "; ".join(f"“{f.feature}”: {describe_change(f)}" for f in moved[:3])
        more = f" (and {len(moved) - 3} more)" if len(moved) > 3 else ""
        out.append(Finding(
            check=f"drift.group[{g.sensitive_feature}={g.group}]", section="drift", status=Status.WARN,
            title=f"Drift within {g.sensitive_feature} = {g.group}",
            message=f"Within {g.sensitive_feature} = {g.group} ({g.n_current:,} audited and {g.n_reference:,} reference "
                    f"rows), {len(moved)} feature(s) moved that did not move overall{more}. {details}.",
            groups=(g.group,),
        ))
    return out


def _performance_check(result: DriftResult, p) -> list[Finding]:
    if p.max_performance_drop is None or not result.performance:
        return []
    shift = result.performance[0]
    d = shift.difference
    if shift.higher_is_better:
        drop = Estimate(None if d.value is None else -d.value, None if d.ci_high is None else -d.ci_high,
                        None if d.ci_low is None else -d.ci_low, d.reason)
        what = f"The loss of {_METRIC_LABELS.get(shift.metric, shift.metric)}"
    else:
        # an error is in the target's units: its rise is judged relative to the reference's error
        ref = shift.reference.value
        if ref is None or ref <= 0 or d.value is None:
            drop = Estimate.undefined(d.reason or "the reference's error is zero or undefined, so a relative rise is undefined")
        else:
            drop = Estimate(d.value / ref, None if d.ci_low is None else d.ci_low / ref,
                            None if d.ci_high is None else d.ci_high / ref, d.reason)
        what = f"The rise of the {_METRIC_LABELS.get(shift.metric, shift.metric)}, relative to the reference's,"
    finding = threshold_finding(
        check="drift.max_performance_drop", section="drift",
        title=f"{_TITLES.get(shift.metric, shift.metric)} drop <= {p.max_performance_drop:g}",
        subject=f"{what} from the reference rows ({_num(shift.reference.value)}) to the audited rows "
                f"({_num(shift.current.value)})",
        estimate=drop, threshold=p.max_performance_drop, comparison="<=", confidence_level=shift.confidence_level,
        consequence=("The model performs materially worse on the audited rows than on the reference. If the "
                     "reference rows are the data it was trained on, the gap measures overfitting (its reference "
                     "performance is in-sample), not a change in the data."),
        metric=shift.metric, percent=not shift.higher_is_better,
    )
    return [finding]


def _estimate_check(result: DriftResult, policy: Policy) -> list[Finding]:
    minimum = policy.performance.min_roc_auc
    est = next((e for e in result.estimated if e.metric == "roc_auc"), None)
    if minimum is None or est is None:
        return []
    return [threshold_finding(
        check="drift.estimated_roc_auc", section="drift", title=f"Estimated ROC AUC >= {minimum:g}",
        subject="The ROC AUC the model is expected to show on the audited rows, estimated without their labels "
                "from its calibrated scores (CBPE)",
        estimate=est.estimate, threshold=minimum, comparison=">=", confidence_level=est.confidence_level,
        consequence="Once the labels arrive the model is likely to fall short of the policy's minimum.",
        metric="estimated_roc_auc",
    )]
