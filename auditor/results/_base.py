"""Result building blocks shared by every section.

Everything here is a frozen dataclass of JSON-native values. An undefined number is
``None`` together with a ``reason``; it is never 0, NaN or a capped value.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Status",
    "Estimate",
    "Metric",
    "Finding",
    "SectionFailure",
    "SkippedSection",
    "RecordedWarning",
    "Provenance",
    "AuditSummary",
    "worst_status",
]


class Status(enum.StrEnum):
    """Outcome of a policy check, ordered from best to worst.

    ``INCONCLUSIVE`` means the data cannot tell: the confidence interval straddles the
    threshold, or a group is too small. It ranks above ``WARN`` because a gate should
    not treat "we could not tell" as "fine".
    """

    PASS = "PASS"
    WARN = "WARN"
    INCONCLUSIVE = "INCONCLUSIVE"
    FAIL = "FAIL"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Status.PASS: 0, Status.WARN: 1, Status.INCONCLUSIVE: 2, Status.FAIL: 3}


def worst_status(statuses) -> Status:
    """Return the most severe status; ``PASS`` when there is none."""
    return max(statuses, key=lambda s: s.severity, default=Status.PASS)


def _finite_or_none(x: float | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass(frozen=True)
class Estimate:
    """A point estimate with an optional confidence interval.

    Parameters
    ----------
    value : float or None
        The estimate; ``None`` when undefined (see ``reason``).
    ci_low, ci_high : float or None
        Bounds of the confidence interval, ``None`` when no interval was computed or
        it is undefined.
    reason : str or None
        Why ``value`` (or the interval) is undefined, in plain words.
    """

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    reason: str | None = None

    @classmethod
    def undefined(cls, reason: str) -> Estimate:
        return cls(value=None, reason=reason)

    @classmethod
    def of(
        cls,
        value: float | None,
        ci: tuple[float | None, float | None] | None = None,
        *,
        reason: str | None = None,
        undefined_reason: str = "the value is undefined for these data",
    ) -> Estimate:
        """Build an estimate, turning NaN/inf into ``None`` with a reason."""
        v = _finite_or_none(value)
        lo, hi = (None, None) if ci is None else (_finite_or_none(ci[0]), _finite_or_none(ci[1]))
        if v is None:
            return cls(value=None, reason=reason or undefined_reason)
        return cls(value=v, ci_low=lo, ci_high=hi, reason=reason)


@dataclass(frozen=True)
class Metric:
    """A named metric with its estimate.

    ``key`` is the code name (scikit-learn's where one exists), ``label`` what a
    reader sees.
    """

    key: str
    label: str
    estimate: Estimate
    higher_is_better: bool | None = None
    description: str = ""


@dataclass(frozen=True)
class Finding:
    """The outcome of one policy check, worded for a non-technical reader."""

    check: str
    section: str
    status: Status
    title: str
    message: str
    metric: str | None = None
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    threshold: float | None = None
    comparison: Literal[">=", "<="] | None = None
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionFailure:
    """A section that raised; the audit went on without it."""

    section: str
    error_type: str
    message: str


@dataclass(frozen=True)
class SkippedSection:
    """A section that was not run, and why."""

    section: str
    reason: str


@dataclass(frozen=True)
class RecordedWarning:
    """Something the reader should know that did not stop the audit."""

    source: str
    message: str


@dataclass(frozen=True)
class Provenance:
    """Where, when and with what an audit was computed.

    ``model_fingerprint`` identifies the fitted model by its content (the same
    model in any process, a different fit otherwise); ``model_file_sha256`` is
    the SHA-256 of the file it was loaded from, when the command line loaded one.
    """

    auditor_version: str
    python_version: str
    library_versions: dict[str, str]
    created_at: str
    random_state: int
    data_fingerprint: str
    model_fingerprint: str | None
    platform: str = ""
    model_file_sha256: str | None = None
    reference_fingerprint: str | None = None


@dataclass(frozen=True)
class AuditSummary:
    """What was audited: the model, the data and the task."""

    model_name: str
    model_description: str
    task: Literal["binary", "multiclass", "regression"]
    n_rows: int
    n_columns: int
    feature_names: tuple[str, ...]
    model_feature_names: tuple[str, ...]
    sensitive_features: tuple[str, ...]
    target_name: str
    classes: tuple[str, ...] = ()
    pos_label: str | None = None
    has_model: bool = True
    score_kind: Literal["probability", "decision", "none"] = "none"
    sample_weight: bool = False
    dataset_name: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    has_labels: bool = True
    n_reference_rows: int | None = None
    reference_name: str = ""
    reference_has_labels: bool = False
