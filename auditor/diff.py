"""What changed between two audits: a baseline and a candidate.

:func:`diff_results` compares two :class:`~auditor.results.AuditResult` records and
returns an :class:`AuditDiff`, a frozen record of plain values like the results
themselves (``to_dict`` gives JSON). Its views (text, HTML) live in
:mod:`auditor.render.diff`.

The comparison is generic over sections: every :class:`~auditor.results.Metric`
(and every other :class:`~auditor.results.Estimate`) found anywhere in a section's
result is matched by its path, and every finding by its check and groups. Whether
the two confidence intervals overlap is reported beside each change: intervals that
do not overlap point to a change larger than the resampling noise of either audit;
overlapping ones mean the audits cannot tell the two values apart.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from auditor.results import AuditResult, Estimate, Finding, Metric, Status, UnreadSection, to_jsonable

__all__ = ["AuditDiff", "AuditSide", "MetricChange", "FindingChange", "diff_results"]

#: Attributes that name an element of a tuple (a metric, a group, a feature ...).
_ID_ATTRS = ("key", "name", "feature", "group", "label", "check")


@dataclass(frozen=True)
class AuditSide:
    """What identifies one of the two audits."""

    model_name: str
    dataset_name: str
    created_at: str
    n_rows: int
    verdict: Status
    data_fingerprint: str
    model_fingerprint: str | None
    auditor_version: str
    sections: tuple[str, ...]
    model_file_sha256: str | None = None


@dataclass(frozen=True)
class MetricChange:
    """One number in both audits (``None`` on the side where it is missing).

    ``intervals_overlap`` is ``None`` when either side has no interval.
    """

    section: str
    path: str
    label: str
    old: Estimate | None
    new: Estimate | None
    delta: float | None
    intervals_overlap: bool | None
    higher_is_better: bool | None = None

    @property
    def changed(self) -> bool:
        """True when the value moved (or appeared, or disappeared)."""
        if self.old is None or self.new is None:
            return True
        return self.old.value != self.new.value


@dataclass(frozen=True)
class FindingChange:
    """One policy check in either audit.

    ``change`` is ``worse``/``better`` when the status moved, ``added``/``removed``
    when the check exists on one side only, ``same`` otherwise.
    """

    check: str
    section: str
    title: str
    groups: tuple[str, ...]
    old_status: Status | None
    new_status: Status | None
    old_message: str | None
    new_message: str | None
    change: Literal["worse", "better", "added", "removed", "same"]


@dataclass(frozen=True)
class AuditDiff:
    """The differences between a baseline (``old``) and a candidate (``new``) audit.

    ``same_model`` is ``True`` when both audits loaded the same model file (equal
    SHA-256) or their fitted models have the same content fingerprint, ``False``
    when the fingerprints differ, and ``None`` when they cannot be compared
    (missing, or of different kinds); ``model_basis`` says which.
    """

    old: AuditSide
    new: AuditSide
    same_data: bool
    same_model: bool | None
    same_policy: bool
    metrics: tuple[MetricChange, ...]
    findings: tuple[FindingChange, ...]
    model_basis: str = ""

    @property
    def verdict_changed(self) -> bool:
        return self.old.verdict != self.new.verdict

    @property
    def flipped(self) -> tuple[FindingChange, ...]:
        """Checks whose status changed."""
        return tuple(f for f in self.findings if f.change in ("worse", "better"))

    @property
    def regressions(self) -> tuple[FindingChange, ...]:
        """Checks that got worse, and new checks that do not pass."""
        return tuple(
            f
            for f in self.findings
            if f.change == "worse" or (f.change == "added" and f.new_status is not None and f.new_status.severity > 0)
        )

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


def diff_results(old: AuditResult, new: AuditResult) -> AuditDiff:
    """Compare a baseline audit ``old`` with a candidate audit ``new``.

    Parameters
    ----------
    old, new : AuditResult

    Returns
    -------
    AuditDiff
    """
    for name, r in (("old", old), ("new", new)):
        if not isinstance(r, AuditResult):
            raise TypeError(f"Expected {name} to be an AuditResult. Got {type(r).__name__} instead.")
    same_model, basis = _same_model(old.provenance, new.provenance)
    return AuditDiff(
        old=_side(old),
        new=_side(new),
        same_data=old.provenance.data_fingerprint == new.provenance.data_fingerprint,
        same_model=same_model,
        model_basis=basis,
        same_policy=to_jsonable(old.policy) == to_jsonable(new.policy),
        metrics=_metric_changes(old, new),
        findings=_finding_changes(old.findings, new.findings),
    )


def _same_model(old, new) -> tuple[bool | None, str]:
    """Whether two audits judged the same model, and on what evidence."""
    fa, fb = old.model_fingerprint, new.model_fingerprint
    if old.model_file_sha256 and old.model_file_sha256 == new.model_file_sha256:
        return True, "the same model file (equal SHA-256)"
    if fa is None or fb is None:
        return None, "a model fingerprint is missing (an audit from predictions only)"
    if fa.split(":", 1)[0] != fb.split(":", 1)[0]:
        # joblib's md5 of older archives hashed memory padding: it cannot be compared with the canonical one
        return None, "the model fingerprints are of different kinds (an older archive), so they cannot be compared"
    if fa == fb:
        return True, "the same fitted model (equal content fingerprints)"
    return False, "different fitted models (the content fingerprints differ)"


def _side(r: AuditResult) -> AuditSide:
    return AuditSide(
        model_name=r.summary.model_name,
        dataset_name=r.summary.dataset_name,
        created_at=r.provenance.created_at,
        n_rows=r.summary.n_rows,
        verdict=r.verdict,
        data_fingerprint=r.provenance.data_fingerprint,
        model_fingerprint=r.provenance.model_fingerprint,
        auditor_version=r.provenance.auditor_version,
        sections=tuple(_sections(r)),
        model_file_sha256=r.provenance.model_file_sha256,
    )


def _sections(r: AuditResult) -> dict[str, Any]:
    return {name: (res.data if isinstance(res, UnreadSection) else res) for name, res in r.sections.items()}


# -- metrics ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Found:
    label: str
    estimate: Estimate
    higher_is_better: bool | None


def _element_id(x: Any, i: int) -> str:
    for attr in _ID_ATTRS:
        v = getattr(x, attr, None)
        if isinstance(v, str) and v:
            return v
    return str(i)


def _collect(section: str, value: Any) -> dict[str, _Found]:
    """Every Metric and Estimate in ``value``, keyed by a path that does not depend
    on the order of tuples (elements are named by their key/name/group...)."""
    found: dict[str, _Found] = {}
    metric_numbers: set[tuple] = set()

    def walk(v: Any, path: tuple[str, ...], qualifiers: tuple[str, ...]) -> None:
        if isinstance(v, Metric):
            label = v.label + (f" ({', '.join(qualifiers)})" if qualifiers else "")
            found["/".join(path)] = _Found(label, v.estimate, v.higher_is_better)
            metric_numbers.add(_numbers(v.estimate))
        elif isinstance(v, Estimate):
            bare.append(("/".join(path), path[-1], qualifiers, v))
        elif dataclasses.is_dataclass(v) and not isinstance(v, type):
            for f in dataclasses.fields(v):
                walk(getattr(v, f.name), path + (f.name,), qualifiers)
        elif isinstance(v, (tuple, list)):
            for i, x in enumerate(v):
                ident = _element_id(x, i)
                is_metric = isinstance(x, Metric)
                walk(x, path + (ident,), qualifiers if is_metric or not dataclasses.is_dataclass(x) else qualifiers + (ident,))
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(x, path + (str(k),), qualifiers + (str(k),))

    bare: list[tuple[str, str, tuple[str, ...], Estimate]] = []
    walk(value, (section,), ())
    for path, field_name, qualifiers, est in bare:
        # an estimate repeated from a metric (e.g. the calibration curve's ECE) is
        # already listed under the metric
        if _numbers(est) in metric_numbers:
            continue
        label = field_name.replace("_", " ").capitalize() + (f" ({', '.join(qualifiers)})" if qualifiers else "")
        found[path] = _Found(label, est, None)
    return found


def _numbers(e: Estimate) -> tuple:
    return (e.value, e.ci_low, e.ci_high)


def _overlap(a: Estimate, b: Estimate) -> bool | None:
    if None in (a.ci_low, a.ci_high, b.ci_low, b.ci_high):
        return None
    return not (a.ci_high < b.ci_low or b.ci_high < a.ci_low)


def _metric_changes(old: AuditResult, new: AuditResult) -> tuple[MetricChange, ...]:
    o_sections, n_sections = _sections(old), _sections(new)
    order = list(n_sections) + [s for s in o_sections if s not in n_sections]
    out = []
    for section in order:
        o = _collect(section, o_sections[section]) if section in o_sections else {}
        n = _collect(section, n_sections[section]) if section in n_sections else {}
        for path in list(n) + [p for p in o if p not in n]:
            a, b = o.get(path), n.get(path)
            ea, eb = (a.estimate if a else None), (b.estimate if b else None)
            delta = None
            if ea is not None and eb is not None and ea.value is not None and eb.value is not None:
                delta = eb.value - ea.value
            out.append(
                MetricChange(
                    section=section,
                    path=path,
                    label=(b or a).label,
                    old=ea,
                    new=eb,
                    delta=delta,
                    intervals_overlap=None if ea is None or eb is None else _overlap(ea, eb),
                    higher_is_better=(b or a).higher_is_better,
                )
            )
    return tuple(out)


# -- findings -----------------------------------------------------------------------

def _finding_changes(old: tuple[Finding, ...], new: tuple[Finding, ...]) -> tuple[FindingChange, ...]:
    def key(f: Finding) -> tuple:
        return (f.check, tuple(f.groups))

    o = {key(f): f for f in old}
    n = {key(f): f for f in new}
    out = []
    for k in list(n) + [k for k in o if k not in n]:
        a, b = o.get(k), n.get(k)
        if a is None:
            change = "added"
        elif b is None:
            change = "removed"
        elif b.status.severity > a.status.severity:
            change = "worse"
        elif b.status.severity < a.status.severity:
            change = "better"
        else:
            change = "same"
        f = b or a
        out.append(
            FindingChange(
                check=f.check,
                section=f.section,
                title=f.title,
                groups=tuple(f.groups),
                old_status=a.status if a else None,
                new_status=b.status if b else None,
                old_message=a.message if a else None,
                new_message=b.message if b else None,
                change=change,  # type: ignore[arg-type]
            )
        )
    rank = {"worse": 0, "added": 1, "removed": 2, "better": 3, "same": 4}
    return tuple(sorted(out, key=lambda c: rank[c.change]))
