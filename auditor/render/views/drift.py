"""View of the drift section: what moved, whether the model relies on it, and for whom."""

from __future__ import annotations

from auditor.plots import plot_domain_classifier, plot_drift_importance, plot_feature_drift
from auditor.render._figures import Figure, encode_figure
from auditor.render._format import fmt_ci, fmt_num, fmt_pct, fmt_plain, status_css
from auditor.results import AuditResult, DriftResult, Estimate, FeatureDrift

__all__ = ["build", "feature_rows", "MAX_FEATURE_FIGURES"]

#: Drifted features given a reference-against-audited figure.
MAX_FEATURE_FIGURES = 6
#: Features the chapter's table lists at least (every drifted one is listed).
ROWS_SHOWN = 5
_METRICS = {"roc_auc": "ROC AUC", "accuracy": "Accuracy", "mae": "Mean absolute error"}
_TESTS = {"ks": "KS", "chi2": "χ²"}
_DISTANCES = {"normalized_wasserstein": "Wasserstein", "jensen_shannon": "Jensen-Shannon"}


def _p(x: float | None) -> str:
    if x is None:
        return "—"
    return "< 0.001" if x < 1e-3 else f"{x:.3f}"


def _relevance(d: DriftResult, f: FeatureDrift) -> float:
    """PSI weighted by the feature's share of the model's reliance (PSI alone without importances)."""
    entry = d.importance_of(f.feature)
    psi = f.psi or 0.0
    if not d.importance:
        return psi
    return psi * (entry.share if entry is not None else 0.0)


def _change(f: FeatureDrift) -> str:
    """The reference-to-audited change a reader looks for first."""
    if f.mean_reference is not None and f.mean_current is not None:
        return f"mean {fmt_num(f.mean_reference)} → {fmt_num(f.mean_current)}"
    if f.bins and f.shares_reference and f.shares_current:
        deltas = [c - r for r, c in zip(f.shares_reference, f.shares_current)]
        i = max(range(len(deltas)), key=lambda k: (abs(deltas[k]), -k))
        return f"{f.bins[i]}: {fmt_pct(f.shares_reference[i])} → {fmt_pct(f.shares_current[i])}"
    return ""


def _missing(f: FeatureDrift) -> str:
    a, b = f.missing_share_reference, f.missing_share_current
    if a is None or b is None or (a == 0 and b == 0):
        return ""
    return f"missing {fmt_pct(a)} → {fmt_pct(b)}"


def feature_rows(d: DriftResult, result: AuditResult) -> list[dict]:
    """One row per feature: drifted first, each part ordered by PSI x importance share."""
    rule = result.policy.drift.rule()
    rows = []
    for f in d.features:
        v = f.verdict(**rule)
        imp = d.importance_of(f.feature)
        rows.append({
            "feature": f.feature,
            "kind": f.kind,
            "test": f"{_TESTS.get(f.test, f.test)} {fmt_num(f.statistic)}" if f.statistic is not None else _TESTS.get(f.test, f.test),
            "p_adjusted": _p(f.p_value_adjusted),
            "psi": fmt_num(f.psi),
            "distance": fmt_num(f.distance),
            "distance_name": _DISTANCES.get(f.distance_name, f.distance_name),
            "change": _change(f),
            "missing": _missing(f),
            "drifted": v.drifted,
            "reason": v.reason,
            "rank": "" if imp is None else f"{imp.rank} of {len(d.importance)}",
            "share": "" if imp is None else fmt_pct(imp.share),
            "_key": (not v.drifted, -_relevance(d, f), f.feature),
        })
    rows.sort(key=lambda r: r.pop("_key"))
    return rows


