"""View of the SHAP section."""

from __future__ import annotations

import textwrap

from auditor.plots import (
    PANELS_PER_FIGURE,
    figure_text,
    plot_shap_beeswarm,
    plot_shap_dependence,
    plot_shap_importance,
    plot_shap_waterfall,
    small_multiples,
)
from auditor.render._figures import Figure, encode_figure, figure_group
from auditor.render._format import fmt_ci, fmt_num
from auditor.results import AuditResult, ShapResult

__all__ = ["build"]


#: Transformed columns listed in the report (the JSON keeps all of them).
MAX_TRANSFORMED_ROWS = 12


def build(sh: ShapResult, result: AuditResult, *, figures: bool = True) -> dict:
    """The chapter's view model (see :mod:`auditor.render.views`)."""
    level = f"{round(100 * sh.confidence_level)}%"
    outputs = list(sh.output_names)
    rows = [
        {
            "feature": f.feature,
            "cells": [{"value": fmt_num(e.value), "ci": fmt_ci(e)} for e in f.mean_abs],
            "mean": [fmt_num(m) for m in f.mean],
        }
        for f in sh.features
    ]
    facts = [
        {"label": "Explainer", "value": f"shap.{sh.method} ({'exact' if sh.exact else 'estimated'}; {sh.route} route)"},
        {"label": "Output space", "value": sh.output_space},
        {"label": "Explained output" + ("s" if len(outputs) > 1 else ""), "value": ", ".join(outputs)},
        {"label": "Rows explained", "value": sh.sample},
        {"label": "Background", "value": sh.background},
        {"label": "Additivity (max |base + Σ SHAP − output|)", "value": fmt_num(sh.additivity_max_deviation)},
    ]
    if sh.time_budget is not None:
        est = "" if sh.estimated_seconds is None else f"; estimated cost before running {sh.estimated_seconds:g} s"
        facts.append({"label": "Time budget", "value": f"{sh.time_budget:g} s{est}"})
    if sh.values_file:
        facts.append({"label": "Per-row values file", "value": f"{sh.values_file} (SHA-256 {sh.values_sha256})"})
    transformed = [
        {"name": t.name, "parent": t.parent, "cells": [fmt_num(v) for v in t.mean_abs]}
        for t in sorted(sh.transformed, key=lambda t: -sum(t.mean_abs))[:MAX_TRANSFORMED_ROWS]
    ]
    ci_note = (
        f"Intervals are {level} percentile bootstrap intervals from {sh.n_bootstrap:,} resamples of the explained rows"
        + ("" if sh.exact else " (stratified as the sample was drawn, so they include the sampling error)")
        + "." if sh.n_bootstrap else "No intervals were computed (n_bootstrap=0)."
    )
    return {
        "intro": (
            "How much each raw column moves each prediction away from the average prediction, in the model's "
            f"{sh.output_space}. One-hot and other derived columns are summed back into the column they come from."
        ),
        "facts": facts,
        "outputs": outputs,
        # column headers in words: "Mean |SHAP| (class 1)", not "Mean |SHAP| · 1"
        "output_labels": [o if result.summary.task == "regression" else f"class {o}" for o in outputs],
        "rows": rows,
        "ci_header": f"{level} interval",
        "ci_note": ci_note,
        "transformed": transformed,
        "n_transformed": len(sh.transformed),
        "n_transformed_shown": len(transformed),
        "notes": list(sh.notes),
        "figures": _figures(sh) if figures else [],
        "dependence_groups": _dependence(sh) if figures else [],
        "waterfall_groups": _waterfalls(sh) if figures else [],
        "appendix_template": "sections/shap_tables.html.j2",
        # the appendix states how the explanation was made
        "methods": [f for f in facts if f["label"] in ("Explainer", "Output space", "Rows explained", "Background", "Time budget")]
        + [{"label": "Global importance intervals", "value": ci_note}],
    }


