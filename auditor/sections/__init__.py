"""Analysis sections: each computes one frozen result from the shared context.

:data:`BUILTIN_SECTIONS` is the one list of built-in sections, in report order;
adding a section means writing its module and template and adding it here. Every
other part of the house (the audit, the JSON codec, the policy, the document)
reads the section registry that defining a :class:`Section` subclass fills.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.results import section_spec
from auditor.sections._base import Section
from auditor.sections.agreement import AgreementSection
from auditor.sections.data_quality import DataQualitySection
from auditor.sections.drift import DriftSection
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
    "DataQualitySection",
    "DriftSection",
    "BUILTIN_SECTIONS",
    "builtin_section",
    "default_sections",
    "resolve_sections",
    "run_order",
]

#: Every built-in section, in the order their chapters appear in the report.
BUILTIN_SECTIONS: tuple[type[Section], ...] = (
    PerformanceSection,
    DataQualitySection,
    DriftSection,
    FairnessSection,
    ImportanceSection,
    ShapSection,
    LimeSection,
    AgreementSection,
)


def builtin_section(name: str) -> type[Section]:
    """The built-in section class called ``name``."""
    for cls in BUILTIN_SECTIONS:
        if cls.name == name:
            return cls
    raise ValueError(f"Unknown section {name!r}. Expected one of {[c.name for c in BUILTIN_SECTIONS]}.")


def default_sections() -> list[Section]:
    """One instance of every built-in section, with default options, in report order."""
    return [cls() for cls in BUILTIN_SECTIONS]


def run_order(sections: list[Section]) -> list[Section]:
    """``sections`` in an order where each runs after the sections it names in
    ``after`` (when they are part of the audit); otherwise in the order given.

    Raises
    ------
    ValueError
        If the ``after`` declarations form a cycle.
    """
    names = [s.name for s in sections]
    pending = list(sections)
    done: set[str] = set()
    out: list[Section] = []
    while pending:
        ready = next((s for s in pending if all(d in done or d not in names for d in s.after)), None)
        if ready is None:
            cycle = ", ".join(f"{s.name} (after {list(s.after)})" for s in pending)
            raise ValueError(f"Expected the sections' `after` declarations to allow an order. Got a cycle among {cycle}.")
        out.append(ready)
        done.add(ready.name)
        pending.remove(ready)
    return out


def resolve_sections(sections: Iterable[str | Section] | str | None) -> list[Section]:
    """Turn names or section objects into section objects, in report order.

    Built-in sections keep the report's order; your own sections follow, in the
    order given. (:func:`run_order` gives the order they are computed in.)

    Raises
    ------
    ValueError
        If a name is unknown or a section name is used twice.
    TypeError
        If an item is neither a name nor a :class:`Section`.
    """
    if sections is None:
        return default_sections()
    if isinstance(sections, (str, Section)):
        sections = [sections]
    out: list[Section] = []
    for s in sections:
        if isinstance(s, str):
            s = builtin_section(s)()
        elif isinstance(s, type) and issubclass(s, Section):
            raise TypeError(f"Expected a section object. Got the class {s.__qualname__}; pass {s.__qualname__}() instead.")
        elif not isinstance(s, Section):
            raise TypeError(f"Expected a section name or a Section object. Got {type(s).__name__} instead.")
        if section_spec(s.name) is None:  # pragma: no cover - defining the class registers it
            raise ValueError(f"Section {s.name!r} is not registered.")
        out.append(s)
    names = [s.name for s in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"Expected each section name once. Got {dupes} more than once.")
    report = [c.name for c in BUILTIN_SECTIONS]
    out.sort(key=lambda s: report.index(s.name) if s.name in report else len(report))
    # the run order is checked now, so a cycle fails before any work is done
    run_order(out)
    return out
