"""View of the fairness section."""

from __future__ import annotations

from auditor.plots.fairness import plot_disparities, plot_group_metric
from auditor.render._figures import Figure, encode_figure
from auditor.render._format import fmt_ci, fmt_num, fmt_pct, status_css
from auditor.results import AuditResult, Estimate, FairnessResult

__all__ = ["build"]


_COLUMNS = {
    "binary": [
        ("base_rate", "Base rate", True), ("selection_rate", "Selection rate", True),
        ("true_positive_rate", "True positive rate", True), ("false_positive_rate", "False positive rate", True),
        ("precision", "Precision", True), ("accuracy", "Accuracy", True), ("roc_auc", "ROC AUC", False),
    ],
    "regression": [
        ("mean_target", "Mean target", False), ("mean_prediction", "Mean prediction", False),
        ("mean_absolute_error", "MAE", False), ("root_mean_squared_error", "RMSE", False), ("r2", "R²", False),
    ],
}

_CHECK_FIELDS = {
    "selection_rate_ratio": "min_selection_rate_ratio",
    "equalized_odds_difference": "max_equalized_odds_difference",
    "demographic_parity_difference": "max_demographic_parity_difference",
    "equal_opportunity_difference": "max_equal_opportunity_difference",
    "predictive_parity_difference": "max_predictive_parity_difference",
    "error_ratio": "max_error_ratio",
}


def _cell(est: Estimate | None, percent: bool, small: bool) -> dict:
    if est is None:
        return {"value": "", "ci": "", "note": "", "small": False}
    if est.value is None:
        return {"value": "undefined", "ci": "", "note": est.reason or "", "small": False}
    fmt = fmt_pct if percent else fmt_num
    ci = fmt_ci(est, percent=percent)
    return {"value": fmt(est.value), "ci": ci, "note": "", "small": small}


def _columns(f: FairnessResult) -> list[tuple[str, str, bool]]:
    if f.task in _COLUMNS:
        cols = _COLUMNS[f.task]
        present = set(f.groupings[0].groups[0].metrics) if f.groupings and f.groupings[0].groups else set()
        return [c for c in cols if c[0] in present]
    classes = sorted({k.split(":", 1)[1] for k in f.groupings[0].groups[0].metrics if k.startswith("selection_rate:")})
    return [("accuracy", "Accuracy", True)] + [(f"selection_rate:{c}", f"Selected as {c}", True) for c in classes]


#: Metric columns per group table: with Group, Rows and Share beside them, more
#: would not fit the text width of an A4 or Letter page.
_PANEL_WIDTH = 4
_PANEL_TITLES = {
    "binary": ["Outcomes and error rates", "Quality of the predictions"],
    "regression": ["Target and prediction", "Errors"],
}


def _panels(f: FairnessResult, columns: list) -> list[tuple[str, list]]:
    if f.task == "regression":
        cut = [columns[:2], columns[2:]]
    else:
        cut = [columns[i : i + _PANEL_WIDTH] for i in range(0, len(columns), _PANEL_WIDTH)]
    titles = _PANEL_TITLES.get(f.task) or [f"Metrics ({i + 1} of {len(cut)})" for i in range(len(cut))]
    if len(cut) == 1:
        titles = ["Metrics"]
    return [(t, c) for t, c in zip(titles, cut) if c]


