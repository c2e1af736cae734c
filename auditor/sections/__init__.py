"""Analysis sections: each computes one frozen result from the shared context.

``SECTIONS`` lists every section type in the order an audit runs them (later
sections may reuse what earlier ones memoised in the context).
"""

from __future__ import annotations

from auditor.sections._base import Section
from auditor.sections.agreement import AgreementSection
from auditor.sections.fairness import FairnessSection
from auditor.sections.importance import ImportanceSection
from auditor.sections.lime import LimeSection
from auditor.sections.performance import PerformanceSection
from auditor.sections.shap import ShapSection

__all__ = [
    "Section",
    "PerformanceSection",
    "ImportanceSection",
    "ShapSection",
    "LimeSection",
    "AgreementSection",
    "FairnessSection",
    "SECTIONS",
    "default_sections",
    "resolve_sections",
]

SECTIONS: dict[str, type] = {
    PerformanceSection.name: PerformanceSection,
    ImportanceSection.name: ImportanceSection,
    ShapSection.name: ShapSection,
    LimeSection.name: LimeSection,
    AgreementSection.name: AgreementSection,
    # fairness runs last: it reuses the SHAP values the explanations computed
    FairnessSection.name: FairnessSection,
}


def default_sections() -> list[Section]:
    """One instance of every section, with default options, in run order."""
    return [cls() for cls in SECTIONS.values()]


def resolve_sections(sections) -> list[Section]:
    """Turn names or section objects into section objects, in run order.

    Raises
    ------
    ValueError
        If a name is unknown, an object is not a section, or a section is repeated.
    """
    if sections is None:
        return default_sections()
    if isinstance(sections, str):
        sections = [sections]
    out = []
    for s in sections:
        if isinstance(s, str):
            if s not in SECTIONS:
                raise ValueError(f"Unknown section {s!r}. Expected some of {list(SECTIONS)}.")
            s = SECTIONS[s]()
        elif not isinstance(s, Section):
            raise TypeError(f"Expected a section name or a section object. Got {type(s).__name__} instead.")
        out.append(s)
    names = [s.name for s in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"Expected each section once. Got {dupes} more than once.")
    order = list(SECTIONS)
    return sorted(out, key=lambda s: order.index(s.name) if s.name in order else len(order))