def build(d: DriftResult, result: AuditResult, *, figures: bool = True) -> dict:
    """The chapter's view model (see :mod:`auditor.render.views`)."""
    level = f"{round(100 * d.confidence_level)}%"
    policy = result.policy.drift
    rows = feature_rows(d, result)
    drifted = [r["feature"] for r in rows if r["drifted"]]
    findings = [
        {"status": x.status.value, "css": status_css(x.status), "title": x.title, "message": x.message,
         "value": fmt_num(x.value), "ci": fmt_ci(Estimate(x.value, x.ci_low, x.ci_high)),
         "threshold": "" if x.threshold is None else f"{'≥' if x.comparison == '>=' else '≤'} {fmt_num(x.threshold)}"}
        for x in result.sorted_findings() if x.section == "drift"
    ]
    # the chapter opens with what moved, the features the model relies on most first
    lead = [x.message for x in result.sorted_findings() if x.section == "drift" and x.check.startswith("drift.feature[")]
    s = result.summary
    reference = s.reference_name or "the reference data"
    intro = (
        f"How the {d.n_current:,} audited rows compare with {reference} ({d.n_reference:,} rows) on the "
        f"{len(d.features)} features the model takes: which moved, whether the model relies on them, for which "
        "groups, and what it did to the model's performance."
    )
    rule = _rule_text(policy)
    return {
        "intro": intro,
        "rule": rule,
        "lead": lead,
        "n_drifted": len(drifted),
        "n_features": len(d.features),
        "summary": _summary(d, drifted),
        "findings": findings,
        "rows": rows,
        # the chapter lists the drifted features and the ones the model relies on most; the appendix all
        "rows_shown": (shown := max(sum(r["drifted"] for r in rows), ROWS_SHOWN)),
        "appendix_template": "sections/drift_tables.html.j2" if len(rows) > shown else "",
        "importance_label": d.importance_label or "",
        "importance_reason": d.importance_reason or "",
        "domain": _domain(d, level),
        "outputs": _outputs(d, result),
        "performance": _performance(d, level),
        "performance_reason": d.performance_reason or "",
        "estimated": _estimated(d, level),
        "estimated_reason": d.estimated_reason or "",
        "groups": _groups(d, result),
        "groups_reason": d.groups_reason or "",
        "min_group_rows": f"{d.min_group_rows:,}",
        "notes": list(d.notes),
        **_figure_lists(_figures(d, result, drifted) if figures else []),
        "key_numbers": _key_numbers(d, drifted, level),
        "methods": _methods(d, result, level),
    }


def _rule_text(policy) -> str:
    effects = []
    if policy.distance_threshold is not None:
        effects.append(f"its distance reaches {fmt_num(policy.distance_threshold)}")
    if policy.psi_threshold is not None:
        effects.append(f"its PSI reaches {fmt_num(policy.psi_threshold)}")
    large = " or ".join(effects) if effects else "(no effect-size threshold)"
    text = (f"A feature counts as drifted when its change is significant (Benjamini-Hochberg adjusted p < "
            f"{fmt_num(policy.alpha)}) and large: {large}")
    if policy.missing_share_threshold is not None:
        text += (f"; or when its missing share moved significantly by at least "
                 f"{fmt_pct(policy.missing_share_threshold)}")
    return text + "."


def _summary(d: DriftResult, drifted: list[str]) -> str:
    if not d.features:
        return "No feature was compared."
    if not drifted:
        return f"None of the {len(d.features)} features drifted."
    return f"{len(drifted)} of {len(d.features)} features drifted: {', '.join(drifted)}."


def _domain(d: DriftResult, level: str) -> dict | None:
    dc = d.domain
    if dc is None:
        return {"reason": d.domain_reason or "not computed", "auc": "", "ci": "", "p": "", "rows": "", "method": "",
                "top": []}
    separated = dc.auc.ci_low is not None and dc.auc.ci_low > 0.5
    return {
        "reason": dc.auc.reason or "",
        "auc": fmt_num(dc.auc.value),
        "ci": fmt_ci(dc.auc),
        "p": "p < 0.001" if dc.p_value is not None and dc.p_value < 1e-3 else f"p = {_p(dc.p_value)}",
        "rows": f"{dc.n_reference:,} of {dc.n_reference_total:,} reference and {dc.n_current:,} of "
                f"{dc.n_current_total:,} audited rows",
        "method": dc.method,
        # when the sides cannot be told apart the importances are noise; a negative
        # drop (shuffling helped) is noise anyway
        "top": [{"feature": i.feature, "importance": fmt_num(i.importance), "std": fmt_num(i.std)}
                for i in dc.importances[:5] if i.importance > 0] if separated else [],
    }


def _outputs(d: DriftResult, result: AuditResult) -> list[dict]:
    rule = result.policy.drift.rule()
    out = []
    names = {"score": "Model score", "prediction": "Predicted value", "predicted label": "Predicted label"}
    entries = [(names.get(f.feature, f"Model score, class {f.feature[6:-1]}" if f.feature.startswith("score[") else f.feature), f)
               for f in d.prediction]
    if d.label is not None:
        entries.append(("True outcome", d.label))
    for label, f in entries:
        v = f.verdict(**rule)
        out.append({"label": label, "test": _TESTS.get(f.test, f.test), "statistic": fmt_num(f.statistic),
                    "p_adjusted": _p(f.p_value_adjusted), "psi": fmt_num(f.psi), "distance": fmt_num(f.distance),
                    "mean": "" if f.mean_reference is None else f"{fmt_num(f.mean_reference)} → {fmt_num(f.mean_current)}",
                    "drifted": v.drifted, "reason": v.reason})
    for reason, what in ((d.prediction_reason, "Model outputs"), (d.label_reason, "True outcomes")):
        if reason:
            out.append({"label": what, "test": "", "statistic": "", "p_adjusted": "", "psi": "", "distance": "",
                        "mean": "", "drifted": False, "reason": f"Not compared: {reason}."})
    return out


