"""Data-quality checks of the policy: differential missingness, representation
against the reference, and values the reference never showed."""

from __future__ import annotations

from auditor.results import DataQualityResult, DatasetQuality, Finding, Policy, Status

__all__ = ["data_quality_findings", "flagged_missingness", "flagged_representation", "flagged_coverage"]

_DATASET = {"current": "the audited data", "reference": "the reference data"}


def _pct(x: float | None) -> str:
    return "undefined" if x is None else f"{100 * x:.1f}%"


def _adjusted_p(p: float) -> str:
    return "adjusted p < 0.001" if p < 0.001 else f"adjusted p = {p:.3f}"


def _points(x: float | None) -> str:
    return "undefined" if x is None else f"{100 * x:.1f}"


def flagged_missingness(dataset: DatasetQuality, policy: Policy) -> list:
    """Entries where a column is significantly and materially more often missing for
    one group (:meth:`~auditor.results.DifferentialMissingness.flagged`), largest gap first."""
    p = policy.data_quality
    if p.max_differential_missingness is None:
        return []
    keep = [e for e in dataset.differential_missingness
            if e.flagged(alpha=p.alpha, min_difference=p.max_differential_missingness)]
    return sorted(keep, key=lambda e: (-e.difference.value, e.sensitive_feature, e.group, e.column))


def flagged_representation(result: DataQualityResult, policy: Policy) -> list:
    """(sensitive feature, group share) pairs whose share moved against the reference
    (:meth:`~auditor.results.GroupShare.shifted`)."""
    limit = policy.data_quality.max_representation_shift
    if limit is None:
        return []
    return [(r.sensitive_feature, g) for r in result.representation for g in r.groups if g.shifted(limit)]


def flagged_coverage(result: DataQualityResult, policy: Policy) -> list:
    """Columns with more than the maximum share of values the reference never showed."""
    limit = policy.data_quality.max_unseen_share
    if limit is None:
        return []
    return [c for c in result.coverage if c.share is not None and c.share > limit]


def data_quality_findings(result: DataQualityResult, policy: Policy) -> list[Finding]:
    """FAIL for each column a group is missing materially more often (in the audited
    data, the reference data, or both: one finding), WARN for shifted group shares
    and for values outside the reference; a PASS for each check that holds."""
    findings = _missingness(result, policy)
    findings += _representation(result, policy)
    findings += _coverage(result, policy)
    return findings


def _missingness(result: DataQualityResult, policy: Policy) -> list[Finding]:
    limit = policy.data_quality.max_differential_missingness
    datasets = [d for d in (result.current, result.reference) if d is not None and d.groups]
    if limit is None or not datasets:
        return []
    level = f"{round(100 * result.confidence_level)}%"
    # the same gap in both datasets is one problem: one finding, led by the audited data
    flagged: dict[tuple[str, str, str], dict] = {}
    for d in datasets:
        for e in flagged_missingness(d, policy):
            flagged.setdefault((e.sensitive_feature, e.group, e.column), {})[d.role] = e
    out = []
    for (attr, group, column), by_role in flagged.items():
        first = by_role.get("current") or by_role["reference"]
        d = first.difference
        interval = f" ({level} interval {_points(d.ci_low)} to {_points(d.ci_high)})" if d.ci_low is not None else ""
        where = _DATASET["current" if "current" in by_role else "reference"]
        also = ""
        if "current" in by_role and "reference" in by_role:
            r = by_role["reference"]
            also = (f" The reference data shows the same gap: {_pct(r.missing_share_group)} against "
                    f"{_pct(r.missing_share_rest)} ({_points(r.difference.value)} points).")
        suffix = "" if "current" in by_role else ".reference"
        out.append(Finding(
            check=f"data_quality.max_differential_missingness{suffix}[{attr}={group}:{column}]",
            section="data_quality", status=Status.FAIL,
            title=f"“{column}” is missing more often for {attr} = {group}",
            message=(
                f"In {where}, “{column}” is missing for {_pct(first.missing_share_group)} of the rows of "
                f"{attr} = {group} ({first.n_group:,} rows) against {_pct(first.missing_share_rest)} of the other "
                f"rows: {_points(d.value)} percentage points more{interval}, above the maximum of {_points(limit)} "
                f"points.{also} A value recorded less often for one group is a measurement-bias signal: the model "
                "learns from worse data about that group."
            ),
            metric="differential_missingness", value=d.value, ci_low=d.ci_low, ci_high=d.ci_high,
            threshold=limit, comparison="<=", groups=(group,),
        ))
    for d in datasets:
        if any(role == d.role for by_role in flagged.values() for role in by_role):
            continue
        out.append(_no_gap(d, limit))
    return out


