"""Compare the numbers of two audit JSON files (or two folders of them).

    python bench/compare_audits.py before.json after.json
    python bench/compare_audits.py before/ after/

Both are read with ``AuditResult.from_json`` (so a schema 1.x archive is upgraded
first) and every number of every section, every finding's value and interval,
and the verdict are compared; timestamps, versions, the recorded options and the
wording of messages are ignored. Prints each difference and exits 1 if any.
Used to show that a refactor leaves every number of the demo audits unchanged
(numbers the new audit adds, such as a new metric, are not differences).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from auditor import AuditResult

_ID_KEYS = ("key", "name", "feature", "group", "label", "check", "row")


def numbers(value, path="$"):
    """Every number (and None) in ``value`` keyed by path; strings are skipped."""
    out = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(numbers(v, f"{path}.{k}"))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            # elements named by their key survive an insertion before them
            name = next((v[k] for k in _ID_KEYS if isinstance(v, dict) and isinstance(v.get(k), str)), str(i))
            out.update(numbers(v, f"{path}[{name}]"))
    elif value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        out[path] = value
    return out


def compare(a: Path, b: Path, tol: float = 0.0) -> list[str]:
    old, new = AuditResult.from_json(a).to_dict(), AuditResult.from_json(b).to_dict()
    problems = []
    if old["verdict"] != new["verdict"]:
        problems.append(f"verdict {old['verdict']} -> {new['verdict']}")
    for part in ("sections", "summary"):
        x, y = numbers(old[part], part), numbers(new[part], part)
        for key in sorted(set(x) | set(y)):
            if key not in x:
                continue  # a number the new audit adds (a new metric) changes none of the old ones
            u, v = x.get(key, "missing"), y.get(key, "missing")
            same = u == v or (isinstance(u, float) and isinstance(v, float) and math.isclose(u, v, rel_tol=tol, abs_tol=tol))
            if not same:
                problems.append(f"{key}: {u} -> {v}")
    fo = {(f["check"], tuple(f["groups"])): f for f in old["findings"]}
    fn = {(f["check"], tuple(f["groups"])): f for f in new["findings"]}
    for key in sorted(set(fo) | set(fn)):
        f, g = fo.get(key), fn.get(key)
        if f is None or g is None:
            problems.append(f"finding {key}: {'added' if f is None else 'removed'}")
            continue
        for field in ("status", "value", "ci_low", "ci_high", "threshold"):
            if f[field] != g[field]:
                problems.append(f"finding {key} {field}: {f[field]} -> {g[field]}")
    return problems


def main(argv: list[str]) -> int:
    a, b = Path(argv[0]), Path(argv[1])
    pairs = [(p, b / p.name) for p in sorted(a.glob("*.json"))] if a.is_dir() else [(a, b)]
    bad = 0
    for x, y in pairs:
        problems = compare(x, y)
        print(f"{x.name}: {'identical numbers' if not problems else f'{len(problems)} differences'}")
        for p in problems[:50]:
            print("   ", p)
        bad += bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
