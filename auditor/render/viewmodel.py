"""The plain view model a report template reads.

Everything the templates show is computed here, as strings, lists and dicts:
templates call no methods and format nothing, and a misspelt field fails under
``StrictUndefined`` instead of rendering blank.

The document is generic over sections: every section in the result becomes a
numbered chapter with a table-of-contents entry, built by the view its class
declares (see :mod:`auditor.render.views`), or by the generic view when it
declares none; its optional ``key_numbers`` go to the executive summary and its
optional ``methods`` rows to the appendix.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from auditor.render._format import fmt_datetime, fmt_num, fmt_plain, fmt_range, status_css
from auditor.render.views import GENERIC_TEMPLATE, GENERIC_VIEW
from auditor.results import (
    MODEL_CARD_FIELDS,
    AuditResult,
    ModelCard,
    Owner,
    SignOff,
    Status,
    UnreadSection,
    resolve,
    section_spec,
    to_jsonable,
)

__all__ = ["build_view", "VERDICT_SENTENCES", "ViewError", "RESERVED_IDS", "section_title"]

VERDICT_SENTENCES = {
    Status.PASS: "The model meets every check of the policy.",
    Status.WARN: "The model meets the policy's requirements, with points a reviewer should read.",
    Status.INCONCLUSIVE: "The data cannot settle at least one check of the policy; see the findings marked INCONCLUSIVE.",
    Status.FAIL: "The model fails at least one check of the policy; see the findings marked FAIL.",
}
NO_CHECK_SENTENCE = "No policy check applied to this audit."

#: Chapter anchors the document itself uses.
RESERVED_IDS = ("summary", "contents", "issues", "appendix")

_TASKS = {"binary": "Binary classification", "multiclass": "Multiclass classification", "regression": "Regression"}
_MAX_INPUTS_SHOWN = 40


class ViewError(ValueError):
    """A section view does not follow the view contract."""


#: The last few view models built, by the result they were built from: saving one
#: result as HTML and as PDF draws its figures once (a result is frozen, so its
#: view cannot go stale while the result lives).
_VIEWS: dict[int, tuple[weakref.ref, bool, dict]] = {}
_VIEWS_KEPT = 4


def build_view(result: AuditResult, *, figures: bool = True) -> dict:
    """Build the view model of ``result`` (reused while the same result object
    is rendered again: HTML, PDF and notebook share one).

    Parameters
    ----------
    result : AuditResult
    figures : bool, default=True
        Draw the figures (the slow part); off for text-only views.

    Returns
    -------
    dict
        Plain strings, numbers, lists and dicts only. Treat it as read-only:
        it may be shared with other renderings of the same result.
    """
    held = _VIEWS.get(id(result))
    if held is not None and held[0]() is result and (held[1] or not figures):
        return held[2]
    view = _build_view(result, figures=figures)
    _VIEWS[id(result)] = (weakref.ref(result), figures, view)
    while len(_VIEWS) > _VIEWS_KEPT:
        _VIEWS.pop(next(iter(_VIEWS)))
    return view


def _build_view(result: AuditResult, *, figures: bool) -> dict:
    named = _section_views(result, figures)
    sections = [v for _, v in named]
    by_name = dict(named)
    p = result.provenance
    issues = _issues(result)
    has_issues = any(issues.values())
    findings = _findings(result, by_name)
    level = f"{round(100 * result.config.confidence_level)}%"
    for v in sections:
        # each chapter states its own verdicts in full; page 1 gives their first sentence
        v["chapter_findings"] = [f for f in findings if f["section"] == v["id"]]
    toc = [{"id": v["id"], "number": v["number"], "title": v["title"]} for v in sections]
    if has_issues:
        toc.append({"id": "issues", "number": str(len(sections) + 1), "title": "Warnings and omissions"})
    toc.append({"id": "appendix", "number": "A", "title": "Appendix: methods, policy and provenance"})
    # a chapter's long tables go to the appendix, after its fixed parts A.1-A.4,
    # with a pointer in the chapter (the view names the template that draws them)
    appendix_tables = []
    for v in sections:
        v["appendix_ref"] = None
        if v.get("appendix_template"):
            ref = {"id": "appendix-" + v["id"], "number": f"A.{5 + len(appendix_tables)}",
                   "title": f"{v['title']}: full tables", "template": v["appendix_template"]}
            v["appendix_ref"] = ref
            appendix_tables.append({**ref, "section": v})
    return {
        "title": f"Model audit — {result.summary.model_name}",
        "model_name": result.summary.model_name,
        "data_name": result.summary.dataset_name or "the supplied data",
        "created_at": fmt_datetime(p.created_at),
        "generator": f"auditor {p.auditor_version}",
        "lede": _lede(result, sections),
        "verdict": _verdict(result, not_judged := _not_judged(result, sections)),
        # chapters no policy check judged: a reader must not take their silence for a pass
        "not_judged": not_judged,
        "model_card": _model_card(result.model_card),
        # sentences a section wants on page 1 (an imbalanced outcome, what errors cost)
        "summary_notes": [n for v in sections for n in v.get("summary_notes", ())],
        "findings": findings,
        # page 1 gives full sentences to what needs attention and one line to each
        # passed check, so a long policy still fits a reader's first page
        "attention": [f for f in findings if f["status"] != Status.PASS.value],
        "passed": [f for f in findings if f["status"] == Status.PASS.value],
        "key_numbers": [
            {**k, "interval": _strip_level(k["ci"], level), "section": v["title"], "number": v["number"],
             "link": "#" + v["id"]}
            for v in sections for k in v.get("key_numbers", ())
        ],
        "key_numbers_ci_header": f"{level} interval",
        "facts": _facts(result, full=False),
        "sections": sections,
        "issues": issues,
        "has_issues": has_issues,
        "toc": toc,
        "methods": _methods(result, sections),
        "policy": _policy_rows(result),
        "appendix_tables": appendix_tables,
        "audited": _facts(result, full=True),
        "provenance": _provenance(result),
        "libraries": [{"label": k, "value": v} for k, v in sorted(p.library_versions.items())],
    }


# -- sections -------------------------------------------------------------------------

def section_title(result: AuditResult, name: str) -> str:
    """How the document names section ``name``: its class's title, else the title
    the archive recorded, else the name."""
    spec = section_spec(name)
    if spec is not None:
        return spec.title
    for s in result.config.sections:
        if s.name == name:
            return s.title
    return name


def _section_views(result: AuditResult, figures: bool) -> list[tuple[str, dict]]:
    """(section name, view) for every computed section, numbered in report order."""
    out: list[tuple[str, dict]] = []
    for name, section in result.sections.items():
        spec = None if isinstance(section, UnreadSection) else section_spec(name)
        build = resolve(GENERIC_VIEW) if spec is None or spec.view is None else spec.view_function()
        template = GENERIC_TEMPLATE if spec is None or spec.view is None else (spec.template or GENERIC_TEMPLATE)
        view = build(section, result, figures=figures)
        if view is None:
            continue
        _check_view(name, view)
        title = section_title(result, name)
        out.append((name, {
            **view,
            "id": name,
            "title": title,
            "topic": spec.topic if spec is not None else title.lower(),
            "template": template,
            "number": str(len(out) + 1),
        }))
    return out


def _check_view(name: str, view: Any) -> None:
    if not isinstance(view, dict):
        raise ViewError(f"Expected the {name!r} section view to return a dict. Got {type(view).__name__}.")
    if name in RESERVED_IDS:
        raise ViewError(f"Expected a section name other than {list(RESERVED_IDS)} (the document uses them). Got {name!r}.")
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


def _not_judged(result: AuditResult, sections: list[dict]) -> list[dict]:
    """Chapters that carry no finding, and why: their numbers are not a verdict."""
    judged = {f.section for f in result.findings}
    out = []
    for v in sections:
        if v["id"] in judged:
            continue
        spec = section_spec(v["id"])
        if spec is not None and spec.findings is not None:
            reason = "no check of the policy applies to it for this audit (turned off, or not defined for this task)"
        else:
            reason = "it has no policy checks: its numbers are for reading, not a verdict"
        out.append({"title": v["title"], "link": "#" + v["id"], "reason": reason})
    return out


def _verdict(result: AuditResult, not_judged: list[dict] = ()) -> dict:
    counts = {st: sum(1 for f in result.findings if f.status is st) for st in Status}
    order = sorted(Status, key=lambda st: -st.severity)
    sentence = VERDICT_SENTENCES[result.verdict] if result.findings else NO_CHECK_SENTENCE
    if not_judged and result.verdict in (Status.PASS, Status.WARN):
        sentence += (f" {len(not_judged)} chapter{'s' if len(not_judged) != 1 else ''} "
                     f"{'were' if len(not_judged) != 1 else 'was'} not judged (listed below): the verdict says "
                     "nothing about them.")
    return {
        "status": result.verdict.value,
        "css": status_css(result.verdict),
        "sentence": sentence,
        "counts": [{"status": st.value, "css": status_css(st), "n": counts[st]} for st in order if counts[st]],
        "n_checks": len(result.findings),
    }


NOT_STATED = "not stated"


def _model_card(card: ModelCard | None) -> dict:
    """Every field of the card, the ones nobody stated marked as such: a reviewer
    must see what is missing, not an absence that reads as 'nothing to say'."""
    if card is None:
        card = ModelCard()
        given = False
    else:
        given = True
    rows = []
    for name, label in MODEL_CARD_FIELDS:
        value = getattr(card, name)
        text = _card_value(value)
        rows.append({"label": label, "value": text or NOT_STATED, "stated": bool(text)})
    missing = [r["label"] for r in rows if not r["stated"]]
    if not given:
        note = "No model card was supplied, so none of its fields is stated (pass model_card=... or [model_card])."
    elif missing:
        note = f"Not stated: {_human_list([m.lower() for m in missing])}."
    else:
        note = "Every field of the model card is stated."
    # stated fields in a table, the others named in one line: a card with few
    # fields stated must not push the findings off page 1
    return {"given": given, "rows": [r for r in rows if r["stated"]], "all_rows": rows, "missing": missing, "note": note}


def _card_value(value) -> str:
    if value is None or value == ():
        return ""
    if isinstance(value, str):
        return value
    parts = []
    for v in value:
        if isinstance(v, Owner):
            parts.append(v.name + (f" ({v.contact})" if v.contact else ""))
        elif isinstance(v, SignOff):
            extra = ", ".join(x for x in (v.role, v.decision, v.date) if x)
            parts.append(v.name + (f" — {extra}" if extra else ""))
        else:
            parts.append(str(v))
    return "; ".join(parts)


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
                # the sentence page 1 shows in print; the rest is in the chapter
                "headline": (parts := split_first_sentence(f.message))[0],
                "rest": parts[1],
                "section": f.section,
                "section_title": view["title"] if view else f.section,
                "link": "#" + view["id"] if view else "",
                "groups": list(f.groups),
                "value": "" if f.value is None else fmt_num(f.value)
                + (f" ({fmt_range(f.ci_low, f.ci_high)})" if f.ci_low is not None and f.ci_high is not None else ""),
            }
        )
    return out


def _strip_level(ci: str, level: str) -> str:
    """A key number's interval without the level the column header states."""
    prefix = f"{level} interval "
    return ci[len(prefix):] if ci.startswith(prefix) else ci


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


