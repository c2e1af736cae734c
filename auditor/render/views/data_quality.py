"""View of the data-quality section: the columns, the rows, and the groups."""

from __future__ import annotations

from auditor.plots import plot_group_missingness, plot_representation
from auditor.render._figures import Figure, encode_figure
from auditor.render._format import fmt_ci, fmt_num, fmt_pct, status_css
from auditor.results import AuditResult, DataQualityResult, DatasetQuality, Estimate

__all__ = ["build", "MAX_MISSINGNESS_ROWS"]

#: Differential-missingness entries listed (largest gaps first).
MAX_MISSINGNESS_ROWS = 12
#: Of those, the chapter shows the largest; the appendix lists them all.
MISSINGNESS_SHOWN = 4
_WHERE = {"current": "audited", "reference": "reference"}


def _points(est: Estimate) -> tuple[str, str]:
    if est.value is None:
        return "undefined", est.reason or ""
    ci = "" if est.ci_low is None else f"{100 * est.ci_low:.1f} – {100 * est.ci_high:.1f}"
    return f"{100 * est.value:+.1f}", ci


def build(q: DataQualityResult, result: AuditResult, *, figures: bool = True) -> dict:
    """The chapter's view model (see :mod:`auditor.render.views`)."""
    level = f"{round(100 * q.confidence_level)}%"
    dq = result.policy.data_quality
    findings = [
        {"status": x.status.value, "css": status_css(x.status), "title": x.title, "message": x.message}
        for x in result.sorted_findings() if x.section == "data_quality"
    ]
    s = result.summary
    reference = s.reference_name or "the reference data"
    intro = (
        f"Whether the {q.current.n_rows:,} audited rows are clean"
        + (f" and stay within what {reference} ({q.reference.n_rows:,} rows) showed" if q.reference else "")
        + ", column by column, and whether every sensitive group is represented and measured alike."
    )
    flagged = _flagged_missingness(q, result)
    return {
        "intro": intro,
        "findings": findings,
        "datasets": _datasets(q),
        "has_reference": q.reference is not None,
        "reference_reason": q.reference_reason or "",
        "columns": _columns(q),
        "groups": _groups(q, level),
        "groups_reason": q.groups_reason or "",
        "representation_reason": q.representation_reason or "",
        "missingness": _missingness(q, flagged),
        "missingness_shown": MISSINGNESS_SHOWN,
        "columns_summary": _columns_summary(q),
        "appendix_template": "sections/data_quality_tables.html.j2",
        "missing_threshold": "" if dq.max_differential_missingness is None else f"{100 * dq.max_differential_missingness:.1f}",
        "ci_header": f"{level} interval",
        "notes": list(q.notes),
        "figures": [f.as_dict() for f in (_figures(q, flagged) if figures else [])],
        "key_numbers": _key_numbers(q, flagged, level),
        "methods": _methods(q, result, level),
    }


def _flagged_missingness(q: DataQualityResult, result: AuditResult) -> set[tuple]:
    """(role, feature, group, column) of the entries the policy flags."""
    p = result.policy.data_quality
    out = set()
    if p.max_differential_missingness is None:
        return out
    for dataset in (q.current, q.reference):
        if dataset is None:
            continue
        for e in dataset.differential_missingness:
            if e.flagged(alpha=p.alpha, min_difference=p.max_differential_missingness):
                out.add((dataset.role, e.sensitive_feature, e.group, e.column))
    return out


def _dataset_row(d: DatasetQuality) -> dict:
    cols = d.columns
    dup = d.duplicates
    return {
        "role": _WHERE[d.role].capitalize(),
        "rows": f"{d.n_rows:,}",
        "columns": f"{d.n_columns:,}",
        "duplicates": f"{dup.n_duplicates:,} ({fmt_pct(dup.duplicate_share)})" if dup.duplicate_share is not None else "—",
        "with_missing": f"{sum(1 for c in cols if c.n_missing):,}",
        "constant": ", ".join(c.column for c in cols if c.is_constant) or "none",
        "near_constant": ", ".join(c.column for c in cols if c.is_near_constant) or "none",
        "mixed": ", ".join(c.column for c in cols if c.mixed_types) or "none",
    }


def _datasets(q: DataQualityResult) -> list[dict]:
    return [_dataset_row(d) for d in (q.current, q.reference) if d is not None]


