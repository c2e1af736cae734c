"""Plain-text summary of a result, for the command line and logs."""

from __future__ import annotations

import textwrap

from auditor.render.viewmodel import build_view
from auditor.results import AuditResult

__all__ = ["render_text", "wrap"]

_WIDTH = 88


def wrap(text: str, indent: str, width: int = _WIDTH, *, first: str | None = None) -> str:
    """``text`` filled to ``width``, every line indented (the first by ``first``)."""
    return textwrap.fill(text, width=width, initial_indent=indent if first is None else first, subsequent_indent=indent)


def render_text(result: AuditResult, *, width: int = _WIDTH) -> str:
    """The executive summary as text: what was audited, the verdict, every finding
    (most severe first), the key numbers and what did not run.

    Status is spelled out in words, never carried by colour or symbols alone.
    """
    v = build_view(result, figures=False)
    out = [f"Model audit: {v['model_name']}", "=" * min(width, 13 + len(v["model_name"]))]
    out += [textwrap.fill(s, width=width) for s in v["lede"]]
    verdict = v["verdict"]
    out += ["", f"Verdict: {verdict['status']}", wrap(verdict["sentence"], "  ", width)]
    out += [wrap("Model card: " + v["model_card"]["note"], "  ", width)]
    if v["not_judged"]:
        out += ["", "Not judged (no policy check covers these chapters):"]
        out += [wrap(f"{n['title']}: {n['reason']}.", "    ", width, first="  - ") for n in v["not_judged"]]
    out += ["", *(wrap(n, "  ", width, first="! ") for n in v["summary_notes"])] if v["summary_notes"] else []
    if v["findings"]:
        counts = ", ".join(f"{c['n']} {c['status']}" for c in verdict["counts"])
        out += ["", f"Findings ({counts}):"]
        label_width = max(len(f["status"]) for f in v["findings"]) + 2
        for f in v["findings"]:
            tag = f"[{f['status']}]".ljust(label_width + 1)
            out.append(f"  {tag} {f['title']} ({f['section_title']})")
            out.append(wrap(f["message"], " " * (label_width + 4), width))
    if v["key_numbers"]:
        out += ["", "Key numbers:"]
        w = max(len(k["label"]) for k in v["key_numbers"])
        out += [f"  {k['label'].ljust(w)}  {k['value']:>8}  {k['ci']}".rstrip() for k in v["key_numbers"]]
    issues = v["issues"]
    for key, title, fmt in (
        ("failures", "Analyses that failed", lambda x: f"{x['section']}: {x['error']}"),
        ("skipped", "Analyses not run", lambda x: f"{x['section']}: {x['reason']}"),
        ("warnings", "Warnings", lambda x: f"{x['source']}: {x['message']}"),
    ):
        if issues[key]:
            out += ["", f"{title}:"]
            out += [wrap(fmt(x), "    ", width, first="  - ") for x in issues[key]]
    return "\n".join(out) + "\n"