def build(f: FairnessResult, result: AuditResult, *, figures: bool = True) -> dict:
    """The chapter's view model (see :mod:`auditor.render.views`)."""
    level = f"{round(100 * f.confidence_level)}%"
    policy = result.policy.fairness
    compare = policy.compare
    columns = _columns(f)
    small_by = {(e.grouping, e.group, e.metric) for e in f.excluded}
    panels = _panels(f, columns)
    groupings = []
    for g in f.groupings:
        tables = []
        for i, (title, cols) in enumerate(panels):
            rows = []
            for grp in g.groups:
                rows.append({
                    "label": grp.label,
                    "count": f"{grp.count:,}",
                    "share": fmt_pct(grp.share),
                    "reference": grp.label == g.reference_group,
                    "cells": [_cell(grp.metrics.get(k), pct, (g.name, grp.label, k) in small_by) for k, _, pct in cols],
                })
            tables.append({"title": title, "first": i == 0, "columns": [label for _, label, _ in cols], "rows": rows})
        disparities = []
        for d in g.disparities:
            pct = False
            disparities.append({
                "label": d.label,
                "key": d.key,
                "between": _cell(d.between, pct, False),
                "between_groups": f"{d.lowest_group} vs {d.highest_group}" if d.lowest_group else "",
                "vs_reference": _cell(d.vs_reference, pct, False),
                "worst_vs_reference": d.worst_vs_reference or "",
                "threshold": _threshold(policy, d.key),
            })
        groupings.append({
            "name": g.name,
            "anchor": "fair-" + "-".join(g.features),
            "is_intersection": g.is_intersection,
            "reference": g.reference_group or "—",
            "reference_source": "set in the audit's options" if g.reference_source == "given" else g.reference_source,
            "tables": tables,
            "disparities": disparities,
        })
    findings = [
        {"status": x.status.value, "css": status_css(x.status), "title": x.title, "message": x.message,
         "value": fmt_num(x.value), "ci": fmt_ci(Estimate(x.value, x.ci_low, x.ci_high)),
         "threshold": f"{x.comparison} {fmt_num(x.threshold)}" if x.threshold is not None else ""}
        for x in result.sorted_findings() if x.section == "fairness"
    ]
    # rates sharing a denominator (TPR and FNR both count positives) share a row
    merged: dict[tuple[str, str, str], dict] = {}
    for e in f.excluded:
        row = merged.setdefault((e.grouping, e.group, e.reason), {"grouping": e.grouping, "group": e.group, "metrics": [], "reason": e.reason})
        row["metrics"].append(e.metric.replace("_", " ").replace(":", " of "))
    excluded = [{**r, "metric": ", ".join(r.pop("metrics"))} for r in merged.values()]
    proxies = [
        {"sensitive": p.sensitive_feature, "feature": p.feature, "strength": fmt_pct(p.strength, 0),
         "strong": policy.proxy_warning_strength is not None and p.strength >= policy.proxy_warning_strength}
        for p in f.proxies[:12]
    ]
    shap = []
    for s in f.shap_by_group:
        groups = list(s.mean_abs)
        shap.append({
            "grouping": s.grouping,
            "output": s.output,
            "groups": groups,
            "rows": [
                {"feature": d.feature, "cells": [fmt_num(s.mean_abs[gl][d.feature]) for gl in groups],
                 "difference": fmt_num(d.difference), "highest": d.highest_group}
                for d in s.largest_differences
            ],
            "n_rows": f"{s.n_rows:,}",
        })
    mitigation = [
        {
            "constraint": m.constraint,
            "accuracy": f"{fmt_pct(m.accuracy_before)} → {fmt_pct(m.accuracy_after)}",
            "dp": f"{fmt_num(m.disparities_before['demographic_parity_difference'])} → {fmt_num(m.disparities_after['demographic_parity_difference'])}",
            "eo": f"{fmt_num(m.disparities_before['equalized_odds_difference'])} → {fmt_num(m.disparities_after['equalized_odds_difference'])}",
        }
        for m in f.mitigation
    ]
    figs = _figures(result, f, compare) if figures else []
    key_numbers = []
    first = f.groupings[0] if f.groupings else None
    if first is not None:
        for d in first.disparities[:2]:
            est = d.vs_reference if compare == "reference" else d.between
            ci = fmt_ci(est)
            key_numbers.append({"label": f"{d.label} — {first.name}", "value": fmt_num(est.value),
                                "ci": f"{level} interval {ci}" if ci else (est.reason or "")})
    bins = [{"feature": k, "bins": ", ".join(v)} for k, v in (f.bins or {}).items()]
    return {
        "intro": (
            f"How the model's outcomes and errors differ between groups of {', '.join(f.sensitive_features)}"
            + (" and their intersections" if any(g.is_intersection for g in f.groupings) else "")
            + f". Every number has a {level} interval; a group needs at least {f.min_group_size} rows in a rate's "
            "denominator to enter a verdict."
        ),
        "findings": findings,
        "groupings": groupings,
        "compare": "between the extreme groups" if compare == "between_groups" else "against the reference group",
        "excluded": excluded,
        "proxies": proxies,
        "proxy_rows": f"{f.proxy_rows:,}",
        "shap": shap,
        "shap_note": f.shap_note or "",
        "mitigation": mitigation,
        "mitigation_note": f.mitigation_note or "",
        "bins": bins,
        "notes": list(f.notes),
        "figures": [x.as_dict() for x in figs],
        "key_numbers": key_numbers,
        "methods": [
            {"label": "Group intervals", "value": f"{level} percentile intervals, {f.n_bootstrap:,} bootstrap resamples stratified by group"},
            {"label": "Minimum group size", "value": f"{f.min_group_size} rows in the rate's denominator"},
            {"label": "Disparities judged", "value": "between the extreme groups" if compare == "between_groups" else "against the reference group"},
            {"label": "Proxies", "value": f"normalised mutual information on {f.proxy_rows:,} rows (seeded)" if f.proxies else "not computed"},
        ],
    }