def _columns_summary(q: DataQualityResult) -> str:
    """The column table in one sentence: what a reader would look for in it."""
    cols = q.current.columns
    missing = [f"{c.column} ({fmt_pct(c.missing_share)})" for c in sorted(cols, key=lambda c: -c.missing_share) if c.n_missing]
    flagged = [c.column for c in cols if c.is_constant or c.is_near_constant or c.mixed_types]
    outside = [f"{c.column} ({fmt_pct(c.share)})" for c in q.coverage if c.n_outside]
    parts = [f"{len(cols)} columns audited"]
    parts.append("missing values in " + ", ".join(missing) if missing else "no missing values")
    if flagged:
        parts.append("constant, near-constant or of mixed types: " + ", ".join(flagged))
    if q.reference is not None:
        parts.append("values outside the reference's range or categories in " + ", ".join(outside[:6])
                     + (" and more" if len(outside) > 6 else "") if outside else "no value outside what the reference showed")
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def _columns(q: DataQualityResult) -> list[dict]:
    ref = {c.column: c for c in q.reference.columns} if q.reference else {}
    coverage = {c.column: c for c in q.coverage}
    rows = []
    for c in q.current.columns:
        flags = []
        if c.is_constant:
            flags.append("constant")
        elif c.is_near_constant:
            flags.append(f"near-constant ({fmt_pct(c.dominant_share)} one value)")
        if c.mixed_types:
            flags.append("mixed types: " + ", ".join(f"{k} {v:,}" for k, v in c.type_counts.items()))
        cov = coverage.get(c.column)
        outside = ""
        if cov is not None and cov.n_outside:
            outside = f"{fmt_pct(cov.share)} ({cov.n_outside:,})"
            if cov.examples:
                outside += ": " + ", ".join(cov.examples[:3])
        elif cov is not None:
            outside = "none"
        r = ref.get(c.column)
        rows.append({
            "column": c.column,
            "kind": c.kind,
            "dtype": c.dtype,
            "missing": fmt_pct(c.missing_share),
            "missing_reference": "" if r is None else fmt_pct(r.missing_share),
            "distinct": f"{c.n_distinct:,}",
            "dominant": "" if c.dominant_value is None else f"{c.dominant_value} ({fmt_pct(c.dominant_share)})",
            "outliers": "" if c.outlier_share is None else f"{fmt_pct(c.outlier_share)}",
            "outlier_note": "" if c.iqr is None else (
                "IQR is 0: every value off the quartile counts" if c.iqr == 0 else
                f"outside [{c.lower_fence:,.4g}, {c.upper_fence:,.4g}]"),
            "outside": outside,
            "flags": "; ".join(flags),
        })
    return rows


def _groups(q: DataQualityResult, level: str) -> list[dict]:
    rep = {r.sensitive_feature: {g.group: g for g in r.groups} for r in q.representation}
    ref_profiles = {}
    if q.reference is not None:
        ref_profiles = {(g.sensitive_feature, g.group): g for g in q.reference.groups}
    out = []
    for attr in q.sensitive_features:
        rows = []
        for g in (x for x in q.current.groups if x.sensitive_feature == attr):
            share = rep.get(attr, {}).get(g.group)
            diff, diff_ci = ("", "") if share is None else _points(share.difference)
            ref = ref_profiles.get((attr, g.group))
            rows.append({
                "group": g.group,
                "rows": f"{g.n_rows:,}",
                "share": fmt_pct(g.share),
                "share_reference": "" if share is None or share.share_reference is None else fmt_pct(share.share_reference),
                "difference": diff, "difference_ci": diff_ci,
                "base_rate": "" if g.base_rate is None else fmt_pct(g.base_rate.value),
                "base_rate_ci": "" if g.base_rate is None else fmt_ci(g.base_rate, percent=True),
                "base_rate_reference": "" if ref is None or ref.base_rate is None else fmt_pct(ref.base_rate.value),
            })
        # groups only the reference has
        for name, share in rep.get(attr, {}).items():
            if not any(r["group"] == name for r in rows):
                diff, diff_ci = _points(share.difference)
                rows.append({"group": name, "rows": "0", "share": fmt_pct(share.share_current),
                             "share_reference": fmt_pct(share.share_reference), "difference": diff,
                             "difference_ci": diff_ci, "base_rate": "", "base_rate_ci": "", "base_rate_reference": ""})
        test = next((r for r in q.representation if r.sensitive_feature == attr), None)
        out.append({
            "feature": attr,
            "rows": rows,
            "has_reference": bool(rep.get(attr)),
            "has_base_rate": any(r["base_rate"] for r in rows),
            "test": "" if test is None or test.p_value is None else
            f"χ² homogeneity of the group counts: {fmt_num(test.statistic)} on {test.dof} degrees of freedom, "
            f"p = {fmt_num(test.p_value)}.",
        })
    return out


