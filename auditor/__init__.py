"""auditor: audit a trained model for performance, explanations and fairness.

>>> from auditor import Auditor
>>> result = Auditor(model, X, y, sensitive_features=["sex"]).run()  # doctest: +SKIP
>>> result.save("audit.html")                                        # doctest: +SKIP
"""

from auditor._version import __version__
from auditor.auditor import Auditor
from auditor.policy import rejudge
from auditor.results import (
    AuditResult,
    Estimate,
    Finding,
    PerformancePolicy,
    Policy,
    PolicyError,
    Status,
)
from auditor.sections import AgreementSection, ImportanceSection, LimeSection, PerformanceSection, ShapSection

__all__ = [
    "__version__",
    "Auditor",
    "AgreementSection",
    "AuditResult",
    "Estimate",
    "Finding",
    "ImportanceSection",
    "LimeSection",
    "PerformancePolicy",
    "PerformanceSection",
    "Policy",
    "PolicyError",
    "ShapSection",
    "Status",
    "rejudge",
]
