"""The plain view model a report template reads.

Everything the templates show is computed here, as strings, lists and dicts:
templates call no methods and format nothing, and a misspelt field fails under
``StrictUndefined`` instead of rendering blank.
"""

from __future__ import annotations

import matplotlib

from auditor.render._format import fmt_ci, fmt_num, status_css
from auditor.render.views import SECTION_VIEWS
from auditor.results import AuditResult, Status, to_jsonable

__all__ = ["build_view", "VERDICT_SENTENCES"]

# Rendering happens in scripts, servers and CI without a display.
matplotlib.use("Agg", force=False)

VERDICT_SENTENCES = {
    Status.PASS: "The model meets every check of the policy.",
    Status.WARN: "The model meets the policy's requirements, with points a reviewer should read.",
    Status.INCONCLUSIVE: "The data cannot settle at least one check of the policy; see the findings marked INCONCLUSIVE.",
    Status.FAIL: "The model fails at least one check of the policy; see the findings marked FAIL.",
}

_TASKS = {"binary": "Binary classification", "multiclass": "Multiclass classification", "regression": "Regression"}


def build_view(result: AuditResult, *, figures: bool = True) -> dict:
    """Build the view model of ``result``.

    Parameters
    ----------
    figures : bool, default=True
        Draw the figures (the slow part); off for text-only views.
    """
    s = result.summary
    sections = [v for _, build in SECTION_VIEWS if (v := build(result, figures=figures)) is not None]
    counts = {st.value: sum(1 for f in result.findings if f.status is st) for st in Status}
    findings = [
        {
            "status": f.status.value,
            "css": status_css(f.status),
            "title": f.title,
            "message": f.message,
            "section": f.section,
            "groups": list(f.groups),
        }
        for f in result.sorted_findings()
    ]
    facts = [
        ("Model", s.model_name),
        ("Model structure", s.model_description),
        ("Task", _TASKS[s.task]),
        ("Data", s.dataset_name or "—"),
        ("Audited rows", f"{s.n_rows:,}"),
        ("Columns", f"{s.n_columns:,}" if s.n_columns else "—"),
        ("Target", s.target_name),
    ]
    if s.pos_label is not None:
        facts.append(("Positive (favourable) class", s.pos_label))
    if s.task != "regression":
        facts.append(("Classes", ", ".join(s.classes)))
    facts.append(("Sensitive features", ", ".join(s.sensitive_features) or "none given"))
    if s.model_feature_names:
        shown = ", ".join(s.model_feature_names[:40])
        more = len(s.model_feature_names) - 40
        facts.append(("Model inputs", shown + (f" and {more} more" if more > 0 else "")))
    if s.sample_weight:
        facts.append(("Sample weights", "yes"))
    key_numbers = _key_numbers(result)
    issues = {
        "warnings": [{"source": w.source, "message": w.message} for w in result.warnings],
        "failures": [{"section": f.section, "error": f"{f.error_type}: {f.message}"} for f in result.failures],
        "skipped": [{"section": k.section, "reason": k.reason} for k in result.skipped],
    }
    has_issues = any(issues.values())
    toc = [{"id": "summary", "title": "Summary"}] + [{"id": v["id"], "title": v["title"]} for v in sections]
    if has_issues:
        toc.append({"id": "issues", "title": "Warnings and omissions"})
    toc.append({"id": "appendix", "title": "Appendix: methods, policy and provenance"})
    p = result.provenance
    return {
        "title": f"Model audit — {s.model_name}",
        "model_name": s.model_name,
        "created_at": p.created_at,
        "facts": [{"label": k, "value": v} for k, v in facts],
        "verdict": {
            "status": result.verdict.value,
            "css": status_css(result.verdict),
            "sentence": VERDICT_SENTENCES[result.verdict] if result.findings else "No policy check applied to this audit.",
            "counts": [{"status": k, "css": k.lower(), "n": n} for k, n in counts.items() if n],
        },
        "findings": findings,
        "key_numbers": key_numbers,
        "sections": sections,
        "issues": issues,
        "has_issues": has_issues,
        "toc": toc,
        "policy": _policy_rows(result),
        "methods": _methods(result),
        "provenance": [
            {"label": "auditor version", "value": p.auditor_version},
            {"label": "Created (UTC)", "value": p.created_at},
            {"label": "random_state", "value": str(p.random_state)},
            {"label": "Data fingerprint", "value": p.data_fingerprint},
            {"label": "Model fingerprint", "value": p.model_fingerprint or "— (no model)"},
            {"label": "Schema version", "value": result.schema_version},
        ]
        + [{"label": k, "value": v} for k, v in sorted(p.library_versions.items())],
    }


def _key_numbers(result: AuditResult) -> list[dict]:
    perf = result.performance
    if perf is None:
        return []
    keys = {
        "binary": ("roc_auc", "accuracy", "f1", "balanced_accuracy"),
        "multiclass": ("roc_auc_ovr", "accuracy", "f1_macro", "balanced_accuracy"),
        "regression": ("r2", "mean_absolute_error", "root_mean_squared_error"),
    }[perf.task]
    out = []
    present = {m.key: m for m in perf.metrics}
    for k in keys:
        if k in present:
            m = present[k]
            out.append({"label": m.label, "value": fmt_num(m.estimate.value), "ci": fmt_ci(m.estimate)})
    return out


def _policy_rows(result: AuditResult) -> list[dict]:
    rows = []

    def walk(prefix: str, data: dict) -> None:
        for k, v in data.items():
            if isinstance(v, dict):
                walk(f"{prefix}{k}.", v)
            else:
                rows.append({"name": f"{prefix}{k}", "value": "off" if v is None else str(v)})

    walk("", to_jsonable(result.policy))
    return rows


def _methods(result: AuditResult) -> list[dict]:
    c = result.config
    level = f"{round(100 * result.policy.confidence_level)}%"
    return [
        {"label": "Sections run", "value": ", ".join(c.sections)},
        {"label": "Confidence intervals", "value": f"{level} percentile bootstrap, {c.n_bootstrap:,} resamples" if c.n_bootstrap else "none"},
        {"label": "random_state", "value": f"{c.random_state} (every random step is seeded from it)"},
        {"label": "Verdicts", "value": "PASS when the whole interval meets the threshold, FAIL when the whole interval misses it, INCONCLUSIVE when it straddles the threshold or the value is undefined."},
    ]



