"""The section registry, at the bottom of the house so that every layer can read it.

A section (see :class:`auditor.sections.Section`) declares in one place its name,
title, result type, findings, view and template. Defining the class registers
that declaration here as a :class:`SectionSpec`; the audit, the JSON codec, the
policy evaluation and the document all iterate this one registry, so no other list
names sections.

This module imports nothing of ours outside :mod:`auditor.results`: computation
registers into it and views read from it, without importing each other. A view or
findings function may be given as ``"module:function"`` and is imported on first
use, which is how built-in sections name their views without the computation
importing the renderer.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from auditor.results._base import Status

__all__ = [
    "SectionResult",
    "SectionSpec",
    "UnreadSection",
    "SectionRegistryError",
    "register_section",
    "section_spec",
    "section_specs",
    "result_type_name",
    "result_type_for",
    "resolve",
    "set_renderer",
    "renderer",
]


class SectionRegistryError(ValueError):
    """A section declaration is incomplete, or its name is already taken."""


# qualified name ("module:QualName") -> result class
_RESULT_TYPES: dict[str, type] = {}
# section name -> spec, in registration order (built-ins first: the report's order)
_SPECS: dict[str, SectionSpec] = {}


def result_type_name(cls: type) -> str:
    """The name under which a result class is recorded in the JSON."""
    return f"{cls.__module__}:{cls.__qualname__}"


class SectionResult:
    """Base of every section's result: a frozen dataclass of JSON-native values.

    Subclasses register on definition, so :meth:`AuditResult.from_json` reads a
    section back as its own type whenever the class has been imported. Fields may
    be ``str``, ``int``, ``float`` or ``None``, ``bool``, tuples of those, dicts
    with ``str`` keys, enums of strings, :class:`~auditor.results.Estimate` and
    other frozen dataclasses of the same.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> from auditor import SectionResult
    >>> @dataclass(frozen=True)
    ... class LeakageResult(SectionResult):
    ...     suspicious: tuple[str, ...]
    ...     max_correlation: float | None
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # a class re-defined under the same name (a re-run notebook cell) replaces
        # the old one: the newest definition is the one a reader means
        _RESULT_TYPES[result_type_name(cls)] = cls


@dataclass(frozen=True)
class UnreadSection(SectionResult):
    """A section read from an archive whose result type is not imported.

    The data is kept exactly as it was stored, so the section is still shown (as a
    generic table), still written back by ``to_json``, and its stored findings kept.
    """

    result_type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class SectionSpec:
    """Everything the house knows about one section.

    Attributes
    ----------
    name : str
        Key of the section in the audit and in its JSON.
    title : str
        Chapter title, as a reader names it ("Model performance").
    topic : str
        The chapter named mid-sentence ("model performance", "SHAP explanations").
    result_type : type
        The :class:`SectionResult` subclass the section computes.
    requires_model : bool
        Skipped, with the reason, for an audit built from predictions only.
    after : tuple of str
        Sections this one runs after when they are part of the audit.
    findings : callable or str or None
        ``findings(result, policy) -> list[Finding]``; ``None`` for a section
        without checks.
    view : callable or str or None
        ``view(section_result, audit_result, *, figures=True) -> dict or None``;
        ``None`` renders the result as generic tables.
    template : str or None
        The chapter's template; ``None`` uses the generic one.
    failure_status : Status
        The finding recorded when the section raises: INCONCLUSIVE for a section
        whose checks a gate relies on, WARN otherwise.
    owner : str
        The qualified name of the declaring section class.
    builtin : bool
        Part of :mod:`auditor` (runs by default).
    """

    name: str
    title: str
    topic: str
    result_type: type
    requires_model: bool
    after: tuple[str, ...]
    findings: Callable[..., Any] | str | None
    view: Callable[..., Any] | str | None
    template: str | None
    failure_status: Status
    owner: str
    builtin: bool = False

    def findings_function(self) -> Callable[..., Any] | None:
        return resolve(self.findings)

    def view_function(self) -> Callable[..., Any] | None:
        return resolve(self.view)


def resolve(ref: Callable[..., Any] | str | None) -> Callable[..., Any] | None:
    """A callable, or the function a ``"module:function"`` string names."""
    if ref is None or callable(ref):
        return ref
    module, _, attr = ref.partition(":")
    if not module or not attr:
        raise SectionRegistryError(f"Expected 'module:function'. Got {ref!r} instead.")
    target: Any = importlib.import_module(module)
    for part in attr.split("."):
        target = getattr(target, part)
    return target


def register_section(spec: SectionSpec) -> None:
    """Record ``spec``; a name another section already holds is an error.

    Re-registering the same class (same ``owner``), as a re-run notebook cell
    does, replaces the old declaration.
    """
    if not dataclasses.is_dataclass(spec.result_type) or not issubclass(spec.result_type, SectionResult):
        raise SectionRegistryError(
            f"Expected {spec.owner}.result_type to be a frozen dataclass subclassing auditor.SectionResult. "
            f"Got {spec.result_type!r} instead."
        )
    held = _SPECS.get(spec.name)
    if held is not None and held.owner != spec.owner:
        kind = "built-in section" if held.builtin else "section"
        raise SectionRegistryError(
            f"Section name {spec.name!r} of {spec.owner} is already taken by the {kind} {held.owner}. "
            "Expected a unique name."
        )
    _SPECS[spec.name] = spec


def section_spec(name: str) -> SectionSpec | None:
    """The declaration of section ``name``, or ``None`` when no such class is defined."""
    return _SPECS.get(name)


def section_specs() -> Iterator[SectionSpec]:
    """Every registered section, built-ins first, in registration order."""
    return iter(tuple(_SPECS.values()))


def result_type_for(type_name: str, section_name: str) -> type | None:
    """The class recorded as ``type_name``, else the one section ``section_name``
    declares (a class moved between modules keeps its section), else ``None``."""
    found = _RESULT_TYPES.get(type_name)
    if found is not None:
        return found
    spec = _SPECS.get(section_name)
    return None if spec is None else spec.result_type


# -- the renderer hook -----------------------------------------------------------------
# ``AuditResult.save`` and ``_repr_html_`` need the renderer, which sits above the
# results; the package registers it here (as a module name, imported on first use)
# so that results never import the renderer.

_RENDERER: dict[str, str] = {}


def set_renderer(module: str) -> None:
    """Name the module providing ``save_result(result, path, **options)`` and
    ``render_notebook_html(result)``."""
    _RENDERER["module"] = module


def renderer() -> Any:
    """The renderer module registered with :func:`set_renderer`."""
    module = _RENDERER.get("module")
    if module is None:
        raise RuntimeError("No renderer is registered; import auditor (which registers auditor.render) first.")
    return importlib.import_module(module)
