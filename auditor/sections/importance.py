"""Feature importance: which raw columns the model relies on, by permutation
through the whole model and by the model's own importance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from auditor.context import AuditContext
from auditor.explain import folding_from_lineage, native_importance, permutation_importance_raw
from auditor.results import ImportanceResult
from auditor.sections._base import Section

__all__ = ["ImportanceSection"]


@dataclass(frozen=True)
class ImportanceSection(Section):
    """Permutation importance of every raw model input, and native importance.

    Parameters
    ----------
    n_repeats : int, default=5
        Shuffles per column.
    scoring : {"auto", "roc_auc", "neg_log_loss", "accuracy", "r2"}, default="auto"
        The score whose drop is measured; ``"auto"`` picks by task (see
        :mod:`auditor.explain._importance`).
    max_rows : int or None, default=None
        Score on a seeded sample of this many rows instead of every row, for very
        large audits (the cost is ``n_columns * n_repeats`` predictions of every
        scored row).

    Notes
    -----
    Columns are scored in ``n_jobs`` threads (``None``: every core); the numbers
    equal scikit-learn's ``permutation_importance`` with the same shuffles and
    never depend on ``n_jobs``.
    """

    name = "importance"
    title = "Feature importance"
    result_type = ImportanceResult
    requires_model = True
    view = "auditor.render.views.importance:build"
    template = "sections/importance.html.j2"

    n_repeats: int = 5
    scoring: Literal["auto", "roc_auc", "neg_log_loss", "accuracy", "r2"] = "auto"
    max_rows: int | None = None

    def __post_init__(self) -> None:
        if self.n_repeats < 1:
            raise ValueError(f"Expected n_repeats >= 1. Got {self.n_repeats!r} instead.")
        if self.max_rows is not None and self.max_rows < 2:
            raise ValueError(f"Expected max_rows to be None or at least 2. Got {self.max_rows!r} instead.")

    def compute(self, ctx: AuditContext) -> ImportanceResult:
        level = ctx.confidence_level
        permutation = permutation_importance_raw(
            ctx, n_repeats=self.n_repeats, scoring=self.scoring, max_rows=self.max_rows, confidence_level=level
        )
        p = ctx.transformed.shape[1]
        folding = folding_from_lineage(ctx.model.lineage(p), ctx.model.feature_names)
        native, reason = native_importance(ctx, folding)
        notes = []
        joint = [n for n, m in zip(folding.names, folding.members) if len(m) != 1]
        if native is not None and joint:
            notes.append(
                f"Native importance credits {', '.join(joint)} jointly: the preprocessing mixes those columns, "
                "so the model's importance cannot be split between them."
            )
        return ImportanceResult(
            permutation=permutation, native=native, native_reason=reason, confidence_level=level, notes=tuple(notes)
        )
