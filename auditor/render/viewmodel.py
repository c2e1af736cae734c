"""The plain view model a report template reads.

Everything the templates show is computed here, as strings, lists and dicts:
templates call no methods and format nothing, and a misspelt field fails under
``StrictUndefined`` instead of rendering blank.

The document is generic over sections: each registered section view (see
:mod:`auditor.render.views`) becomes a numbered chapter with a table-of-contents
entry; its optional ``key_numbers`` go to the executive summary and its optional
``methods`` rows to the appendix.
"""

from __future__ import annotations

from typing import Any

import matplotlib

from auditor.render._format import fmt_datetime, fmt_num, fmt_range, status_css
from auditor.render.views import SECTION_TITLES, SECTION_VIEWS
from auditor.results import AuditResult, Status, to_jsonable

__all__ = ["build_view", "VERDICT_SENTENCES", "ViewError", "REQUIRED_VIEW_KEYS"]

# Rendering happens in scripts, servers and CI without a display.
matplotlib.use("Agg", force=False)

VERDICT_SENTENCES = {
    Status.PASS: "The model meets every check of the policy.",
    Status.WARN: "The model meets the policy's requirements, with points a reviewer should read.",
    Status.INCONCLUSIVE: "The data cannot settle at least one check of the policy; see the findings marked INCONCLUSIVE.",
    Status.FAIL: "The model fails at least one check of the policy; see the findings marked FAIL.",
}
NO_CHECK_SENTENCE = "No policy check applied to this audit."

#: Keys every section view must carry.
REQUIRED_VIEW_KEYS = ("id", "title", "template")

_TASKS = {"binary": "Binary classification", "multiclass": "Multiclass classification", "regression": "Regression"}
_MAX_INPUTS_SHOWN = 40


class ViewError(ValueError):
    """A section view does not follow the view contract."""


def build_view(result: AuditResult, *, figures: bool = True) -> dict:
    """Build the view model of ``result``.

    Parameters
    ----------
    result : AuditResult
    figures : bool, default=True
        Draw the figures (the slow part); off for text-only views.

    Returns
    -------
    dict
        Plain strings, numbers, lists and dicts only.
    """
    named = _section_views(result, figures)
    sections = [v for _, v in named]
    by_name = dict(named)
    p = result.provenance
    issues = _issues(result)
    has_issues = any(issues.values())
    toc = [{"id": v["id"], "number": v["number"], "title": v["title"]} for v in sections]
    if has_issues:
        toc.append({"id": "issues", "number": str(len(sections) + 1), "title": "Warnings and omissions"})
    toc.append({"id": "appendix", "number": "A", "title": "Appendix: methods, policy and provenance"})
    return {
        "title": f"Model audit — {result.summary.model_name}",
        "model_name": result.summary.model_name,
        "data_name": result.summary.dataset_name or "the supplied data",
        "created_at": fmt_datetime(p.created_at),
        "generator": f"auditor {p.auditor_version}",
        "lede": _lede(result, sections),
        "verdict": _verdict(result),
        "findings": (findings := _findings(result, by_name)),
        # page 1 gives full sentences to what needs attention and one line to each
        # passed check, so a long policy still fits a reader's first page
        "attention": [f for f in findings if f["status"] != Status.PASS.value],
        "passed": [f for f in findings if f["status"] == Status.PASS.value],
        "key_numbers": [
            {**k, "section": v["title"], "link": "#" + v["id"]} for v in sections for k in v.get("key_numbers", ())
        ],
        "facts": _facts(result, full=False),
        "sections": sections,
        "issues": issues,
        "has_issues": has_issues,
        "toc": toc,
        "methods": _methods(result, sections),
        "policy": _policy_rows(result),
        "audited": _facts(result, full=True),
        "provenance": _provenance(result),
        "libraries": [{"label": k, "value": v} for k, v in sorted(p.library_versions.items())],
    }


# -- sections -------------------------------------------------------------------------

def _section_views(result: AuditResult, figures: bool) -> list[tuple[str, dict]]:
    """(section name, view) for every section with something to show, numbered in order."""
    out: list[tuple[str, dict]] = []
    seen: set[str] = set()
    for name, build in SECTION_VIEWS:
        view = build(result, figures=figures)
        if view is None:
            continue
        _check_view(name, view, seen)
        seen.add(view["id"])
        out.append((name, {**view, "number": str(len(out) + 1)}))
    return out


