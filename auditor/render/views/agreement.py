"""View of the explanation agreement section."""

from __future__ import annotations

from auditor.plots import plot_lime_vs_shap
from auditor.render._figures import Figure, encode_figure
from auditor.render._format import fmt_num, fmt_pct
from auditor.results import AgreementResult, AuditResult

__all__ = ["build"]



def build(ag: AgreementResult, result: AuditResult, *, figures: bool = True) -> dict:
    """The chapter's view model (see :mod:`auditor.render.views`)."""
    rows = []
    for i, r in enumerate(ag.rows):
        fig = None
        if figures and r.features:
            fig = Figure(
                f"fig-agreement-{i}", f"LIME and SHAP, row {r.row}",
                encode_figure(plot_lime_vs_shap(ag, i)),
                f"Paired bars of LIME (orange) and SHAP (blue) for row {r.row}, each scaled to its largest value; "
                f"rank correlation {fmt_num(r.rank_correlation)}, sign agreement {fmt_pct(r.sign_agreement, 0)}.",
                "Where a pair of bars points the same way and has a similar length, the two methods tell the same "
                "story about that column; opposite directions are the disagreements to question.",
            ).as_dict()
        rows.append({
            "row": r.row,
            "output": r.output,
            "rank": fmt_num(r.rank_correlation),
            "sign": fmt_pct(r.sign_agreement, 0),
            "reason": r.reason or "",
            "figure": fig,
        })
    pairs = [
        {"a": p.method_a, "b": p.method_b, "rho": fmt_num(p.rank_correlation), "n": str(p.n_features),
         "reason": p.reason or ""}
        for p in ag.pairs
    ]
    features = [
        {"feature": f.feature, "ranks": [str(f.ranks[m]) if m in f.ranks else "—" for m in ag.methods],
         "disagreement": f.disagreement}
        for f in ag.features
    ]
    return {
        "intro": (
            "Explanation methods answer slightly different questions; where they agree, their answer can be trusted "
            "more. Rows compare LIME with SHAP on each row's top features; the table below compares global rankings."
        ),
        "rows": rows,
        "top_k": ag.rows[0].top_k if ag.rows else 0,
        "median_rank": fmt_num(ag.median_row_rank_correlation),
        "median_sign": fmt_pct(ag.median_row_sign_agreement, 0),
        "method_names": list(ag.methods),
        "pairs": pairs,
        "features": features,
        "gap_note": f"Marked features are in a method's top ten and ranked more than {ag.max_rank_gap} places apart.",
        "notes": list(ag.notes),
        "methods": [
            {"label": "Row agreement", "value": f"Spearman correlation of |LIME| and |SHAP| on each row's top {ag.rows[0].top_k if ag.rows else 0} features, and the share with the same sign"},
            {"label": "Global agreement", "value": "Spearman correlation between the rankings of " + ", ".join(ag.methods)},
        ],
    }
