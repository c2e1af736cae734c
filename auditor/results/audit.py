"""The frozen record of one audit, and its serialisation."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
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
from auditor.results._serde import SerialisationError, from_jsonable, loads_strict, to_jsonable
from auditor.results.explanations import AgreementResult, ImportanceResult, LimeResult, ShapResult
from auditor.results.fairness import FairnessResult
from auditor.results.performance import PerformanceResult
from auditor.results.policy import Policy

__all__ = ["AuditResult", "AuditConfig", "SCHEMA_VERSION"]

#: Bumped on any change that an older reader could not load.
SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class AuditConfig:
    """What was asked of the audit (not what was found)."""

    random_state: int
    n_bootstrap: int
    sections: tuple[str, ...]
    errors: Literal["record", "raise"] = "record"


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
    performance : PerformanceResult or None
        ``None`` when the section was not run, was skipped or failed (see
        ``skipped`` and ``failures``).
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
    performance: PerformanceResult | None = None
    fairness: FairnessResult | None = None
    importance: ImportanceResult | None = None
    shap: ShapResult | None = None
    lime: LimeResult | None = None
    agreement: AgreementResult | None = None

    def __post_init__(self) -> None:
        # The verdict is stored so that a gate reading the JSON needs no logic of
        # ours, but it must never disagree with the findings it summarises.
        expected = worst_status(f.status for f in self.findings)
        if self.verdict != expected:
            raise ValueError(
                f"Expected verdict {expected.value} (the worst finding). Got {self.verdict.value}."
            )

    # -- derived views -----------------------------------------------------------
    def sorted_findings(self) -> tuple[Finding, ...]:
        """Findings from most to least severe, stable within a status."""
        return tuple(sorted(self.findings, key=lambda f: -f.status.severity))

    def with_findings(self, findings: tuple[Finding, ...]) -> AuditResult:
        """Return a copy with new findings and the verdict that follows from them."""
        return replace(self, findings=findings, verdict=worst_status(f.status for f in findings))

    # -- serialisation -----------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the result as nested JSON-native dicts and lists."""
        return to_jsonable(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the result as a JSON string (never containing NaN or Infinity)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditResult:
        """Rebuild a result from :meth:`to_dict` output."""
        version = data.get("schema_version") if isinstance(data, dict) else None
        if version is None:
            raise SerialisationError("Expected an audit JSON with a 'schema_version'. Got none.")
        if str(version).split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise SerialisationError(
                f"Expected schema_version {SCHEMA_VERSION.split('.')[0]}.x. Got {version!r}; "
                "this audit was written by an incompatible auditor version."
            )
        return from_jsonable(cls, data)

    @classmethod
    def from_json(cls, source: str | PathLike[str]) -> AuditResult:
        """Read a result from a JSON string or from the path of a JSON file."""
        text = source
        if isinstance(source, PathLike) or (isinstance(source, str) and not source.lstrip().startswith("{")):
            text = Path(source).read_text(encoding="utf-8")
        return cls.from_dict(loads_strict(text))

    # -- views (rendering lives in auditor.render; imported late so that
    # loading a result needs neither jinja nor matplotlib) ---------------------
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
        from auditor.render import save_result

        return save_result(self, path, template_dir=template_dir, page_size=page_size, overwrite=overwrite)

    def _repr_html_(self) -> str:
        from auditor.render import render_notebook_html

        return render_notebook_html(self)
