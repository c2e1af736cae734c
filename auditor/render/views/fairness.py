"""View of the fairness section."""

from __future__ import annotations

from auditor.plots.fairness import plot_group_metric, plot_reference_ratios
from auditor.render._figures import Figure, encode_figure
from auditor.render._format import fmt_ci, fmt_num, fmt_pct, status_css
from auditor.results import AuditResult, ComparisonFamily, Estimate, FairnessResult, GroupingResult

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

#: How the ratio table names each rate.
_RATE_NAMES = {
    "selection_rate": "Selection rate",
    "true_positive_rate": "True positive rate",
    "false_positive_rate": "False positive rate",
    "false_negative_rate": "False negative rate",
    "precision": "Precision",
    "accuracy": "Accuracy",
    "mean_absolute_error": "MAE",
    "root_mean_squared_error": "RMSE",
}

#: Checks of the policy: field, family it reads, "ratio" or "difference", name.
_CHECKS = (
    ("min_selection_rate_ratio", "selection_rate", "ratio", "Four-fifths rule"),
    ("max_equalized_odds_difference", "equalized_odds", "difference", "Equalized odds"),
    ("max_demographic_parity_difference", "selection_rate", "difference", "Demographic parity"),
    ("max_equal_opportunity_difference", "equal_opportunity", "difference", "Equal opportunity"),
    ("max_predictive_parity_difference", "predictive_parity", "difference", "Predictive parity"),
    ("max_error_ratio", "errors", "ratio", "Error ratio"),
)


def _cell(est: Estimate | None, percent: bool, small: bool) -> dict:
    if est is None:
        return {"value": "", "ci": "", "note": "", "small": False}
    if est.value is None:
        return {"value": "undefined", "ci": "", "note": est.reason or "", "small": False}
    fmt = fmt_pct if percent else fmt_num
    ci = fmt_ci(est, percent=percent)
    return {"value": fmt(est.value), "ci": ci, "note": "", "small": small}


def _rate_name(metric: str) -> str:
    base, _, cls = metric.partition(":")
    name = _RATE_NAMES.get(base, base.replace("_", " ").capitalize())
    if not cls:
        return name
    if base == "selection_rate":
        return f"Selected as {cls}"
    return f"{name} of {cls}"


def _classes(f: FairnessResult) -> list[str]:
    if not f.groupings or not f.groupings[0].groups:
        return []
    keys = f.groupings[0].groups[0].metrics
    return [k.split(":", 1)[1] for k in keys if k.startswith("selection_rate:")]


def _columns(f: FairnessResult) -> list[tuple[str, str, bool]]:
    if f.task in _COLUMNS:
        cols = _COLUMNS[f.task]
        present = set(f.groupings[0].groups[0].metrics) if f.groupings and f.groupings[0].groups else set()
        return [c for c in cols if c[0] in present]
    # multiclass: each class's base rate beside its selection rate, so a gap in
    # selection can be read against a gap in who truly is of that class
    cols = [("accuracy", "Accuracy", True)]
    for c in _classes(f):
        cols += [(f"base_rate:{c}", f"Truly {c}", True), (f"selection_rate:{c}", f"Selected as {c}", True)]
    return cols


#: Metric columns per table: with Group, Rows and Share beside them, more would
#: not fit the text width of an A4 or Letter page.
_PANEL_WIDTH = 4
_PANEL_TITLES = {
    "binary": ["Outcomes and error rates", "Quality of the predictions"],
    "regression": ["Target and prediction", "Errors"],
}