def _no_gap(dataset: DatasetQuality, limit: float) -> Finding:
    entries = [e for e in dataset.differential_missingness if e.difference.value is not None]
    largest = max(entries, key=lambda e: (e.difference.value, e.column), default=None)
    detail = (
        f" The largest gap is “{largest.column}” for {largest.sensitive_feature} = {largest.group}: "
        f"{_points(largest.difference.value)} points ({_adjusted_p(largest.p_value_adjusted)})."
        if largest is not None and largest.difference.value > 0 and largest.p_value_adjusted is not None else ""
    )
    suffix = "" if dataset.role == "current" else ".reference"
    return Finding(
        check=f"data_quality.max_differential_missingness{suffix}", section="data_quality", status=Status.PASS,
        title=f"No group is missing values materially more often ({'audited' if dataset.role == 'current' else 'reference'} data)",
        message=(f"In {_DATASET[dataset.role]}, no column is missing significantly and at least {_points(limit)} "
                 f"percentage points more often for one sensitive group than for the other rows.{detail}"),
        metric="differential_missingness", threshold=limit, comparison="<=",
    )


def _representation(result: DataQualityResult, policy: Policy) -> list[Finding]:
    limit = policy.data_quality.max_representation_shift
    if limit is None or not result.representation:
        return []
    level = f"{round(100 * result.confidence_level)}%"
    out = []
    for attr, g in flagged_representation(result, policy):
        d = g.difference
        way = "larger" if d.value > 0 else "smaller"
        out.append(Finding(
            check=f"data_quality.max_representation_shift[{attr}={g.group}]", section="data_quality", status=Status.WARN,
            title=f"{attr} = {g.group} is {'over' if d.value > 0 else 'under'}-represented against the reference",
            message=(f"{attr} = {g.group} makes up {_pct(g.share_current)} of the audited rows against "
                     f"{_pct(g.share_reference)} of the reference: {_points(abs(d.value))} percentage points {way} "
                     f"({level} interval {_points(d.ci_low)} to {_points(d.ci_high)}), beyond the {_points(limit)} "
                     "points allowed. A sample that over- or under-represents a group is a sampling-bias signal: "
                     "results for that group may not carry over."),
            metric="representation_shift", value=d.value, ci_low=d.ci_low, ci_high=d.ci_high, threshold=limit,
            comparison="<=", groups=(g.group,),
        ))
    if not out:
        out.append(Finding(
            check="data_quality.max_representation_shift", section="data_quality", status=Status.PASS,
            title="Groups are represented as in the reference",
            message=(f"Every sensitive group's share of the audited rows is within {_points(limit)} percentage points "
                     "of its share of the reference, or not significantly different from it."),
            metric="representation_shift", threshold=limit, comparison="<=",
        ))
    return out


def _coverage(result: DataQualityResult, policy: Policy) -> list[Finding]:
    limit = policy.data_quality.max_unseen_share
    if limit is None or not result.coverage:
        return []
    out = []
    for c in flagged_coverage(result, policy):
        examples = ", ".join(f"'{x}'" if c.kind != "numeric" else x for x in c.examples)
        if c.kind == "numeric":
            what = (f"{_pct(c.share)} of the non-missing audited values of “{c.column}” ({c.n_outside:,} rows) lie outside the "
                    f"reference's range [{c.reference_min:g}, {c.reference_max:g}]" + (f" (e.g. {examples})" if examples else ""))
        else:
            what = (f"{_pct(c.share)} of the non-missing audited values of “{c.column}” ({c.n_outside:,} rows) are "
                    f"{c.n_unseen_categories} categor{'y' if c.n_unseen_categories == 1 else 'ies'} the reference never "
                    f"had" + (f" ({examples})" if examples else ""))
        out.append(Finding(
            check=f"data_quality.max_unseen_share[{c.column}]", section="data_quality", status=Status.WARN,
            title=f"“{c.column}” has values the reference never showed",
            message=f"{what}, more than the {_pct(limit)} allowed. The model has not learned what to do with them.",
            metric="unseen_share", value=c.share, threshold=limit, comparison="<=",
        ))
    if not out:
        out.append(Finding(
            check="data_quality.max_unseen_share", section="data_quality", status=Status.PASS,
            title="Values stay within what the reference showed",
            message=(f"No column has more than {_pct(limit)} of its audited values outside the reference's range or "
                     "in a category the reference never had."),
            metric="unseen_share", threshold=limit, comparison="<=",
        ))
    return out
