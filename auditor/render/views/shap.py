"""View of the SHAP section."""

from __future__ import annotations

from auditor.plots import plot_shap_beeswarm, plot_shap_dependence, plot_shap_importance, plot_shap_waterfall
from auditor.render._figures import Figure, encode_figure
from auditor.render._format import fmt_ci, fmt_num
from auditor.results import AuditResult, ShapResult

__all__ = ["build"]


#: Transformed columns listed in the report (the JSON keeps all of them).
MAX_TRANSFORMED_ROWS = 25


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
        "rows": rows,
        "ci_header": f"{level} interval",
        "ci_note": ci_note,
        "transformed": transformed,
        "n_transformed": len(sh.transformed),
        "n_transformed_shown": len(transformed),
        "notes": list(sh.notes),
        "figures": _figures(sh) if figures else [],
        "waterfall_figures": _waterfalls(sh) if figures else [],
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
            "check whether sensitive columns appear near the top.",
        ).as_dict())
    for d, bs in enumerate(sh.beeswarm):
        figs.append(Figure(
            f"fig-shap-beeswarm-{d}", f"SHAP values per row ({bs.output})",
            encode_figure(plot_shap_beeswarm(sh, output=d), fmt="png"),
            f"Beeswarm plot of {bs.n_points:,} rows' SHAP values for the top {len(bs.features)} columns, "
            "coloured from low (blue) to high (vermilion) column value; categorical columns in grey.",
            "Points right of zero push the prediction up. A clean colour split along a row (all high values on one "
            "side) means a monotone effect; wide spreads mean the column's effect depends on the rest of the row.",
        ).as_dict())
    for i, dep in enumerate(sh.dependence):
        figs.append(Figure(
            f"fig-shap-dependence-{i}", f"Dependence on {dep.feature}",
            encode_figure(plot_shap_dependence(sh, i), fmt="png"),
            f"{'Scatter' if dep.kind == 'numeric' else 'Strip'} plot of the SHAP value of {dep.feature} "
            f"against its value, for output {dep.output}.",
            "The shape of the column's effect: where the points cross zero the column stops pushing predictions up; "
            "a vertical spread at one value shows interactions with other columns"
            + ("; the dash marks each category's mean." if dep.kind != "numeric" else "."),
        ).as_dict())
    return figs


def _waterfalls(sh) -> list[dict]:
    figs = []
    for i, wf in enumerate(sh.waterfalls):
        top = wf.contributions[0] if wf.contributions else None
        figs.append(Figure(
            f"fig-shap-waterfall-{i}", f"Row {wf.row}: {wf.reason}",
            encode_figure(plot_shap_waterfall(sh, i)),
            f"Waterfall of row {wf.row}: from the base value {fmt_num(wf.base_value)} to the model's "
            f"{fmt_num(wf.output_value)} ({sh.output_space} of {wf.output})"
            + (f"; the largest push is {top.feature} = {top.value} ({top.contribution:+.3g})." if top else "."),
            "Read from top to bottom: each bar is one column's push, vermilion up and blue down, starting from the "
            "dashed base value and ending at the row's prediction (solid line).",
        ).as_dict())
    return figs
