"""What every analysis section is: a plugin that declares its result, findings and
view in one place, and computes its result from the shared context."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar

from auditor.context import AuditContext
from auditor.results import SectionRegistryError, SectionResult, SectionSpec, Status, register_section

__all__ = ["Section"]

_DECLARED = ("name", "title", "result_type")


class Section:
    """Base class of every analysis section, built-in or your own.

    A subclass declares, as class attributes, everything the audit, the JSON codec,
    the policy and the report need to know about it, and defining the class
    registers it. ``compute(ctx)`` returns the section's frozen result and never
    draws or formats.

    Attributes
    ----------
    name : str
        The section's key in the audit and in its JSON; unique.
    title : str
        The chapter's title ("Model performance").
    topic : str, optional
        The chapter named mid-sentence; default ``title`` in lower case.
    result_type : type
        The frozen dataclass subclassing :class:`~auditor.SectionResult` that
        ``compute`` returns.
    requires_model : bool, default=False
        Skipped (with the reason) when the audit was built from predictions only.
    after : tuple of str, default=()
        Sections this one runs after, when they are part of the audit (it reads
        their results with ``ctx.result(name)``).
    findings : callable or "module:function" or None, default=None
        ``findings(result, policy) -> list[Finding]``: the section's checks. It
        reads thresholds from the policy and numbers from the result only.
    view : callable or "module:function" or None, default=None
        ``view(section_result, audit_result, *, figures=True) -> dict``: the
        chapter's plain view model. ``None`` shows the result's fields as
        escaped tables.
    template : str or None, default=None
        The chapter's template (read with the view as ``section``); ``None`` uses
        the generic one.
    distributed : bool, default=False
        Whether ``compute`` reads the rows only through the outcomes (labels,
        predictions, scores, groups, weights) and the context's ``row_hash``,
        ``missing_values``, ``column`` (one column of every row) and
        ``take_rows``. Such a section runs over every row
        under the Dask engine; any other runs there on the engine's stated sample
        of rows, held in memory (recorded in the result's warnings). A section
        whose route depends on the audit overrides :meth:`runs_distributed`.
    reads_model_inputs : bool or None, default=None
        Whether ``compute`` reads the model's inputs on the audited rows
        (``ctx.X_model``, ``ctx.transformed``). On large data the audit releases
        them once no section left to run reads them (a million rows x 66
        one-hot columns is half a gigabyte); ``None`` (a section of your own
        that does not say) counts as reading them. A section that reads them
        after all gets them recomputed, the same values.
    failure_status : Status, optional
        The finding recorded when ``compute`` raises: default INCONCLUSIVE for a
        section with findings (its checks could not be made), WARN otherwise.

    Options that change the section's numbers are constructor arguments (make the
    section a frozen dataclass); they are recorded in the result's ``config``.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> from auditor import Section, SectionResult
    >>> @dataclass(frozen=True)
    ... class RowCountResult(SectionResult):
    ...     n_rows: int
    >>> @dataclass(frozen=True)
    ... class RowCountSection(Section):
    ...     name = "row_count"
    ...     title = "Row count"
    ...     result_type = RowCountResult
    ...     def compute(self, ctx):
    ...         return RowCountResult(n_rows=ctx.n_rows)
    """

    name: ClassVar[str]
    title: ClassVar[str]
    topic: ClassVar[str | None] = None
    result_type: ClassVar[type[SectionResult]]
    requires_model: ClassVar[bool] = False
    after: ClassVar[tuple[str, ...]] = ()
    findings: ClassVar[Callable[..., Any] | str | None] = None
    view: ClassVar[Callable[..., Any] | str | None] = None
    template: ClassVar[str | None] = None
    failure_status: ClassVar[Status | None] = None
    distributed: ClassVar[bool] = False
    reads_model_inputs: ClassVar[bool | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            # a subclass that keeps its parent's name is the same section
            return
        missing = [a for a in _DECLARED if not hasattr(cls, a)]
        if missing:
            raise SectionRegistryError(f"Expected section class {cls.__qualname__} to declare {missing}.")
        if not isinstance(cls.name, str) or not cls.name.isidentifier():
            raise SectionRegistryError(
                f"Expected {cls.__qualname__}.name to be an identifier (it is the section's key in the JSON). "
                f"Got {cls.name!r} instead."
            )
        findings = cls.__dict__.get("findings", cls.findings)
        view = cls.__dict__.get("view", cls.view)
        # a plain function stored on the class would otherwise bind as a method
        findings = findings.__func__ if isinstance(findings, staticmethod) else findings
        view = view.__func__ if isinstance(view, staticmethod) else view
        status = cls.failure_status or (Status.INCONCLUSIVE if findings is not None else Status.WARN)
        register_section(SectionSpec(
            name=cls.name,
            title=cls.title,
            topic=cls.topic or cls.title.lower(),
            result_type=cls.result_type,
            requires_model=bool(cls.requires_model),
            after=tuple(cls.after),
            findings=findings,
            view=view,
            template=cls.template,
            failure_status=status,
            owner=f"{cls.__module__}.{cls.__qualname__}",
            builtin=cls.__module__.startswith("auditor."),
        ))
        # the declarations are data, not methods: keep them callable as plain functions
        if callable(findings) and not isinstance(cls.__dict__.get("findings"), staticmethod) and "findings" in cls.__dict__:
            cls.findings = staticmethod(findings)  # type: ignore[assignment]
        if callable(view) and not isinstance(cls.__dict__.get("view"), staticmethod) and "view" in cls.__dict__:
            cls.view = staticmethod(view)  # type: ignore[assignment]

    def compute(self, ctx: AuditContext) -> SectionResult:  # pragma: no cover - interface
        raise NotImplementedError(f"{type(self).__qualname__} must implement compute(ctx).")

    def runs_distributed(self, ctx: AuditContext) -> bool:
        """Whether, in the audit of ``ctx``, this section runs over every row under
        the Dask engine (see ``distributed``); a section whose route depends on the
        model (SHAP: trees on the workers) decides here. Default ``distributed``."""
        return bool(self.distributed)

    def options(self) -> dict[str, Any]:
        """The options that produced this section's numbers (recorded in the JSON).

        A dataclass section's init fields; otherwise its public attributes.
        """
        if dataclasses.is_dataclass(self):
            return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.init}
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

    @classmethod
    def spec(cls) -> SectionSpec:
        from auditor.results import section_spec

        spec = section_spec(cls.name)
        if spec is None:  # pragma: no cover - every named subclass registers
            raise SectionRegistryError(f"Section {cls.name!r} is not registered.")
        return spec