def _missingness(q: DataQualityResult, flagged: set[tuple]) -> list[dict]:
    entries = [(d.role, e) for d in (q.current, q.reference) if d is not None for e in d.differential_missingness
               if e.difference.value is not None and e.difference.value > 0]
    entries.sort(key=lambda x: (-x[1].difference.value, x[0], x[1].sensitive_feature, x[1].group, x[1].column))
    rows = []
    for role, e in entries[:MAX_MISSINGNESS_ROWS]:
        value, ci = _points(e.difference)
        rows.append({
            "dataset": _WHERE[role], "group": f"{e.sensitive_feature} = {e.group}", "column": e.column,
            "group_share": fmt_pct(e.missing_share_group), "rest_share": fmt_pct(e.missing_share_rest),
            "difference": value, "ci": ci, "p": "—" if e.p_value_adjusted is None else fmt_num(e.p_value_adjusted),
            "flagged": (role, e.sensitive_feature, e.group, e.column) in flagged, "n_group": f"{e.n_group:,}",
        })
    return rows


def _key_numbers(q: DataQualityResult, flagged: set[tuple], level: str) -> list[dict]:
    """The one data-quality number for the summary: the largest differential missingness."""
    entries = [e for e in q.current.differential_missingness if e.difference.value is not None]
    if not entries:
        return []
    e = max(entries, key=lambda e: (e.difference.value, e.column))
    value, ci = _points(e.difference)
    return [{"label": f"Largest differential missingness: {e.column}, {e.sensitive_feature} = {e.group}",
             "value": f"{value} points", "ci": f"{level} interval {ci} points" if ci else (e.difference.reason or "")}]


def _methods(q: DataQualityResult, result: AuditResult, level: str) -> list[dict]:
    p = result.policy.data_quality
    rows = [
        {"label": "Counts", "value": "rows, unweighted; a missing value is NaN, None or pd.NA"},
        {"label": "Near-constant", "value": f"the most frequent value covers at least {fmt_pct(q.near_constant_share)} of the "
         "non-missing rows"},
        {"label": "Outliers", "value": f"Tukey's rule: outside [Q1 − {q.outlier_k:g} IQR, Q3 + {q.outlier_k:g} IQR] "
         "(linear quartiles), as a share of the non-missing rows"},
        {"label": "Duplicates", "value": "rows equal in every column (64-bit row hashes)"},
    ]
    if q.current.groups:
        rows.append({"label": "Differential missingness", "value": f"each group's missing share minus the other rows', "
                     f"Newcombe {level} interval, pooled two-proportion z-test, Benjamini-Hochberg over every (group, "
                     f"column) entry of a dataset; flagged when adjusted p < {fmt_num(p.alpha)} and the gap reaches the "
                     "policy's maximum"})
    if q.representation:
        rows.append({"label": "Representation", "value": f"group shares against the reference's with Newcombe {level} "
                     "intervals of the difference; chi-squared homogeneity test of the group counts"})
    if q.bins:
        rows.append({"label": "Sensitive bins", "value": "; ".join(f"{k}: {', '.join(v)}" for k, v in q.bins.items())})
    return rows


def _figures(q: DataQualityResult, flagged: set[tuple]) -> list[Figure]:
    figs = []
    for k, r in enumerate(q.representation):
        how = ("Grey bars are the reference's shares, blue bars the audited rows'. Bars of equal length mean the group "
               "is represented as it was in the reference; a much shorter blue bar means the group is under-represented "
               "now, and results for it rest on fewer rows.") if k == 0 else (
               f"Read as the chart for {q.representation[0].sensitive_feature}: grey the reference, blue the audited rows.")
        figs.append(Figure(
            f"fig-dq-representation-{_slug(r.sensitive_feature)}", f"Representation of {r.sensitive_feature}",
            encode_figure(plot_representation(q, r.sensitive_feature)),
            f"Paired bar chart of each group's share of {r.sensitive_feature} in the reference and in the audited rows.",
            how,
        ))
    # the flagged gaps (else the largest one), so a reader sees which group is measured worse
    # in the audited data first; the reference's gap is in the table beside it
    shown = sorted(flagged, key=lambda k: (k[0] != "current", k))[:2]
    if any(k[0] == "current" for k in shown):
        shown = [k for k in shown if k[0] == "current"]
    if not shown:
        entries = [(d.role, e) for d in (q.current,) for e in d.differential_missingness
                   if e.difference.value is not None and e.difference.value > 0]
        if entries:
            role, e = max(entries, key=lambda x: (x[1].difference.value, x[1].column))
            shown = [(role, e.sensitive_feature, e.group, e.column)]
    for role, attr, group, column in shown:
        where = _WHERE[role]
        figs.append(Figure(
            f"fig-dq-missing-{role}-{_slug(attr)}-{_slug(column)}", f"Missing {column} by {attr} ({where} data)",
            encode_figure(plot_group_missingness(q, column, attr, role=role)),
            f"Bar chart of the share of rows missing {column} in each group of {attr}, in the {where} data.",
            f"Each bar is the share of a group's rows where {column} is missing; the dashed line is the share over "
            f"all rows. A bar far to the right of the line ({attr} = {group} here) is a group measured worse than "
            "the others.",
        ))
    return figs


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-").lower() or "x"
