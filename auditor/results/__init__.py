"""Frozen, JSON-serialisable records of what an audit found.

This package imports nothing else from :mod:`auditor` (apart from the late imports
of renderers inside :meth:`AuditResult.save`), so results load anywhere.
"""

from auditor.results._base import (
    AuditSummary,
    Estimate,
    Finding,
    Metric,
    Provenance,
    RecordedWarning,
    SectionFailure,
    SkippedSection,
    Status,
    worst_status,
)
from auditor.results._serde import SerialisationError, from_jsonable, to_jsonable
from auditor.results.audit import SCHEMA_VERSION, AuditConfig, AuditResult
from auditor.results.fairness import (
    Disparity,
    ExcludedGroup,
    FairnessResult,
    GroupingResult,
    GroupMetrics,
    MitigationOutcome,
    Proxy,
    ShapByGroup,
    ShapGroupDifference,
)
from auditor.results.performance import (
    CalibrationCurve,
    ConfusionMatrix,
    PerformanceResult,
    ResidualSummary,
    RocCurve,
)
from auditor.results.policy import FairnessPolicy, PerformancePolicy, Policy, PolicyError

__all__ = [
    "SCHEMA_VERSION",
    "AuditConfig",
    "AuditResult",
    "AuditSummary",
    "CalibrationCurve",
    "ConfusionMatrix",
    "Disparity",
    "ExcludedGroup",
    "FairnessPolicy",
    "FairnessResult",
    "GroupingResult",
    "GroupMetrics",
    "MitigationOutcome",
    "Proxy",
    "ShapByGroup",
    "ShapGroupDifference",
    "Estimate",
    "Finding",
    "Metric",
    "PerformancePolicy",
    "PerformanceResult",
    "Policy",
    "PolicyError",
    "Provenance",
    "RecordedWarning",
    "ResidualSummary",
    "RocCurve",
    "SectionFailure",
    "SerialisationError",
    "SkippedSection",
    "Status",
    "from_jsonable",
    "to_jsonable",
    "worst_status",
]
