"""The frozen record of one audit, and its serialisation."""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass, field, fields, replace
from os import PathLike
from pathlib import Path
from typing import Any, Literal

from auditor.results._base import (
    AuditSummary,
    Finding,
    Provenance,
    RecordedWarning,
    SectionFailure,
    SkippedSection,
    Status,
    worst_status,
)
from auditor.results._section import (
    SectionResult,
    UnreadSection,
    renderer,
    result_type_for,
    result_type_name,
    section_spec,
)
from auditor.results._serde import SerialisationError, freeze, from_jsonable, loads_strict, to_jsonable
from auditor.results._upgrade import upgrade
from auditor.results.model_card import ModelCard
from auditor.results.policy import Policy

__all__ = ["AuditResult", "AuditConfig", "SectionConfig", "SCHEMA_VERSION"]

#: Bumped on any change that an older reader could not load. 2.0: section results
#: moved under ``sections``; computation settings moved from the policy to
#: ``config`` (1.x archives are upgraded on reading). 2.1: fairness comparisons
#: with the reference group; the policy's ``fairness.compare`` retired.
SCHEMA_VERSION = "2.1"


@dataclass(frozen=True)
class SectionConfig:
    """One section as it was asked for: the options that produced its numbers.

    Attributes
    ----------
    name : str
    title : str
        The chapter's title, kept so an archive names the chapter even where the
        section's class is not available.
    result_type : str
        ``"module:QualName"`` of the result class.
    options : dict
        The section's options (its dataclass fields), as JSON-native values.
    """

    name: str
    title: str
    result_type: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditConfig:
    """What was asked of the audit (not what was found): everything that changes
    a computed number is here, never in the policy."""

    random_state: int
    n_bootstrap: int
    confidence_level: float
    sections: tuple[SectionConfig, ...]
    errors: Literal["record", "raise"] = "record"

    @property
    def section_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sections)

    def section(self, name: str) -> SectionConfig:
        for s in self.sections:
            if s.name == name:
                return s
        raise KeyError(f"No section {name!r} was requested; requested: {list(self.section_names)}")


