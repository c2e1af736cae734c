"""View of the explanation agreement section."""

from __future__ import annotations

from auditor.plots import figure_text, plot_lime_vs_shap, small_multiples
from auditor.render._figures import encode_figure, figure_group
from auditor.render._format import fmt_num, fmt_pct
from auditor.results import AgreementResult, AuditResult

__all__ = ["build"]

#: Rows a figure of small multiples holds: four rows of three fit an A4 page.
PANELS = 12



def build(ag: AgreementResult, result: AuditResult, *, figures: bool = True) -> dict:
    """The chapter's view model (see :mod:`auditor.render.views`)."""
    rows = [{
        "row": r.row,
        "output": r.output,
        "rank": fmt_num(r.rank_correlation),
        "sign": fmt_pct(r.sign_agreement, 0),
        "reason": r.reason or "",
    } for r in ag.rows]
    drawn = [i for i, r in enumerate(ag.rows) if r.features]
    groups = []
    if figures and drawn:
        def draw(i, ax):
            r = ag.rows[i]
            plot_lime_vs_shap(ag, i, ax=ax)
            ax.get_legend().remove()  # the caption names the colours once
            ax.set_xlabel("Share of largest", fontsize=7.5, loc="right")
            ax.set_title(figure_text(f"Row {r.row} · ρ {fmt_num(r.rank_correlation)} · {fmt_pct(r.sign_agreement, 0)}"),
                         loc="right", fontsize=7.5)

        axes = small_multiples(drawn, draw, ncols=3, per_figure=PANELS,
                               panel_height=lambda i: 0.75 + 0.15 * len(ag.rows[i].features))
        images, start = [], 0
        for ax in axes:
            shown = drawn[start:start + PANELS]
            start += len(shown)
            images.append((encode_figure(ax), "Paired bars of LIME (orange) and SHAP (blue), each scaled to its largest "
                           "value, for rows " + ", ".join(
                               f"{ag.rows[i].row} (rank correlation {fmt_num(ag.rows[i].rank_correlation)})" for i in shown)
                           + "."))
        groups.append(figure_group(
            "fig-agreement-rows", "LIME and SHAP, row by row", "Each panel is one explained row, titled with the rank "
            "correlation (ρ) of the two methods on its top columns and the share of them they push the same way; its "
            "x-axis is each contribution as a share of the method's largest. A "
            "pair of bars per column, LIME (orange) above SHAP (blue), each scaled to its method's largest value. Where a pair points "
            "the same way with a similar length, the two methods tell the same story about that column; opposite "
            "directions are the disagreements to question.", images))
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
        "figure_groups": groups,
        "appendix_template": "sections/agreement_tables.html.j2",
        "top_k": ag.rows[0].top_k if ag.rows else 0,
        "median_rank": fmt_num(ag.median_row_rank_correlation),
        "median_sign": fmt_pct(ag.median_row_sign_agreement, 0),
        "method_names": list(ag.methods),
        "pairs": pairs,
        "features": features,
        "disagreeing": [f["feature"] for f in features if f["disagreement"]],
        "gap_note": f"Marked features are in a method's top ten and ranked more than {ag.max_rank_gap} places apart.",
        "notes": list(ag.notes),
        "methods": [
            {"label": "Row agreement", "value": f"Spearman correlation of |LIME| and |SHAP| on each row's top {ag.rows[0].top_k if ag.rows else 0} features, and the share with the same sign"},
            {"label": "Global agreement", "value": "Spearman correlation between the rankings of " + ", ".join(ag.methods)},
        ],
    }
