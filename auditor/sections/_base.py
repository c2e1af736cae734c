"""What every analysis section is: a named computation from the context to a result."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, runtime_checkable

from auditor.context import AuditContext

__all__ = ["Section"]


@runtime_checkable
class Section(Protocol):
    """An analysis: ``compute(ctx)`` returns a frozen result and never draws.

    Attributes
    ----------
    name : str
        The section's key; also the field of :class:`~auditor.results.AuditResult`
        that holds its result.
    requires_model : bool
        Whether the section needs the fitted model (sections that do are skipped,
        with a stated reason, for an audit built from predictions).
    """

    name: ClassVar[str]
    requires_model: ClassVar[bool]

    def compute(self, ctx: AuditContext) -> Any: ...
