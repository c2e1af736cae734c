"""Checks on the labels of sensitive features, before any group is built.

Groups are compared by their label's text (:func:`auditor.fairness.groups.apply_bins`),
so two things can go wrong silently:

- labels a person reads as one group are kept apart ("Male", "Male ", "male"),
  or labels that are different values are merged (the integer 1 and the text "1"
  both read "1"), or kept apart although equal as numbers (1 and 1.0);
- a column with hundreds of values gives hundreds of tiny groups, every check
  INCONCLUSIVE and a report of megabytes, without saying why.

The first is a recorded warning naming the labels and what the audit does with
them; the second an error that says how to group the values.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pandas as pd

from auditor.errors import AuditInputError

__all__ = ["DEFAULT_MAX_GROUPS", "check_group_labels", "lookalike_labels"]

#: Distinct values a sensitive feature may have without bins (``FairnessSection(max_groups=...)``).
DEFAULT_MAX_GROUPS = 50

#: Labels named in one warning.
_SHOWN = 6


def check_group_labels(sensitive: pd.DataFrame, sections: Iterable[Any] = ()) -> list[str]:
    """Warnings about look-alike labels; an error for a feature with too many values.

    Parameters
    ----------
    sensitive : pandas.DataFrame
        The validated sensitive features, one column each.
    sections : iterable of section objects
        The audit's sections. The fairness section, when present, sets the limit
        (its ``max_groups``) and the columns exempt from it (those it ``bins``);
        without it no groups are compared, so no limit applies.

    Returns
    -------
    list of str
        One warning per sensitive feature with look-alike labels.

    Raises
    ------
    AuditInputError
        If a non-numeric sensitive feature has more distinct values than the
        fairness section's ``max_groups``.
    """
    fairness = next((s for s in sections if getattr(s, "name", None) == "fairness"), None)
    out = []
    for col in sensitive.columns:
        s = sensitive[col]
        if _is_numeric(s):
            continue  # one dtype, one way to print; many values need bins (apply_bins says so)
        if fairness is not None and col not in getattr(fairness, "bins", {}):
            _check_count(col, s, int(getattr(fairness, "max_groups", DEFAULT_MAX_GROUPS)))
        out += lookalike_labels(col, s)
    return out


def lookalike_labels(column: str, values: pd.Series) -> list[str]:
    """Warnings for labels of ``values`` that a reader would take for one another.

    Two kinds: labels equal after trimming spaces and case-folding, and labels
    equal as numbers but different as values (``1``, ``"1"``, ``1.0``). Each
    warning names the labels with their row counts and says whether the audit
    merges them (same text) or keeps them apart.
    """
    counts = _counts(values)
    out = []
    by_text: dict[str, list[tuple[Any, int]]] = defaultdict(list)
    by_number: dict[float, list[tuple[Any, int]]] = defaultdict(list)
    for value, n in counts:
        if isinstance(value, str):
            by_text[_fold(value)].append((value, n))
        number = _number(value)
        if number is not None:
            by_number[number].append((value, n))
    alike_text = [group for group in by_text.values() if len({v for v, _ in group}) > 1]
    if alike_text:
        shown = "; ".join(", ".join(f"{v!r} ({n:,} rows)" for v, n in group) for group in alike_text[:_SHOWN])
        out.append(
            f"Sensitive feature {column!r} has labels that differ only in case or surrounding spaces: {shown}. "
            "They are compared as separate groups; if each set is one group, clean the column first "
            f"(e.g. X[{column!r}].str.strip().str.casefold())."
        )
    alike_number = [group for group in by_number.values() if len(group) > 1 and not _all_same_text(group)]
    if alike_number:
        parts = []
        for group in alike_number[:_SHOWN]:
            by_group: dict[str, list[str]] = defaultdict(list)
            for v, n in group:
                by_group[_text(v)].append(f"{v!r} ({type(v).__name__}, {n:,} rows)")
            parts.append("; ".join(
                f"{' and '.join(labels)} {'become one group' if len(labels) > 1 else 'becomes group'} {text!r}"
                for text, labels in by_group.items()
            ))
        out.append(
            f"Sensitive feature {column!r} has labels equal as numbers but different as values: {'; '.join(parts)}. "
            "Groups are compared by their text; convert the column to one type first "
            f"(e.g. X[{column!r}].astype(str) or pandas.to_numeric) so the groups are the ones you mean."
        )
    return out


# -- helpers --------------------------------------------------------------------------------
def _check_count(column: str, values: pd.Series, limit: int) -> None:
    n = values.nunique(dropna=False)
    if n <= limit:
        return
    numbers = pd.to_numeric(values.astype(object), errors="coerce").notna().all()
    hint = (
        f"its values are numbers stored as text: convert them (pandas.to_numeric) and pass "
        f"FairnessSection(bins={{{column!r}: [cut points]}})"
        if numbers
        else f"group them first (e.g. map the rarest values of X[{column!r}] to 'other', or to broader categories)"
    )
    raise AuditInputError(
        f"Expected at most {limit} groups in sensitive feature {column!r}. Got {n:,} distinct values instead: "
        "so many groups are each too small to judge (every fairness check would be INCONCLUSIVE) and the report "
        f"would list them all. {hint[0].upper() + hint[1:]}, or raise FairnessSection(max_groups=...)."
    )


def _counts(values: pd.Series) -> list[tuple[Any, int]]:
    """Distinct values with their row counts, telling 1, 1.0, True and "1" apart
    (pandas' own unique() takes 1 and 1.0 for one value)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    counts: dict[tuple[str, str], list] = {}
    for v in values.to_numpy(dtype=object):
        v = v.item() if hasattr(v, "item") else v
        key = (type(v).__name__, repr(v))
        if key in counts:
            counts[key][1] += 1
        else:
            counts[key] = [v, 1]
    return [(v, n) for v, n in counts.values()]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value == value else None
    if isinstance(value, str):
        try:
            x = float(value.strip())
        except ValueError:
            return None
        return x if x == x else None
    return None


def _text(value: Any) -> str:
    """The label a group gets (the rule of ``auditor.fairness.groups``)."""
    return str(value)


def _all_same_text(group: list[tuple[Any, int]]) -> bool:
    # "1" and "1 " are a case for the text check, not the number check
    return all(isinstance(v, str) for v, _ in group)


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