def _performance(d: DriftResult, level: str) -> list[dict]:
    return [
        {
            "metric": _METRICS.get(s.metric, s.metric),
            "reference": fmt_num(s.reference.value), "reference_ci": fmt_ci(s.reference),
            "current": fmt_num(s.current.value), "current_ci": fmt_ci(s.current),
            "difference": fmt_num(s.difference.value), "difference_ci": fmt_ci(s.difference),
            "direction": "higher is better" if s.higher_is_better else "lower is better",
            "reason": s.difference.reason or s.reference.reason or s.current.reason or "",
            "interval": (f"{s.n_resamples:,} bootstrap resamples of each side" if s.n_resamples
                         else f"{s.interval_method}'s normal interval, the two sides' variances added"),
        }
        for s in d.performance
    ]


def _estimated(d: DriftResult, level: str) -> list[dict]:
    return [
        {"metric": _METRICS.get(e.metric, e.metric), "value": fmt_num(e.estimate.value), "ci": fmt_ci(e.estimate),
         "reason": e.estimate.reason or "", "n_reference": f"{e.n_reference:,}", "resamples": f"{e.n_resamples:,}"}
        for e in d.estimated
    ]


def _groups(d: DriftResult, result: AuditResult) -> list[dict]:
    rule = result.policy.drift.rule()
    overall = {f.feature for f in d.features if f.verdict(**rule).drifted}
    out = []
    for g in d.groups:
        moved = [f.feature for f in g.features if f.verdict(**rule).drifted]
        largest = max(g.features, key=lambda f: (f.psi or 0.0, f.feature), default=None)
        out.append({
            "feature": g.sensitive_feature, "group": g.group, "n_reference": f"{g.n_reference:,}",
            "n_current": f"{g.n_current:,}",
            "drifted": ", ".join(moved) if moved else ("—" if g.features else ""),
            "only_here": [m for m in moved if m not in overall],
            "largest": "" if largest is None or largest.psi is None else f"{largest.feature} ({fmt_num(largest.psi)})",
            "reason": g.reason or "",
        })
    return out


def _key_numbers(d: DriftResult, drifted: list[str], level: str) -> list[dict]:
    out = [{"label": "Drifted features", "value": f"{len(drifted)} of {len(d.features)}",
            "ci": ", ".join(drifted[:4]) + (" …" if len(drifted) > 4 else "") if drifted else "none"}]
    if d.domain is not None:
        ci = fmt_ci(d.domain.auc)
        out.append({"label": "Domain classifier ROC AUC (0.5: no drift)", "value": fmt_num(d.domain.auc.value),
                    "ci": f"{level} interval {ci}" if ci else (d.domain.auc.reason or "")})
    if d.performance:
        s = d.performance[0]
        ci = fmt_ci(s.difference)
        out.append({"label": f"{_METRICS.get(s.metric, s.metric)} change from the reference",
                    "value": fmt_num(s.difference.value),
                    "ci": f"{level} interval {ci}" if ci else (s.difference.reason or "")})
    for e in d.estimated:
        ci = fmt_ci(e.estimate)
        out.append({"label": f"{_METRICS.get(e.metric, e.metric)} (estimated, no labels)", "value": fmt_num(e.estimate.value),
                    "ci": f"{level} interval {ci}" if ci else (e.estimate.reason or "")})
    return out


