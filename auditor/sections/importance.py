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
    max_samples : int, float or None, default=20_000
        Rows scored (scikit-learn's parameter): an int is a number of rows, a
        float in (0, 1] a share of them, ``None`` every row. The cost is
        ``n_columns * n_repeats`` predictions of every scored row, so the
        default keeps it bounded on large data; the sample is seeded and drawn in
        an order defined by the rows' content, and the report states its size.
        With fewer rows than this, every row is scored.

    Notes
    -----
    Columns are scored in ``n_jobs`` threads (``None``: every core); the numbers
    equal scikit-learn's ``permutation_importance`` with the same shuffles and
    never depend on ``n_jobs``.
    """

    name = "importance"
    reads_model_inputs = True
    title = "Feature importance"
    result_type = ImportanceResult
    requires_model = True
    view = "auditor.render.views.importance:build"
    template = "sections/importance.html.j2"

    n_repeats: int = 5
    scoring: Literal["auto", "roc_auc", "neg_log_loss", "accuracy", "r2"] = "auto"
    max_samples: int | float | None = 20_000

    def __post_init__(self) -> None:
        if self.n_repeats < 1:
            raise ValueError(f"Expected n_repeats >= 1. Got {self.n_repeats!r} instead.")
        m = self.max_samples
        ok = m is None or (isinstance(m, int) and not isinstance(m, bool) and m >= 2) or (
            isinstance(m, float) and 0 < m <= 1)
        if not ok:
            raise ValueError(
                f"Expected max_samples to be None, an int of at least 2 or a float in (0, 1]. Got {m!r} instead.")

    def _rows(self, n_rows: int) -> int | None:
        m = self.max_samples
        if m is None:
            return None
        rows = max(2, int(round(m * n_rows))) if isinstance(m, float) else m
        return None if rows >= n_rows else rows

    def compute(self, ctx: AuditContext) -> ImportanceResult:
        level = ctx.confidence_level
        permutation = permutation_importance_raw(
            ctx, n_repeats=self.n_repeats, scoring=self.scoring, max_rows=self._rows(ctx.n_rows), confidence_level=level
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
