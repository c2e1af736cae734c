"""auditor: audit a trained model for performance, explanations, fairness, data quality and drift.

>>> from auditor import Auditor
>>> result = Auditor(model, X, y, sensitive_features=["sex"]).run()  # doctest: +SKIP
>>> result.save("audit.html")                                        # doctest: +SKIP
"""

from auditor._version import __version__
from auditor.auditor import Auditor
from auditor.diff import AuditDiff, diff_results
from auditor.policy import rejudge
from auditor.results import (
    AuditResult,
    DataQualityPolicy,
    DriftPolicy,
    Estimate,
    ExplanationPolicy,
    FairnessPolicy,
    Finding,
    Metric,
    ModelCard,
    Owner,
    PerformancePolicy,
    Policy,
    PolicyError,
    SectionResult,
    SignOff,
    Status,
    set_renderer,
)
from auditor.sections import (
    AgreementSection,
    DataQualitySection,
    DriftSection,
    FairnessSection,
    ImportanceSection,
    LimeSection,
    PerformanceSection,
    Section,
    ShapSection,
)

# Results reach their views (save, notebook display) through this hook, so that
# results never import the renderer; the module loads on first use.
set_renderer("auditor.render")

__all__ = [
    "__version__",
    "Auditor",
    "AuditDiff",
    "AgreementSection",
    "AuditResult",
    "DataQualityPolicy",
    "DataQualitySection",
    "DriftPolicy",
    "DriftSection",
    "Estimate",
    "ExplanationPolicy",
    "FairnessPolicy",
    "FairnessSection",
    "Finding",
    "ImportanceSection",
    "LimeSection",
    "Metric",
    "ModelCard",
    "Owner",
    "PerformancePolicy",
    "PerformanceSection",
    "Policy",
    "PolicyError",
    "Section",
    "SectionResult",
    "ShapSection",
    "SignOff",
    "Status",
    "diff_results",
    "rejudge",
    "render_html",
    "write_pdf",
]

# Renderers pull in jinja, matplotlib and WeasyPrint; load them on first use so that
# `import auditor` (and reading a result) stays light.
_LAZY = {"render_html": "auditor.render", "write_pdf": "auditor.render"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")
