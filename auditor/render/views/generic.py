"""The chapter of a section that brings no view of its own: its result's fields
as escaped tables.

Top-level numbers and words go into one table; every nested record becomes a
sub-table titled by where it sits, and a list of records a table with one row
per record. Numbers are formatted like the rest of the report, an
:class:`~auditor.results.Estimate` reads "value (interval)" or the reason it is
undefined, and everything is text the template escapes.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from auditor.render._format import fmt_num, fmt_range
from auditor.results import AuditResult, Estimate, Metric, SectionResult, UnreadSection

__all__ = ["build", "MAX_ROWS"]

#: Rows shown per table; the rest is counted in a note.
MAX_ROWS = 200


def build(section: SectionResult, result: AuditResult, *, figures: bool = True) -> dict:
    """The generic view model: ``blocks`` of key-value tables and record tables."""
    data = section.data if isinstance(section, UnreadSection) else section
    blocks: list[dict] = []
    _walk(data, "", blocks)
    intro = (
        "This section's result is shown as stored in the audit's JSON: its type "
        f"({section.result_type}) is not available where this report was made."
        if isinstance(section, UnreadSection)
        else ""
    )
    return {"intro": intro, "blocks": blocks}


def _label(name: str) -> str:
    return name.replace("_", " ").strip().capitalize() or name


def _is_record(v: Any) -> bool:
    return (dataclasses.is_dataclass(v) and not isinstance(v, type)) or isinstance(v, dict)


def _items(v: Any) -> list[tuple[str, Any]]:
    if isinstance(v, dict):
        return [(str(k), x) for k, x in v.items()]
    return [(f.name, getattr(v, f.name)) for f in dataclasses.fields(v)]


def _is_scalar_like(v: Any) -> bool:
    """Shown in one cell: a number, a word, an estimate, or a list of those."""
    if v is None or isinstance(v, (bool, int, float, str, enum.Enum, Estimate, Metric)):
        return True
    if isinstance(v, (tuple, list)):
        return all(x is None or isinstance(x, (bool, int, float, str, enum.Enum)) for x in v)
    return False


def cell(v: Any) -> str:
    """One value as the text of a table cell."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, enum.Enum):
        return str(v.value)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return fmt_num(v)
    if isinstance(v, Metric):
        return cell(v.estimate)
    if isinstance(v, Estimate):
        if v.value is None:
            return f"undefined ({v.reason})" if v.reason else "undefined"
        ci = f" ({fmt_range(v.ci_low, v.ci_high)})" if v.ci_low is not None and v.ci_high is not None else ""
        return fmt_num(v.value) + ci
    if isinstance(v, (tuple, list)):
        return ", ".join(cell(x) for x in v) if v else "—"
    if _is_record(v):
        return f"{len(_items(v))} fields"
    return str(v)


def _walk(v: Any, path: str, blocks: list[dict]) -> None:
    """Append the blocks of record ``v`` found at ``path``."""
    rows, nested = [], []
    for name, x in _items(v):
        if _is_scalar_like(x):
            rows.append({"label": _label(name), "value": cell(x)})
        else:
            nested.append((name, x))
    if rows:
        blocks.append({"kind": "kv", "title": path, "rows": rows, "note": ""})
    for name, x in nested:
        where = f"{path} › {_label(name)}" if path else _label(name)
        if _is_record(x):
            _walk(x, where, blocks)
        elif isinstance(x, (tuple, list)):
            _table(x, where, blocks)
        else:
            blocks.append({"kind": "kv", "title": where, "rows": [{"label": _label(name), "value": cell(x)}], "note": ""})


def _table(items: Any, title: str, blocks: list[dict]) -> None:
    """A list: one row per record (columns are the records' fields), or one
    cell per item when the items are not records."""
    if not all(_is_record(x) for x in items):
        blocks.append({"kind": "kv", "title": title, "rows": [{"label": str(i + 1), "value": cell(x)} for i, x in
                                                             enumerate(items[:MAX_ROWS])], "note": _more(items)})
        return
    columns: list[str] = []
    for x in items:
        for name, _ in _items(x):
            if name not in columns:
                columns.append(name)
    rows = []
    for x in items[:MAX_ROWS]:
        values = dict(_items(x))
        rows.append([cell(values.get(c)) for c in columns])
    blocks.append({"kind": "table", "title": title, "columns": [_label(c) for c in columns], "rows": rows,
                   "note": _more(items)})


def _more(items: Any) -> str:
    extra = len(items) - MAX_ROWS
    return f"{extra:,} more rows are in the audit's JSON." if extra > 0 else ""