def _check_view(name: str, view: Any, seen: set[str]) -> None:
    if not isinstance(view, dict):
        raise ViewError(f"Expected the {name!r} section view to return a dict or None. Got {type(view).__name__}.")
    missing = [k for k in REQUIRED_VIEW_KEYS if not view.get(k)]
    if missing:
        raise ViewError(f"Expected the {name!r} section view to have {list(REQUIRED_VIEW_KEYS)}. Missing {missing}.")
    if view["id"] in seen or view["id"] in ("summary", "contents", "issues", "appendix"):
        raise ViewError(f"Expected a unique id for the {name!r} section view. Got {view['id']!r} twice or reserved.")
    for fig in view.get("figures", ()):
        empty = [k for k in ("alt", "caption", "title") if not fig.get(k)]
        if empty:
            raise ViewError(f"Expected figure {fig.get('id')!r} of the {name!r} view to have {empty}. They are empty.")
    for key, fields in (("key_numbers", ("label", "value", "ci")), ("methods", ("label", "value"))):
        for row in view.get(key, ()):
            if not isinstance(row, dict) or any(f not in row for f in fields):
                raise ViewError(f"Expected each {key} row of the {name!r} view to have {list(fields)}. Got {row!r}.")


# -- summary --------------------------------------------------------------------------