def _figures(sh) -> list[dict]:
    figs = []
    for d, name in enumerate(sh.output_names[:4]):
        top = max(sh.features, key=lambda f: f.mean_abs[d].value or 0.0).feature
        figs.append(Figure(
            f"fig-shap-importance-{d}", f"Global SHAP importance ({name})",
            encode_figure(plot_shap_importance(sh, output=d)),
            f"Bar chart of mean absolute SHAP value per raw column for output {name}; largest for {top}.",
            "Longer bars move predictions more on average. Error bars show the uncertainty of that average; "
            "check whether sensitive columns appear near the top." if d == 0 else
            f"As in the first SHAP importance chart, for output {name}.",
        ).as_dict())
    for d, bs in enumerate(sh.beeswarm):
        figs.append(Figure(
            f"fig-shap-beeswarm-{d}", f"SHAP values per row ({bs.output})",
            encode_figure(plot_shap_beeswarm(sh, output=d), fmt="png"),
            f"Beeswarm plot of {bs.n_points:,} rows' SHAP values for the top {len(bs.features)} columns, "
            "coloured from low (blue) to high (vermilion) column value; categorical columns in grey.",
            "Points right of zero push the prediction up. A clean colour split along a row (all high values on one "
            "side) means a monotone effect; wide spreads mean the column's effect depends on the rest of the row."
            if d == 0 else f"As in the first beeswarm plot, for output {bs.output}.",
        ).as_dict())
    return figs


def _dependence(sh) -> list[dict]:
    """Every dependence plot as small multiples under one caption."""
    if not sh.dependence:
        return []
    idx = list(range(len(sh.dependence)))
    axes = small_multiples(idx, lambda i, ax: plot_shap_dependence(sh, i, ax=ax), ncols=3, panel_height=2.2)
    images, start = [], 0
    for ax in axes:
        shown = idx[start:start + PANELS_PER_FIGURE]
        start += len(shown)
        images.append((encode_figure(ax, fmt="png", dpi=130), "Plots of the SHAP value of " + ", ".join(
            f"{sh.dependence[i].feature} ({'scatter' if sh.dependence[i].kind == 'numeric' else 'strip per category'})"
            for i in shown) + " against the column's value."))
    cats = any(d.kind != "numeric" for d in sh.dependence)
    return [figure_group(
        "fig-shap-dependence", "Dependence on the most important columns",
        "Each panel is one column: its SHAP value against its value, showing the shape of its effect. Where the "
        "points cross zero the column stops pushing predictions up; a vertical spread at one value shows "
        "interactions with other columns" + ("; for a categorical column the dash marks each category's mean." if cats
                                            else "."), images)]


def _waterfalls(sh) -> list[dict]:
    """The selected rows' waterfalls as small multiples under one caption."""
    if not sh.waterfalls:
        return []
    idx = list(range(len(sh.waterfalls)))

    def draw(i, ax):
        wf = sh.waterfalls[i]
        plot_shap_waterfall(sh, i, ax=ax)
        # a panel says only what differs; the caption says what the axis is
        ax.set_title("")
        ax.set_title(figure_text(textwrap.fill(f"Row {wf.row}: {wf.reason}", 34), max_len=None), fontsize=7.5,
                     loc="right")
        ax.set_xlabel(f"base {fmt_num(wf.base_value)} → row {fmt_num(wf.output_value)}", fontsize=7.5, loc="right")

    axes = small_multiples(idx, draw, panel_height=lambda i: 0.8 + 0.15 * (len(sh.waterfalls[i].contributions) + 1))
    images, start = [], 0
    for ax in axes:
        shown = idx[start:start + PANELS_PER_FIGURE]
        start += len(shown)
        alts = []
        for i in shown:
            wf = sh.waterfalls[i]
            top = wf.contributions[0] if wf.contributions else None
            alts.append(f"row {wf.row} ({wf.reason}) from {fmt_num(wf.base_value)} to {fmt_num(wf.output_value)}"
                        + (f", largest push {top.feature} = {top.value} ({fmt_num(top.contribution)})" if top else ""))
        images.append((encode_figure(ax), "Waterfalls of SHAP contributions: " + "; ".join(alts) + "."))
    return [figure_group(
        "fig-shap-waterfalls", "Selected rows, column by column",
        f"Each panel is one row, read from top to bottom: each bar is one column's push on the {sh.output_space}, "
        "vermilion up and blue down, starting from the dashed base value and ending at the row's prediction "
        "(solid line).", images)]