def _panels(f: FairnessResult, columns: list) -> list[tuple[str, list]]:
    if f.task == "regression":
        cut = [columns[:2], columns[2:]]
    elif f.task == "multiclass":
        # accuracy, then each class's "truly" and "selected as" side by side, never split
        cut, current = [], [columns[0]]
        for pair in (columns[i:i + 2] for i in range(1, len(columns), 2)):
            if len(current) + len(pair) > _PANEL_WIDTH:
                cut.append(current)
                current = []
            current += pair
        cut.append(current)
    else:
        cut = [columns[i : i + _PANEL_WIDTH] for i in range(0, len(columns), _PANEL_WIDTH)]
    titles = _PANEL_TITLES.get(f.task) or [f"Metrics ({i + 1} of {len(cut)})" for i in range(len(cut))]
    if len(cut) == 1:
        titles = ["Metrics"]
    return [(t, c) for t, c in zip(titles, cut) if c]


def _p_text(p: float | None) -> str:
    if p is None:
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}" if p < 0.01 else f"p = {p:.2f}"


def _ratio_panels(metrics: list[str]) -> list[tuple[str, list[str]]]:
    """The ratio table cut into panels a page can hold, a class's rates kept together."""
    classes = list(dict.fromkeys(m.split(":", 1)[1] for m in metrics if ":" in m))
    if classes:  # multiclass: one panel per class, accuracy beside the first
        panels = []
        for i, c in enumerate(classes):
            cols = [m for m in metrics if m.endswith(f":{c}")]
            panels.append((f"class {c}", (["accuracy"] if i == 0 and "accuracy" in metrics else []) + cols))
        return panels
    if len(metrics) > 4:  # binary: what the model selects and gets wrong, then how good a selection is
        half = len(metrics) // 2
        return [("selection and error rates", metrics[:half]), ("misses and quality", metrics[half:])]
    return [("", metrics)]


def _ratio_tables(g: GroupingResult) -> list[dict]:
    """Every rate as a ratio to the reference group, in panels that fit the page."""
    fam = next((x for x in g.families if x.key == "rates"), None)
    if fam is None:
        return []
    others = [grp.label for grp in g.groups if grp.label != fam.reference]
    by = {(c.metric, c.group): c for c in fam.comparisons}
    tables = []
    for i, (part, cols) in enumerate(_ratio_panels(list(fam.metrics))):
        rows = []
        for label in others:
            cells = []
            for m in cols:
                c = by.get((m, label))
                if c is None:
                    cells.append({"value": "", "ci": "", "p": "", "note": "", "small": False})
                    continue
                cell = _cell(c.ratio, False, not c.eligible)
                cell["note"] = cell["note"].replace(m, _rate_name(m).lower())
                cell["p"] = _p_text(c.p_value)
                if c.ratio.value is not None and c.eligible and c.ratio.ci_low is None:
                    cell["ci"] = "no interval"
                cells.append(cell)
            rows.append({"label": label, "cells": cells})
        title = "Ratios to the reference group" + (f": {part}" if part else "")
        tables.append({"title": title, "first": i == 0, "columns": [_rate_name(m) for m in cols], "rows": rows})
    return tables


def _extremes(g: GroupingResult) -> list[dict]:
    fam = next((x for x in g.families if x.key == "rates"), None)
    if fam is None:
        return []
    out = []
    for e in fam.extremes:
        if e.lowest_group is None:
            continue
        percent = not e.metric.endswith("error")
        out.append({
            "metric": _rate_name(e.metric), "lowest": e.lowest_group, "highest": e.highest_group,
            "ratio": fmt_num(e.ratio) if e.ratio is not None else "undefined",
            "difference": (f"{100 * e.difference:.1f} points" if percent else fmt_num(e.difference))
            if e.difference is not None else "undefined",
        })
    return out


def _archived_disparities(g: GroupingResult) -> list[dict]:
    """Disparities stored by archives before schema 2.1 (extreme groups, bootstrapped)."""
    return [
        {"label": d.label, "between": _cell(d.between, False, False),
         "between_groups": f"{d.lowest_group} vs {d.highest_group}" if d.lowest_group else "",
         "vs_reference": _cell(d.vs_reference, False, False), "worst_vs_reference": d.worst_vs_reference or ""}
        for d in g.disparities
    ]


