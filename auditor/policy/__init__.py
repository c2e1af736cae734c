"""From a policy and an audit's section results to findings.

The policy's thresholds are data (:class:`auditor.results.Policy`); this package
holds the judgement. Each section declares its own findings function (see
:class:`auditor.Section`); :func:`evaluate` calls every one through the section
registry. Because findings are derived from stored results alone, an archived
audit can be re-judged against a new policy without recomputation, and the new
findings can never contradict the stored numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from auditor.policy._data_quality import data_quality_findings
from auditor.policy._drift import drift_findings
from auditor.policy._explanations import agreement_findings, lime_findings, shap_findings
from auditor.policy._fairness import fairness_findings
from auditor.policy._judge import fmt_value, judge, threshold_finding
from auditor.policy._performance import performance_findings
from auditor.results import (
    AuditResult,
    DataQualityPolicy,
    DriftPolicy,
    FairnessPolicy,
    Finding,
    PerformancePolicy,
    Policy,
    PolicyError,
    SectionFailure,
    SectionResult,
    Status,
    UnreadSection,
    section_spec,
)

__all__ = [
    "Policy",
    "PerformancePolicy",
    "FairnessPolicy",
    "DataQualityPolicy",
    "DriftPolicy",
    "PolicyError",
    "evaluate",
    "rejudge",
    "judge",
    "threshold_finding",
    "fmt_value",
    "performance_findings",
    "fairness_findings",
    "shap_findings",
    "agreement_findings",
    "lime_findings",
    "data_quality_findings",
    "drift_findings",
]


def _failure_finding(failure: SectionFailure, titles: Mapping[str, str]) -> Finding:
    spec = section_spec(failure.section)
    status = spec.failure_status if spec is not None else Status.WARN
    judged = status is Status.INCONCLUSIVE
    title = titles.get(failure.section) or (spec.title if spec is not None else failure.section)
    return Finding(
        check=f"{failure.section}.completed",
        section=failure.section,
        status=status,
        title=f"The analysis “{title}” did not complete",
        message=(
            f"The analysis “{title}” stopped with an error ({failure.error_type}: {failure.message}); "
            "its results are missing from this report"
            + (" and its policy checks could not be made." if judged else ".")
        ),
    )


def _sorted(findings: list[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: -f.status.severity))


def evaluate(
    sections: Mapping[str, SectionResult],
    failures: tuple[SectionFailure, ...],
    policy: Policy,
    *,
    titles: Mapping[str, str] | None = None,
) -> tuple[Finding, ...]:
    """Every finding for the computed ``sections`` (by name), most severe first.

    Each section's findings come from the function its class declares; a section
    without one has no checks. A section that failed gives one finding saying so.
    """
    findings: list[Finding] = []
    for name, result in sections.items():
        spec = section_spec(name)
        fn = None if spec is None else spec.findings_function()
        if fn is not None and not isinstance(result, UnreadSection):
            findings += fn(result, policy)
    findings += [_failure_finding(f, titles or {}) for f in failures]
    return _sorted(findings)


def rejudge(result: AuditResult, policy: Policy) -> AuditResult:
    """Return ``result`` judged against another policy, from its stored numbers.

    The policy holds thresholds only, so nothing here recomputes or changes a
    number: intervals, group sizes and references stay those of the audit (its
    ``config`` records the options behind them). A section whose findings
    cannot be re-derived here (its class is not imported, or it declares no
    findings function) keeps its stored findings.
    """
    if not isinstance(policy, Policy):
        raise TypeError(f"Expected policy to be a Policy. Got {type(policy).__name__} instead.")
    rejudged: dict[str, SectionResult] = {}
    kept: list[Finding] = []
    for name, res in result.sections.items():
        spec = section_spec(name)
        if spec is None or spec.findings is None or isinstance(res, UnreadSection):
            kept += [f for f in result.findings if f.section == name]
        else:
            rejudged[name] = res
    titles = {s.name: s.title for s in result.config.sections}
    findings = evaluate(rejudged, result.failures, policy, titles=titles)
    return replace(result, policy=policy).with_findings(_sorted(list(findings) + kept))