def _threshold(policy, key: str) -> str:
    field = _CHECK_FIELDS.get(key)
    value = getattr(policy, field) if field else None
    if value is None:
        return ""
    return f"{'≥' if field.startswith('min') else '≤'} {fmt_num(value)}"


def _figures(result: AuditResult, f: FairnessResult, compare: str) -> list[Figure]:
    policy = result.policy.fairness
    thresholds = {k: getattr(policy, v) for k, v in _CHECK_FIELDS.items() if getattr(policy, v) is not None}
    figs = []
    main = "selection_rate" if f.task == "binary" else ("mean_absolute_error" if f.task == "regression" else "accuracy")
    for g in f.groupings:
        if g.is_intersection and len(g.groups) > 16:
            continue
        figs.append(Figure(
            f"fig-fair-{'-'.join(g.features)}",
            f"{main.replace('_', ' ').capitalize()} by {g.name}",
            encode_figure(plot_group_metric(f, grouping=g.name, metric=main)),
            f"Bar chart of {main.replace('_', ' ')} for each group of {g.name} with {len(g.groups)} groups and their intervals.",
            "Compare the bars: non-overlapping whiskers mean a gap the data can tell apart from noise. "
            "Hatched bars are groups too small to judge.",
        ))
    ratio_keys = tuple(k for k in ("selection_rate_ratio", "error_ratio") if any(d.key == k for g in f.groupings for d in g.disparities))
    diff_keys = tuple(k for k in ("demographic_parity_difference", "equalized_odds_difference", "equal_opportunity_difference",
                                  "accuracy_difference", "mean_absolute_error_difference")
                      if any(d.key == k for g in f.groupings for d in g.disparities))
    for keys, name, caption in (
        (ratio_keys, "ratios", "A ratio of 1 means equal treatment; the red tick is the policy's limit (0.8 for the four-fifths rule)."),
        (diff_keys, "differences", "A difference of 0 means equal treatment; orange bars cross the policy's red tick."),
    ):
        if not keys:
            continue
        figs.append(Figure(
            f"fig-fair-{name}", f"Disparities ({name})",
            encode_figure(plot_disparities(f, keys=keys, thresholds=thresholds, compare=compare)),
            f"Bar chart of fairness {name} for each grouping with intervals and policy thresholds.",
            caption + " Whiskers show the interval: a bar whose whisker crosses the tick is inconclusive.",
        ))
    return figs
