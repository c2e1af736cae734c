"""LIME: local explanations of a few rows, on raw columns, reproducible per row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from auditor.context import AuditContext
from auditor.explain import automatic_rows, explain_rows, make_lime, named_rows, require_scores
from auditor.policy import lime_findings
from auditor.results import LimeResult, Status
from auditor.sections._base import Section

__all__ = ["LimeSection"]


@dataclass(frozen=True)
class LimeSection(Section):
    """LIME explanations of rows a reviewer should look at.

    Parameters
    ----------
    rows : sequence of index labels, default=()
        Rows to explain, named by their label in ``X``'s index (not position).
        An unknown label is an error naming it.
    max_auto_rows : int, default=10
        Rows chosen automatically on top of ``rows``: the most confident false
        positive and false negative overall and per sensitive group (multiclass:
        misclassifications; regression: largest over- and under-predictions).
        ``0`` turns them off.
    num_samples : int, default=5000
        Perturbed samples per row (LIME's ``num_samples``).
    num_features : int or None, default=None
        Terms kept per row; ``None`` keeps every raw column (needed to compare
        with SHAP on every feature).
    discretizer : {"quartile", "decile"}, default="quartile"
        How numeric columns are discretised.
    kernel_width : float or None, default=None
        LIME's kernel width (default ``0.75 * sqrt(n_columns)``).
    """

    name = "lime"
    reads_model_inputs = False
    title = "LIME explanations of single rows"
    topic = "LIME explanations of single rows"
    result_type = LimeResult
    requires_model = True
    # does LIME's local model fit? A WARN at most: it qualifies the explanations, not the model
    findings = lime_findings
    failure_status = Status.WARN
    view = "auditor.render.views.lime:build"
    template = "sections/lime.html.j2"

    rows: Sequence[Any] = ()
    max_auto_rows: int = 10
    num_samples: int = 5000
    num_features: int | None = None
    discretizer: Literal["quartile", "decile"] = "quartile"
    kernel_width: float | None = None

    def __post_init__(self) -> None:
        if isinstance(self.rows, (str, bytes)) or not isinstance(self.rows, Sequence):
            object.__setattr__(self, "rows", (self.rows,) if isinstance(self.rows, (str, bytes)) else tuple(self.rows))
        else:
            object.__setattr__(self, "rows", tuple(self.rows))
        if self.num_samples < 10:
            raise ValueError(f"Expected num_samples >= 10. Got {self.num_samples!r} instead.")
        if self.max_auto_rows < 0:
            raise ValueError(f"Expected max_auto_rows >= 0. Got {self.max_auto_rows!r} instead.")

    def compute(self, ctx: AuditContext) -> LimeResult:
        require_scores(ctx, "LIME")
        # resolve the named rows first: a typo fails before any work is done
        selected = named_rows(ctx, self.rows)
        seen = {r.position for r in selected}
        selected += [r for r in automatic_rows(ctx, self.max_auto_rows) if r.position not in seen]
        setup = make_lime(ctx, discretizer=self.discretizer, kernel_width=self.kernel_width)
        rows = explain_rows(ctx, setup, selected, num_samples=self.num_samples, num_features=self.num_features)
        notes = [
            "LIME's sampling distribution (category frequencies, quartiles) is learnt from the audited rows.",
        ]
        if setup.mode == "regression" and ctx.is_classification:
            notes.append("The model gives no probabilities: LIME explains its decision score for the positive class.")
        return LimeResult(
            mode=setup.mode,
            output_space=setup.output_space,
            num_samples=self.num_samples,
            discretizer=self.discretizer,
            kernel_width=setup.kernel_width,
            rows=tuple(rows),
            categorical_features=tuple(setup.codec.columns[j] for j in setup.codec.categorical),
            notes=tuple(notes),
        )