def _human_list(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _lede(result: AuditResult, sections: list[dict]) -> list[str]:
    """Two or three sentences a non-technical reader can start from."""
    s = result.summary
    what = {
        "binary": f"predicts {s.target_name}",
        "multiclass": f"assigns one of {len(s.classes)} classes of {s.target_name}",
        "regression": f"predicts the value of {s.target_name}",
    }[s.task]
    favourable = f" (favourable outcome: {s.pos_label})" if s.pos_label is not None else ""
    rows = f"{s.n_rows:,} row" + ("" if s.n_rows == 1 else "s")
    data = s.dataset_name or "the supplied data"
    model = "The audited model" if s.has_model else "The audited predictions come from a model that"
    first = f"{model} “{s.model_name}” {what}{favourable}. It was audited on {rows} of {data}."
    # "topic" is the chapter named mid-sentence ("SHAP explanations", not "shap explanations")
    checked = _human_list([v.get("topic") or v["title"].lower() for v in sections]) or "no analysis"
    groups = (
        f", comparing groups defined by {_human_list(list(s.sensitive_features))}"
        if s.sensitive_features
        else ", without sensitive features (no group comparison)"
    )
    second = f"This report covers {checked}{groups}, judged against the policy listed in the appendix."
    return [first, second]


def _verdict(result: AuditResult) -> dict:
    counts = {st: sum(1 for f in result.findings if f.status is st) for st in Status}
    order = sorted(Status, key=lambda st: -st.severity)
    return {
        "status": result.verdict.value,
        "css": status_css(result.verdict),
        "sentence": VERDICT_SENTENCES[result.verdict] if result.findings else NO_CHECK_SENTENCE,
        "counts": [{"status": st.value, "css": status_css(st), "n": counts[st]} for st in order if counts[st]],
        "n_checks": len(result.findings),
    }


def _findings(result: AuditResult, by_name: dict) -> list[dict]:
    by_id = {v["id"]: v for v in by_name.values()}
    out = []
    for f in result.sorted_findings():
        view = by_name.get(f.section) or by_id.get(f.section)
        out.append(
            {
                "status": f.status.value,
                "css": status_css(f.status),
                "title": f.title,
                "message": f.message,
                "section": f.section,
                "section_title": view["title"] if view else f.section,
                "link": "#" + view["id"] if view else "",
                "groups": list(f.groups),
                "value": "" if f.value is None else fmt_num(f.value)
                + (f" ({fmt_range(f.ci_low, f.ci_high)})" if f.ci_low is not None and f.ci_high is not None else ""),
            }
        )
    return out


def _facts(result: AuditResult, *, full: bool) -> list[dict]:
    s = result.summary
    target = s.target_name + (f" (favourable outcome: {s.pos_label})" if s.pos_label is not None else "")
    rows = [
        ("Model", s.model_name),
        ("Data", s.dataset_name or "—"),
        ("Audited rows", f"{s.n_rows:,}"),
        ("Task", _TASKS[s.task]),
        ("Target", target),
        ("Sensitive features", ", ".join(s.sensitive_features) or "none given"),
        ("Audit date (UTC)", fmt_datetime(result.provenance.created_at)),
    ]
    if not full:
        return [{"label": k, "value": v} for k, v in rows]
    rows.insert(1, ("Model structure", s.model_description))
    rows.append(("Columns", f"{s.n_columns:,}" if s.n_columns else "—"))
    if s.task != "regression":
        rows.append(("Classes", ", ".join(s.classes)))
    rows.append(("Scores used", {"probability": "predicted probabilities", "decision": "decision scores",
                                  "none": "none (labels only)"}[s.score_kind]))
    if s.model_feature_names:
        shown = ", ".join(s.model_feature_names[:_MAX_INPUTS_SHOWN])
        more = len(s.model_feature_names) - _MAX_INPUTS_SHOWN
        rows.append(("Model inputs", shown + (f" and {more} more" if more > 0 else "")))
    rows.append(("Sample weights", "yes" if s.sample_weight else "no"))
    rows += [("Note", n) for n in s.notes]
    return [{"label": k, "value": v} for k, v in rows]


def _issues(result: AuditResult) -> dict:
    return {
        "failures": [{"section": SECTION_TITLES.get(f.section, f.section), "error": f"{f.error_type}: {f.message}"}
                     for f in result.failures],
        "skipped": [{"section": SECTION_TITLES.get(k.section, k.section), "reason": k.reason} for k in result.skipped],
        "warnings": [{"source": w.source, "message": w.message} for w in result.warnings],
    }


# -- appendix -------------------------------------------------------------------------

def _methods(result: AuditResult, sections: list[dict]) -> list[dict]:
    """General method rows, then each section's own ``methods`` rows."""
    c = result.config
    level = f"{round(100 * result.policy.confidence_level)}%"
    general = [
        {"label": "Analyses requested", "value": ", ".join(c.sections) or "none"},
        {
            "label": "Confidence intervals",
            "value": f"{level} percentile bootstrap over the audited rows, {c.n_bootstrap:,} resamples"
            if c.n_bootstrap
            else "none (n_bootstrap=0)",
        },
        {"label": "random_state", "value": f"{c.random_state} (every random step is seeded from it)"},
        {
            "label": "Verdicts",
            "value": "PASS when the whole interval meets the threshold, FAIL when the whole interval misses it, "
            "INCONCLUSIVE when it straddles the threshold or the value is undefined. The overall verdict is the "
            "most severe finding.",
        },
        {"label": "Failing analyses", "value": "recorded and reported" if c.errors == "record" else "stop the audit"},
    ]
    groups = [{"title": "General", "rows": general}]
    groups += [{"title": v["title"], "rows": list(v["methods"])} for v in sections if v.get("methods")]
    return groups


def _policy_rows(result: AuditResult) -> list[dict]:
    """Every threshold of the policy, grouped by area; ``off`` for a disabled check."""
    rows: list[dict] = []

    def value(v: Any) -> str:
        if v is None:
            return "off"
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, (list, tuple)):
            return ", ".join(str(x) for x in v) or "—"
        return str(v)

    def walk(area: str, prefix: str, data: dict) -> None:
        for k, v in data.items():
            if isinstance(v, dict):
                walk(area or k, f"{prefix}{k}.", v)
            else:
                rows.append({"area": area or "general", "name": f"{prefix}{k}", "value": value(v)})

    walk("", "", to_jsonable(result.policy))
    return rows


def _provenance(result: AuditResult) -> list[dict]:
    p = result.provenance
    rows = [
        ("auditor version", p.auditor_version),
        ("Created (UTC)", fmt_datetime(p.created_at)),
        ("random_state", str(p.random_state)),
        ("Data fingerprint", p.data_fingerprint),
        ("Model fingerprint", p.model_fingerprint or "— (no model)"),
        ("Schema version", result.schema_version),
        ("Python", p.python_version),
    ]
    if p.platform:
        rows.append(("Platform", p.platform))
    return [{"label": k, "value": v} for k, v in rows]