@dataclass(frozen=True)
class AuditResult:
    """Everything one audit found, as plain JSON-native values.

    Every view (HTML, PDF, notebook display, command-line summary) is rendered from
    this record alone, so an archived JSON re-renders the same report.

    Attributes
    ----------
    verdict : Status
        The worst status among ``findings`` (``PASS`` when there are none).
    findings : tuple of Finding
        Policy checks, sorted from most to least severe.
    model_card : ModelCard or None
        What the model's owners state about it (intended use, limitations,
        sign-off); ``None`` when no card was given.
    sections : dict of str to SectionResult
        The result of every section that completed, by name, in run order. A
        section that was skipped or failed is absent (see ``skipped`` and
        ``failures``). Each is also an attribute: ``result.performance`` is
        ``result.sections.get("performance")``, ``None`` when it did not complete.
    """

    schema_version: str
    summary: AuditSummary
    config: AuditConfig
    policy: Policy
    provenance: Provenance
    verdict: Status
    findings: tuple[Finding, ...]
    warnings: tuple[RecordedWarning, ...] = ()
    failures: tuple[SectionFailure, ...] = ()
    skipped: tuple[SkippedSection, ...] = ()
    model_card: ModelCard | None = None
    sections: dict[str, SectionResult] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The verdict is stored so that a gate reading the JSON needs no logic of
        # ours, but it must never disagree with the findings it summarises.
        expected = worst_status(f.status for f in self.findings)
        if self.verdict != expected:
            raise ValueError(
                f"Expected verdict {expected.value} (the worst finding). Got {self.verdict.value}."
            )
        for name, res in self.sections.items():
            if not isinstance(res, SectionResult):
                raise TypeError(
                    f"Expected the result of section {name!r} to be a SectionResult. Got {type(res).__name__} instead."
                )

    def __getattr__(self, name: str) -> Any:
        # only called when normal lookup fails: section names read as attributes
        if name.startswith("_"):
            raise AttributeError(name)
        sections = self.__dict__.get("sections", {})
        if name in sections:
            return sections[name]
        config = self.__dict__.get("config")
        if section_spec(name) is not None or (config is not None and name in config.section_names):
            return None
        raise AttributeError(f"{type(self).__name__!r} object has no attribute or section {name!r}")

    # -- derived views -----------------------------------------------------------
    def section(self, name: str) -> SectionResult | None:
        """The result of section ``name``, ``None`` when it did not complete."""
        return self.sections.get(name)

    def sorted_findings(self) -> tuple[Finding, ...]:
        """Findings from most to least severe, stable within a status."""
        return tuple(sorted(self.findings, key=lambda f: -f.status.severity))

    def with_findings(self, findings: tuple[Finding, ...]) -> AuditResult:
        """Return a copy with new findings and the verdict that follows from them."""
        return replace(self, findings=findings, verdict=worst_status(f.status for f in findings))

    # -- serialisation -----------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the result as nested JSON-native dicts and lists."""
        out = {f.name: to_jsonable(getattr(self, f.name), path=f"$.{f.name}") for f in fields(self) if f.name != "sections"}
        out["sections"] = {
            name: dict(res.data) if isinstance(res, UnreadSection) else to_jsonable(res, path=f"$.sections.{name}")
            for name, res in self.sections.items()
        }
        return out

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the result as a JSON string (never containing NaN or Infinity)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditResult:
        """Rebuild a result from :meth:`to_dict` output (1.x archives are upgraded).

        A section whose result class is not imported in this process is kept as
        plain data (:class:`~auditor.results.UnreadSection`) with a recorded
        warning: import the module that defines it first to read it typed.
        """
        version = data.get("schema_version") if isinstance(data, dict) else None
        if version is None:
            raise SerialisationError("Expected an audit JSON with a 'schema_version'. Got none.")
        major = str(version).split(".")[0]
        if major == "1" or str(version) == "2.0":
            data = upgrade(data)
        elif major != SCHEMA_VERSION.split(".")[0]:
            raise SerialisationError(
                f"Expected schema_version {SCHEMA_VERSION.split('.')[0]}.x (or 1.x, upgraded on reading). Got "
                f"{version!r}; this audit was written by an incompatible auditor version."
            )
        hints = typing.get_type_hints(cls)
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise SerialisationError(f"Unexpected fields {sorted(unknown)} at $ for AuditResult.")
        kwargs = {
            name: from_jsonable(hints[name], data[name], path=f"$.{name}")
            for name in names - {"sections"}
            if name in data
        }
        stored = data.get("sections", {})
        if not isinstance(stored, dict):
            raise SerialisationError(f"Expected an object at $.sections. Got {type(stored).__name__}.")
        config: AuditConfig = kwargs["config"]
        declared = {s.name: s for s in config.sections}
        sections: dict[str, SectionResult] = {}
        notes: list[RecordedWarning] = []
        for name, value in stored.items():
            type_name = declared[name].result_type if name in declared else ""
            tp = result_type_for(type_name, name)
            if tp is None:
                if not isinstance(value, dict):
                    raise SerialisationError(f"Expected an object at $.sections.{name}. Got {type(value).__name__}.")
                sections[name] = UnreadSection(result_type=type_name or "unknown", data=from_jsonable(dict[str, Any], value))
                notes.append(RecordedWarning(
                    source="archive",
                    message=f"Section {name!r} is shown as plain data: its result type {type_name or '(not recorded)'} "
                    "is not imported in this process. Import the module that defines it before "
                    "AuditResult.from_json to read it typed.",
                ))
                continue
            sections[name] = from_jsonable(tp, value, path=f"$.sections.{name}")
        kwargs["sections"] = sections
        if notes:
            kwargs["warnings"] = tuple(kwargs.get("warnings", ())) + tuple(notes)
        return cls(**kwargs)

    @classmethod
    def from_json(cls, source: str | PathLike[str]) -> AuditResult:
        """Read a result from a JSON string or from the path of a JSON file.

        NaN and Infinity literals are refused (an undefined value is ``null`` with
        a reason), naming where they are.
        """
        text = source
        if isinstance(source, PathLike) or (isinstance(source, str) and not source.lstrip().startswith("{")):
            text = Path(source).read_text(encoding="utf-8")
        return cls.from_dict(loads_strict(text))

    # -- views (the renderer is reached through the hook the package registers,
    # so loading a result needs neither jinja nor matplotlib) -------------------
    def save(
        self,
        path: str | PathLike[str],
        *,
        template_dir: str | PathLike[str] | None = None,
        page_size: Literal["A4", "Letter"] = "A4",
        overwrite: bool = True,
    ) -> Path:
        """Write the result to ``path``; the suffix picks the format.

        ``.json`` writes the evidence file, ``.html`` the self-contained report,
        ``.pdf`` the same report laid out for print (WeasyPrint; it fetches nothing).
        The file is written atomically: a reader never sees a partial file.

        Parameters
        ----------
        path : path
            Ending in ``.json``, ``.html``/``.htm`` or ``.pdf``.
        template_dir : path, optional
            A folder of templates searched before the bundled ones (HTML and PDF).
        page_size : {"A4", "Letter"}, default="A4"
            PDF only.
        overwrite : bool, default=True
            ``False`` refuses to replace an existing file.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        return renderer().save_result(self, path, template_dir=template_dir, page_size=page_size, overwrite=overwrite)

    def _repr_html_(self) -> str:
        return renderer().render_notebook_html(self)


def section_config(name: str, title: str, result_type: type, options: dict[str, Any]) -> SectionConfig:
    """The config entry of a section, its options as JSON-native values.

    A path is recorded as its string; any other value JSON cannot hold (a
    callable option of your own section, say) as its ``repr``, so the record says
    what was used rather than failing the audit.
    """
    recorded = {}
    for key, value in options.items():
        try:
            recorded[key] = to_jsonable(value, path=f"$.config.sections[{name!r}].options.{key}")
        except SerialisationError:
            recorded[key] = _option_text(value)
    return SectionConfig(name=name, title=title, result_type=result_type_name(result_type), options=freeze(recorded))


def _option_text(value: Any) -> Any:
    import os

    if isinstance(value, PathLike):
        return os.fspath(value)
    if isinstance(value, (list, tuple)):
        return [_option_text(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _option_text(v) for k, v in value.items()}
    try:
        return to_jsonable(value)
    except SerialisationError:
        return repr(value)
