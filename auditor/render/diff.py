"""Views of an :class:`~auditor.diff.AuditDiff`: plain text and a self-contained HTML page."""

from __future__ import annotations

from os import PathLike

from auditor.diff import AuditDiff, FindingChange, MetricChange
from auditor.render._env import render_template
from auditor.render._format import fmt_datetime, fmt_num, fmt_range, status_css
from auditor.render.text import wrap
from auditor.results import Estimate

__all__ = ["build_diff_view", "render_diff_html", "render_diff_text"]

_CHANGE_WORDS = {
    "worse": "got worse",
    "better": "improved",
    "added": "new check",
    "removed": "no longer checked",
    "same": "unchanged",
}


def _est(e: Estimate | None) -> dict:
    if e is None:
        return {"value": "—", "ci": "not in this audit"}
    if e.value is None:
        return {"value": "—", "ci": f"undefined: {e.reason}" if e.reason else "undefined"}
    ci = fmt_range(e.ci_low, e.ci_high) if e.ci_low is not None and e.ci_high is not None else ""
    return {"value": fmt_num(e.value), "ci": ci}


def _overlap_text(m: MetricChange) -> str:
    if m.old is None or m.new is None:
        return "in one audit only"
    if m.intervals_overlap is None:
        return "no interval to compare"
    if m.intervals_overlap:
        return "overlap: the audits cannot tell the values apart"
    return "do not overlap: larger than resampling noise"


def _direction(m: MetricChange) -> str:
    if m.delta is None or m.delta == 0 or m.higher_is_better is None:
        return ""
    return "better" if (m.delta > 0) == m.higher_is_better else "worse"


def _status(s) -> dict:
    if s is None:
        return {"status": "—", "css": "none"}
    return {"status": s.value, "css": status_css(s)}


def _finding(f: FindingChange) -> dict:
    return {
        "check": f.check,
        "title": f.title + (f" ({', '.join(f.groups)})" if f.groups else ""),
        "section": f.section,
        "old": _status(f.old_status),
        "new": _status(f.new_status),
        "change": f.change,
        "change_text": _CHANGE_WORDS[f.change],
        "message": f.new_message or f.old_message or "",
    }


def build_diff_view(diff: AuditDiff) -> dict:
    """The plain view model of ``diff`` (strings, lists and dicts)."""
    sides = []
    for role, s in (("Baseline", diff.old), ("Candidate", diff.new)):
        sides.append({
            "role": role,
            "model_name": s.model_name,
            "dataset_name": s.dataset_name or "—",
            "created_at": fmt_datetime(s.created_at),
            "n_rows": f"{s.n_rows:,}",
            "verdict": _status(s.verdict),
            "sections": ", ".join(s.sections) or "none",
            "auditor_version": s.auditor_version,
        })
    metrics = []
    for m in diff.metrics:
        o, n = _est(m.old), _est(m.new)
        metrics.append({
            "section": m.section,
            "label": m.label,
            "old": o,
            "new": n,
            "delta": "" if m.delta is None else f"{m.delta:+.3f}" if abs(m.delta) >= 1e-3 or m.delta == 0 else f"{m.delta:+.2e}",
            "direction": _direction(m),
            "overlap": _overlap_text(m),
            "separated": m.intervals_overlap is False,
            "changed": m.changed,
        })
    findings = [_finding(f) for f in diff.findings]
    same = {True: "yes", False: "no", None: "unknown (no fingerprint)"}
    context = [
        {"label": "Same data", "value": same[diff.same_data] + ("" if diff.same_data else " (the data fingerprints differ)")},
        {"label": "Same model", "value": (same[diff.same_model] if not diff.model_basis else
                                          {True: "yes", False: "no", None: "unknown"}[diff.same_model]
                                          + f" ({diff.model_basis})")},
        {"label": "Same policy", "value": same[diff.same_policy]
         + ("" if diff.same_policy else " (verdicts may differ because the rules differ)")},
    ]
    return {
        "title": f"Audit comparison — {diff.old.model_name} → {diff.new.model_name}",
        "sides": sides,
        "verdict_changed": diff.verdict_changed,
        "context": context,
        "findings": findings,
        "changed_findings": [f for f in findings if f["change"] != "same"],
        "n_regressions": len(diff.regressions),
        "metrics": metrics,
        "n_separated": sum(1 for m in metrics if m["separated"]),
    }


def render_diff_html(diff: AuditDiff, *, template_dir: str | PathLike[str] | None = None) -> str:
    """A self-contained HTML page of ``diff`` (template ``diff.html.j2``)."""
    return render_template("diff.html.j2", build_diff_view(diff), template_dir=template_dir, what="comparison")


def render_diff_text(diff: AuditDiff, *, width: int = 88) -> str:
    """What changed, as text: verdicts, flipped checks, then every metric."""
    v = build_diff_view(diff)
    old, new = v["sides"]
    def side(s: dict) -> str:
        data = "" if s["dataset_name"] == "—" else f" on {s['dataset_name']}"
        return f"{s['model_name']}{data} ({s['n_rows']} rows, audited {s['created_at']})"

    out = [
        f"Baseline:  {side(old)}",
        f"Candidate: {side(new)}",
        "",
        f"Verdict: {old['verdict']['status']} -> {new['verdict']['status']}"
        + (" (changed)" if v["verdict_changed"] else " (unchanged)"),
    ]
    out += [f"{c['label']}: {c['value']}" for c in v["context"]]
    changed = v["changed_findings"]
    out += ["", f"Checks that changed ({len(changed)} of {len(v['findings'])}):" if v["findings"] else "No policy checks."]
    for f in changed:
        out.append(f"  [{f['change_text']}] {f['check']}: {f['old']['status']} -> {f['new']['status']}  {f['title']}")
        if f["message"]:
            out.append(wrap(f["message"], "      ", width))
    if v["findings"] and not changed:
        out.append("  none: every check has the same status")
    moved = [m for m in v["metrics"] if m["changed"]]
    out += ["", f"Numbers that changed ({len(moved)} of {len(v['metrics'])}; "
            f"{v['n_separated']} with intervals that do not overlap):"]
    if moved:
        w = min(40, max(len(m["label"]) for m in moved))
        for m in moved:
            o = f"{m['old']['value']} [{m['old']['ci']}]" if m["old"]["ci"] else m["old"]["value"]
            n = f"{m['new']['value']} [{m['new']['ci']}]" if m["new"]["ci"] else m["new"]["value"]
            flag = "*" if m["separated"] else " "
            out.append(f" {flag}{m['label'][:w].ljust(w)}  {o} -> {n}  {m['delta']} {m['direction']}".rstrip())
        out.append("  (* intervals do not overlap: the change is larger than the resampling noise)")
    else:
        out.append("  none")
    return "\n".join(out) + "\n"