def _methods(d: DriftResult, result: AuditResult, level: str) -> list[dict]:
    rows = [
        {"label": "Per-feature tests", "value": "two-sample Kolmogorov-Smirnov (numbers; p-value "
         f"{'as scipy chooses' if d.ks_method == 'auto' else d.ks_method}) and Pearson's chi-squared homogeneity "
         "test (categories, missing as a category), Benjamini-Hochberg adjusted over the features"},
        {"label": "Effect sizes", "value": f"PSI on {d.n_bins} reference quantile bins (categories: each category; empty "
         f"bins count as {fmt_plain(d.psi_epsilon)}), Wasserstein distance in reference standard deviations, Jensen-Shannon "
         "distance in base 2"},
        {"label": "Drift rule", "value": _rule_text(result.policy.drift)},
        {"label": "Importance", "value": d.importance_label or (d.importance_reason or "not available")},
    ]
    if d.domain is not None:
        rows.append({"label": "Domain classifier", "value": d.domain.method})
    if d.groups:
        rows.append({"label": "Groups", "value": f"per-feature drift within each group with at least {d.min_group_rows:,} rows "
                     "on both sides, adjusted over every (group, feature) test"})
    for s in d.performance:
        how = (f"{level} percentile intervals from {s.n_resamples:,} bootstrap resamples of each side, drawn "
               "independently; the difference's interval from the paired replicates" if s.n_resamples else
               f"{level} {s.interval_method} intervals; the difference's from both sides' variances (independent samples)")
        rows.append({"label": f"{_METRICS.get(s.metric, s.metric)} intervals", "value": how})
    if d.estimated:
        rows.append({"label": "Label-free estimate", "value": d.estimated[0].method})
    return rows


def _figures(d: DriftResult, result: AuditResult, drifted: list[str]) -> list[Figure]:
    figs = []
    policy = result.policy.drift
    if d.importance:
        figs.append(Figure(
            "fig-drift-importance", "Drift against importance",
            encode_figure(plot_drift_importance(d, drifted=drifted, psi_threshold=policy.psi_threshold)),
            f"Scatter plot of the PSI of each of {len(d.features)} features against its share of the model's reliance"
            + (f"; drifted: {', '.join(drifted)}." if drifted else "; no feature drifted."),
            "Each point is a feature. Up means it moved more (PSI, log scale), right means the model relies on it more; "
            "orange points drifted. Points high and to the right are the drift that matters; low points did not "
            "move, whatever their importance.",
        ))
    shown = drifted[:MAX_FEATURE_FIGURES]
    context = ""
    if not shown:
        # nothing moved: show the features the model relies on most, so a reader sees the two sides agree
        shown = [i.feature for i in d.importance[:1]] or [f.feature for f in d.features[:1]]
        context = " No feature drifted; this is the one the model relies on most, for comparison."
    first_of_kind: dict[bool, str] = {}
    for name in shown:
        f = d.feature(name)
        numeric = f.kind == "numeric" and any(h.feature == name for h in d.histograms)
        if numeric:
            how = ("Grey: the reference's histogram, blue line: the audited rows', as shares of each side's rows; "
                   "the dashed and dotted lines mark the means. Where the blue line rises above the grey, the "
                   "audited data has more rows than the reference.")
            alt = f"Histograms of {name} on the reference and the audited rows"
        else:
            how = ("Grey bars: share of each category in the reference; blue bars: in the audited rows. A blue bar "
                   "without a grey one is a category the reference never had.")
            alt = f"Paired bar chart of the category shares of {name} on the reference and the audited rows"
        figs.append(Figure(
            f"fig-drift-{_slug(name)}", f"{name}: reference against audited rows",
            encode_figure(plot_feature_drift(d, name)),
            alt + (f", PSI {fmt_num(f.psi)}." if f.psi is not None else "."),
            (how + context) if first_of_kind.setdefault(numeric, name) == name else
            f"Read as the chart for {first_of_kind[numeric]}: grey the reference, blue the audited rows.",
        ))
    # the classifier's importances say which features give the sides away; when it
    # cannot tell the sides apart they are noise, and the chapter says so in words
    if d.domain is not None and d.domain.importances and d.domain.auc.ci_low is not None and d.domain.auc.ci_low > 0.5:
        auc = d.domain.auc
        figs.append(Figure(
            "fig-drift-domain", "Domain classifier",
            encode_figure(plot_domain_classifier(d)),
            f"Bar chart of the domain classifier's permutation importances; ROC AUC {fmt_num(auc.value)}.",
            "A classifier learned to tell the audited rows from the reference rows; an ROC AUC near 0.5 means it "
            "could not. Each bar is how much worse it did when one feature was shuffled: long bars are the features "
            "whose change gives the audited rows away. With an AUC near 0.5 the bars are noise.",
        ))
    return figs


def _figure_lists(figs: list[Figure]) -> dict:
    """Every figure (the document checks them), and the two places the chapter shows them."""
    all_ = [f.as_dict() for f in figs]
    return {
        "figures": all_,
        "feature_figures": [f for f in all_ if f["id"] != "fig-drift-domain"],
        "domain_figures": [f for f in all_ if f["id"] == "fig-drift-domain"],
    }


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-").lower() or "feature"