def split_first_sentence(text: str) -> tuple[str, str]:
    """``text`` cut after its first sentence: (first sentence, the rest or '')."""
    m = _SENTENCE_END.search(text)
    if m is None:
        return text, ""
    return text[: m.start()], text[m.end():]


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
    if s.n_reference_rows is not None:
        labels = "with" if s.reference_has_labels else "without"
        rows.insert(3, ("Reference data", f"{s.reference_name or 'given'}: {s.n_reference_rows:,} rows, {labels} outcomes"))
    if not s.has_labels:
        rows.insert(4 if s.n_reference_rows is not None else 3, ("True outcomes", "none given"))
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
        "failures": [{"section": section_title(result, f.section), "error": f"{f.error_type}: {f.message}"}
                     for f in result.failures],
        "skipped": [{"section": section_title(result, k.section), "reason": k.reason} for k in result.skipped],
        "warnings": [{"source": w.source, "message": w.message} for w in result.warnings],
    }


# -- appendix -------------------------------------------------------------------------

def _methods(result: AuditResult, sections: list[dict]) -> list[dict]:
    """General method rows, then each section's own ``methods`` rows."""
    c = result.config
    level = f"{round(100 * c.confidence_level)}%"
    general = [
        {"label": "Analyses requested", "value": ", ".join(s.title for s in c.sections) or "none"},
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
    options = {s.name: s.options for s in c.sections}
    for v in sections:
        rows = list(v.get("methods", ()))
        if options.get(v["id"]):
            # the settings behind the chapter's numbers, as the JSON records them
            rows.append({"label": "Options", "value": ", ".join(f"{k}={_option(x)}" for k, x in options[v["id"]].items())})
        if rows:
            groups.append({"title": v["title"], "rows": rows})
    return groups


def _option(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_option(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_option(v)}" for k, v in value.items()) + "}"
    return fmt_plain(value)


def _policy_rows(result: AuditResult) -> list[dict]:
    """Every threshold of the policy, grouped by area; ``off`` for a disabled check."""
    rows: list[dict] = []

    def value(v: Any) -> str:
        if v is None:
            return "off"
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, (list, tuple)):
            return ", ".join(fmt_plain(x) for x in v) or "—"
        return fmt_plain(v)

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
        *((("Reference data fingerprint", p.reference_fingerprint),) if p.reference_fingerprint else ()),
        ("Model fingerprint", p.model_fingerprint or "— (no model)"),
        *([("Model file SHA-256", p.model_file_sha256)] if p.model_file_sha256 else []),
        ("Schema version", result.schema_version),
        ("Python", p.python_version),
    ]
    if p.platform:
        rows.append(("Platform", p.platform))
    return [{"label": k, "value": v} for k, v in rows]