def build(f: FairnessResult, result: AuditResult, *, figures: bool = True) -> dict:
    """The chapter's view model (see :mod:`auditor.render.views`)."""
    level = f"{round(100 * f.confidence_level)}%"
    policy = result.policy.fairness
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
        groupings.append({
            "name": g.name,
            "anchor": "fair-" + "-".join(g.features),
            "is_intersection": g.is_intersection,
            "reference": g.reference_group or "—",
            "reference_source": "set in the audit's options" if g.reference_source == "given" else g.reference_source,
            "tables": tables,
            "ratio_tables": _ratio_tables(g),
            "extremes": _extremes(g),
            "archived": _archived_disparities(g),
        })
    findings = [
        {"status": x.status.value, "css": status_css(x.status), "title": x.title, "message": x.message,
         "value": fmt_num(x.value), "ci": fmt_ci(Estimate(x.value, x.ci_low, x.ci_high)) or _half_open(x),
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
        for p in f.proxies[:6]
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
    figs = _figures(result, f) if figures else []
    bins = [{"feature": k, "bins": ", ".join(v)} for k, v in (f.bins or {}).items()]
    if f.task == "regression":
        tests = f"permutation tests of the errors ({f.n_permutations:,} random splits)"
    else:
        tests = "two-proportion z tests, Fisher's exact test when an expected count is below 5"
    return {
        "intro": (
            f"How the model's outcomes and errors differ between groups of {', '.join(f.sensitive_features)}"
            + (" and their intersections" if any(g.is_intersection for g in f.groupings) else "")
            + f". Every group is compared with a reference group, as a ratio and a difference with a {level} "
            "interval; the intervals behind one check hold together over all its groups, so a verdict rests on all "
            f"of them at once. A group needs at least {f.min_group_size} rows in a rate's denominator to enter a "
            "verdict."
        ),
        "findings": findings,
        "groupings": groupings,
        "checks": _check_list(policy, f),
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
        "appendix_template": "sections/fairness_tables.html.j2",
        "key_numbers": _key_numbers(f, level),
        "methods": [
            {"label": "Group intervals", "value": f"{level} percentile intervals, {f.n_bootstrap:,} bootstrap resamples stratified by group"},
            {"label": "Comparisons with the reference group",
             "value": f"ratio and difference, {level} simultaneous intervals over the groups and metrics of each check "
                      "(studentized max-t bootstrap; binomial standard errors for rates; Clopper-Pearson bounds for "
                      "rates of 0 or 1)"},
            {"label": "Tests of no difference", "value": f"{tests}; Holm's adjustment across the audit's fairness checks"},
            {"label": "Minimum group size", "value": f"{f.min_group_size} rows in the rate's denominator"},
            {"label": "Proxies", "value": f"normalised mutual information on {f.proxy_rows:,} rows (seeded)" if f.proxies else "not computed"},
        ],
    }


def _half_open(x) -> str:
    """A check bound on one side only (a comparison without an interval leaves the other open)."""
    if x.ci_low is not None and x.ci_high is None:
        return f"{fmt_num(x.ci_low)} – unbounded"
    return ""


def _check_list(policy, f: FairnessResult) -> list[dict]:
    """Which family each check that is on reads, in plain words, for the chapter's method note."""
    present = {fam.key: fam for g in f.groupings for fam in g.families}
    out = []
    for field, key, kind, name in _CHECKS:
        limit = getattr(policy, field)
        if limit is None or key not in present:
            continue
        fam: ComparisonFamily = present[key]
        metrics = ", ".join(dict.fromkeys(_rate_name(m).lower() for m in fam.metrics))
        if kind == "ratio":
            lo, hi = (limit, 1 / limit) if limit <= 1 else (1 / limit, limit)
            rule = f"every group's ratio to the reference within [{fmt_num(lo)}, {fmt_num(hi)}]"
        else:
            rule = f"every group's difference to the reference within ±{fmt_num(limit)}"
        out.append({"name": name, "rule": rule, "metrics": metrics})
    if policy.max_ratio_outside is not None and "rates" in present and f.task == "binary":
        eps = policy.ratio_epsilon
        out.append({"name": "dalex's fairness check",
                    "rule": f"at most {policy.max_ratio_outside} of the five rates with a group outside "
                            f"({fmt_num(eps)}, {fmt_num(1 / eps)})",
                    "metrics": "true positive rate, accuracy, precision, false positive rate, selection rate"})
    return out


def _key_numbers(f: FairnessResult, level: str) -> list[dict]:
    """The first grouping's furthest group from the reference, on the headline families."""
    first = f.groupings[0] if f.groupings else None
    if first is None:
        return []
    out = []
    for key, kind in (("selection_rate", "ratio"), ("errors", "ratio"), ("equalized_odds", "difference")):
        fam = next((x for x in first.families if x.key == key), None)
        if fam is None:
            continue
        judged = [c for c in fam.judged() if (c.ratio if kind == "ratio" else c.difference).value is not None]
        if not judged:
            continue
        if kind == "ratio":
            c = min(judged, key=lambda c: min(c.ratio.value, 1 / c.ratio.value) if c.ratio.value > 0 else 0.0)
            est, what = c.ratio, f"{_rate_name(c.metric)}, {c.group} / {fam.reference}"
        else:
            c = max(judged, key=lambda c: abs(c.difference.value))
            est, what = c.difference, f"{_rate_name(c.metric)}, {c.group} − {fam.reference}"
        ci = fmt_ci(est)
        out.append({"label": f"{what} ({first.name})", "value": fmt_num(est.value),
                    "ci": f"{level} interval {ci}" if ci else (est.reason or "")})
    return out


def _figures(result: AuditResult, f: FairnessResult) -> list[Figure]:
    policy = result.policy.fairness
    figs = []
    main = "selection_rate" if f.task == "binary" else ("mean_absolute_error" if f.task == "regression" else "accuracy")
    for g in f.groupings:
        if g.is_intersection:
            # the ratio figure below shows every intersection against its reference
            continue
        figs.append(Figure(
            f"fig-fair-{'-'.join(g.features)}",
            f"{main.replace('_', ' ').capitalize()} by {g.name}",
            encode_figure(plot_group_metric(f, grouping=g.name, metric=main)),
            f"Bar chart of {main.replace('_', ' ')} for each group of {g.name} with {len(g.groups)} groups and their intervals.",
            "Compare the bars: non-overlapping whiskers mean a gap the data can tell apart from noise. "
            "Hatched bars are groups too small to judge." if not figs else
            f"Read as the chart for {f.groupings[0].name}, for the groups of {g.name}.",
        ))
    family = "errors" if f.task == "regression" else "selection_rate"
    limit = policy.max_error_ratio if f.task == "regression" else policy.min_selection_rate_ratio
    has = any(c for g in f.groupings for fam in g.families if fam.key == family for c in fam.judged())
    if has:
        what = "mean absolute error" if f.task == "regression" else "selection rate"
        band = "" if limit is None else (
            f" The shaded band is the policy's limit ({fmt_num(min(limit, 1 / limit))} to {fmt_num(max(limit, 1 / limit))}).")
        figs.append(Figure(
            f"fig-fair-ratios-{family}", f"Ratios to the reference group: {what}",
            encode_figure(plot_reference_ratios(f, family=family, limit=limit)),
            f"Dot plot of each group's {what} divided by its reference group's, for every grouping, with simultaneous "
            "intervals on a log scale.",
            f"A ratio of 1 means the group is treated like its reference group.{band} A whisker wholly outside the band "
            "is a FAIL (vermilion cross, ✗); one crossing its edge cannot be settled by these data (INCONCLUSIVE, "
            "blue diamond, ?); one inside it passes (green dot, ✓).",
        ))
    return figs
