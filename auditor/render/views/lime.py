"""View of the LIME section."""

from __future__ import annotations

from auditor.plots import PANELS_PER_FIGURE, plot_lime, small_multiples
from auditor.render._figures import encode_figure, figure_group
from auditor.render._format import fmt_num
from auditor.results import AuditResult, LimeResult

__all__ = ["build"]


#: Terms listed per row in the report (the JSON keeps every raw column's).
MAX_TERMS = 8
#: Conditions the chapter's table shows per row (the figure or the JSON has the rest).
TOP_TERMS = 3


def build(lime: LimeResult, result: AuditResult, *, figures: bool = True) -> dict:
    """The chapter's view model (see :mod:`auditor.render.views`)."""
    # With the agreement section, each row's LIME bars are drawn beside SHAP's
    # there; here the terms are a table, which reads better than a second chart.
    paired = {r.row for r in result.agreement.rows if r.features} if result.agreement is not None else set()
    rows = []
    for r in lime.rows:
        rows.append({
            "row": r.row,
            "reason": r.reason,
            "output": r.output,
            "true_label": r.true_label,
            "predicted_label": r.predicted_label,
            "model_value": fmt_num(r.model_value),
            "local_value": fmt_num(r.local_value),
            "score": fmt_num(r.score),
            "fit_problem": r.local_fit_problem(result.policy.explanations.min_lime_local_r2,
                                               result.policy.explanations.max_lime_range_excess) or "",
            "terms": [{"term": t.term, "weight": fmt_num(t.weight)} for t in r.terms[:MAX_TERMS]],
            # the table's own column: the few conditions that move the row most
            "top_terms": [{"term": t.term, "weight": fmt_num(t.weight)} for t in r.terms[:TOP_TERMS]],
        })
    groups = []
    unpaired = [i for i, r in enumerate(lime.rows) if r.row not in paired and r.terms]
    if figures and unpaired:
        axes = small_multiples(unpaired, lambda i, ax: plot_lime(lime, i, max_display=MAX_TERMS, ax=ax),
                               panel_height=lambda i: 0.75 + 0.15 * min(len(lime.rows[i].terms), MAX_TERMS))
        images, start = [], 0
        for ax in axes:
            shown = unpaired[start:start + PANELS_PER_FIGURE]
            start += len(shown)
            images.append((encode_figure(ax), "Bar charts of LIME weights for rows " + ", ".join(
                f"{lime.rows[i].row} ({lime.rows[i].reason})" for i in shown) + "."))
        groups.append(figure_group(
            "fig-lime-rows", "LIME weights, row by row",
            f"Each panel is one explained row; each bar a condition on one raw column and how much it moves the "
            f"{lime.output_space} near that row, vermilion up and blue down.", images))
    return {
        "intro": (
            f"Local linear explanations of {len(lime.rows)} rows, in raw column terms: LIME perturbs each row "
            f"{lime.num_samples:,} times, asks the model, and fits a weighted linear model to the answers."
        ),
        "facts": (facts := [
            {"label": "Explained output", "value": f"{lime.output_space} ({lime.mode} mode)"},
            {"label": "Samples per row", "value": f"{lime.num_samples:,}"},
            {"label": "Numeric columns", "value": f"discretised into {lime.discretizer}s"},
            {"label": "Categorical columns", "value": ", ".join(lime.categorical_features) or "none"},
            {"label": "Kernel width", "value": fmt_num(lime.kernel_width)},
            {"label": "Reproducibility", "value": "each row's random state is seeded from (random_state, row), so a "
             "row's explanation does not depend on which rows are explained with it"},
        ]),
        "rows": rows,
        "figure_groups": groups,
        "paired_note": "Each row's LIME weights are drawn beside its SHAP values in the next section." if paired else "",
        "notes": list(lime.notes),
        "methods": facts,
    }
