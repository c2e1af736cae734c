"""From a policy and an audit's section results to findings.

The policy's thresholds are data (:class:`auditor.results.Policy`); this package
holds the judgement. Because findings are derived from results alone, an archived
audit can be re-judged against a new policy without recomputation.
"""

from __future__ import annotations

from auditor.policy._explanations import explanation_findings
from auditor.policy._fairness import fairness_findings
from auditor.policy._judge import fmt_value, judge, threshold_finding
from auditor.policy._performance import performance_findings
from auditor.results import (
    AuditResult,
    FairnessPolicy,
    Finding,
    PerformancePolicy,
    Policy,
    PolicyError,
    SectionFailure,
    Status,
)

__all__ = [
    "Policy",
    "PerformancePolicy",
    "FairnessPolicy",
    "PolicyError",
    "evaluate",
    "rejudge",
    "judge",
    "threshold_finding",
    "fmt_value",
]


#: Sections whose results the policy judges: if one fails, its checks could not
#: be made, which is INCONCLUSIVE (a gate must not read it as a pass).
_JUDGED = {"performance", "fairness"}


def _failure_finding(failure: SectionFailure) -> Finding:
    return Finding(
        check=f"{failure.section}.completed",
        section=failure.section,
        status=Status.INCONCLUSIVE if failure.section in _JUDGED else Status.WARN,
        title=f"The {failure.section} analysis did not complete",
        message=(
            f"The {failure.section} analysis stopped with an error ({failure.error_type}: {failure.message}); "
            "its results are missing from this report"
            + (" and its policy checks could not be made." if failure.section in _JUDGED else ".")
        ),
    )


def evaluate(sections: dict[str, object], failures: tuple[SectionFailure, ...], policy: Policy) -> tuple[Finding, ...]:
    """All findings for the computed sections, most severe first."""
    findings: list[Finding] = []
    perf = sections.get("performance")
    if perf is not None:
        findings += performance_findings(perf, policy)
    fairness = sections.get("fairness")
    if fairness is not None:
        findings += fairness_findings(fairness, policy)
    findings += explanation_findings(sections.get("shap"), sections.get("agreement"), policy)
    findings += [_failure_finding(f) for f in failures]
    return tuple(sorted(findings, key=lambda f: -f.status.severity))


def rejudge(result: AuditResult, policy: Policy) -> AuditResult:
    """Return ``result`` judged against another policy (no recomputation).

    Intervals were computed at the audit's confidence level; a policy asking for
    another level is refused rather than silently mixing levels.
    """
    if policy.confidence_level != result.policy.confidence_level:
        raise PolicyError(
            f"Expected confidence_level {result.policy.confidence_level} (the level the audit's intervals "
            f"were computed at). Got {policy.confidence_level}; re-run the audit to change it."
        )
    sections = {name: getattr(result, name) for name in result.config.sections if hasattr(result, name)}
    from dataclasses import replace

    return replace(result, policy=policy).with_findings(evaluate(sections, result.failures, policy))
