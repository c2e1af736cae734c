"""Do the explanations agree? LIME against SHAP row by row, and the global
rankings (permutation importance, mean |SHAP|, native importance) against each
other. Reads what the importance, SHAP and LIME sections left in the context; it
computes no explanation of its own except SHAP for LIME rows outside a SHAP sample."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from auditor.artifacts import SHAP_RUN
from auditor.context import AuditContext, SkipSection
from auditor.explain import global_agreement, row_agreement
from auditor.policy import agreement_findings
from auditor.results import AgreementResult, RowAgreement, Status
from auditor.sections._base import Section

__all__ = ["AgreementSection", "METHOD_NAMES"]

METHOD_NAMES = {"permutation": "Permutation importance", "shap": "Mean |SHAP|", "native": "Native importance"}


@dataclass(frozen=True)
class AgreementSection(Section):
    """Agreement between explanation methods.

    Parameters
    ----------
    top_k : int, default=5
        Features per method compared in each row (the union of both methods' top
        ``top_k``).
    shap_budget : float, default=30.0
        Seconds allowed for computing SHAP values of LIME rows that a sampled SHAP
        run did not cover; rows that do not fit are reported as unavailable.
    max_rank_gap : int, default=3
        A feature is listed as a disagreement when two methods rank it more than
        this many places apart (among the features either method ranks in its top
        ten). It lists features; no verdict rests on it.
    """

    name = "agreement"
    reads_model_inputs = False
    title = "Do the explanations agree?"
    topic = "whether the explanation methods agree"
    result_type = AgreementResult
    requires_model = True
    after = ("importance", "shap", "lime")
    findings = agreement_findings
    failure_status = Status.WARN
    view = "auditor.render.views.agreement:build"
    template = "sections/agreement.html.j2"

    top_k: int = 5
    shap_budget: float = 30.0
    max_rank_gap: int = 3

    def __post_init__(self) -> None:
        if isinstance(self.max_rank_gap, bool) or not isinstance(self.max_rank_gap, int) or self.max_rank_gap < 0:
            raise ValueError(f"Expected max_rank_gap to be a non-negative int. Got {self.max_rank_gap!r} instead.")

    def compute(self, ctx: AuditContext) -> AgreementResult:
        lime, run, shap_result = ctx.result("lime"), ctx.peek(SHAP_RUN), ctx.result("shap")
        importance = ctx.result("importance")
        notes = []
        rows = self._rows(ctx, lime, run, notes)
        methods: dict[str, dict[str, float]] = {}
        if importance is not None:
            methods[METHOD_NAMES["permutation"]] = {
                f.feature: f.estimate.value for f in importance.permutation.features if f.estimate.value is not None
            }
            if importance.native is not None:
                methods[METHOD_NAMES["native"]] = {
                    f.feature: f.estimate.value for f in importance.native.features if f.estimate.value is not None
                }
        if shap_result is not None:
            methods[METHOD_NAMES["shap"]] = {
                f.feature: float(sum(e.value or 0.0 for e in f.mean_abs)) for f in shap_result.features
                if " + " not in f.feature
            }
        if not rows and len(methods) < 2:
            raise SkipSection(
                "needs LIME and SHAP explanations, or two importance rankings, and this audit computed neither "
                "(the importance, SHAP and LIME sections were not requested, or were skipped for the reasons they give)"
            )
        gap = self.max_rank_gap
        pairs, features = global_agreement(methods, gap) if len(methods) >= 2 else ((), ())
        if len(methods) < 2:
            notes.append("Fewer than two global rankings were computed, so they are not compared.")
        rho = [r.rank_correlation for r in rows if r.rank_correlation is not None]
        sign = [r.sign_agreement for r in rows if r.sign_agreement is not None]
        return AgreementResult(
            rows=tuple(rows),
            methods=tuple(methods),
            pairs=pairs,
            features=features,
            max_rank_gap=gap,
            median_row_rank_correlation=float(np.median(rho)) if rho else None,
            median_row_sign_agreement=float(np.median(sign)) if sign else None,
            notes=tuple(notes),
        )

    def _rows(self, ctx, lime, run, notes) -> list[RowAgreement]:
        if lime is None:
            notes.append("The LIME section did not run, so rows are not compared.")
            return []
        if run is None:
            notes.append("The SHAP section did not run, so LIME rows have no SHAP explanation to compare with.")
        else:
            run.ensure_rows([r.position for r in lime.rows], budget=self.shap_budget)
        out = []
        for lr in lime.rows:
            lime_w = {t.feature: t.weight for t in lr.terms}
            row = None if run is None else run.row(lr.position)
            if row is None:
                reason = ("the SHAP section did not run" if run is None else
                          "SHAP was estimated on a sample without this row, and explaining it would exceed the budget")
                out.append(RowAgreement(lr.row, lr.position, lr.output, self.top_k, None, None, (), reason))
                continue
            values, _ = row
            names = run.values.output_names
            d = names.index(lr.output) if lr.output in names else 0
            shap_w = {f: float(values[g, d]) for g, f in enumerate(run.values.feature_names) if " + " not in f}
            rho, sign, comps, reason = row_agreement(lime_w, shap_w, self.top_k)
            out.append(RowAgreement(lr.row, lr.position, lr.output, self.top_k, rho, sign, comps, reason))
        return out
