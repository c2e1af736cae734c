"""Which rows to explain one by one: the ones a reviewer should look at first.

Automatic rows are the model's most confident mistakes, overall and within each
sensitive group (smallest groups first, since a fixed budget of rows would
otherwise go to the majority), deduplicated, at most ``max_rows``:

- binary: the false positive with the highest score of the positive class, and
  the false negative with the lowest;
- multiclass: the misclassified row with the highest top-class score;
- regression: the largest over-prediction and the largest under-prediction.

Ties go to the earliest row, so the choice is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from auditor.context import AuditContext

__all__ = ["SelectedRow", "automatic_rows", "named_rows", "row_label", "UNKNOWN_ROW"]

UNKNOWN_ROW = "Row label {label!r} is not in the index of X. Expected labels such as {examples}."


@dataclass(frozen=True)
class SelectedRow:
    position: int
    reason: str


def row_label(ctx: AuditContext, position: int) -> str:
    """The caller's label of the row at ``position`` (its index in X)."""
    v = ctx.data.index[position]
    return str(v.item() if hasattr(v, "item") else v)


def named_rows(ctx: AuditContext, labels: Iterable[Any]) -> list[SelectedRow]:
    """Positions of rows named by their label in X's index.

    Raises
    ------
    KeyError
        Naming the first label that is not in the index.
    """
    index = ctx.data.index
    out = []
    for label in labels:
        try:
            loc = index.get_loc(label)
        except (KeyError, TypeError):
            examples = [v.item() if hasattr(v, "item") else v for v in index[:3]]
            raise KeyError(UNKNOWN_ROW.format(label=label, examples=examples)) from None
        if isinstance(loc, slice):
            loc = loc.start
        elif not isinstance(loc, (int, np.integer)):
            loc = int(np.flatnonzero(loc)[0])
        out.append(SelectedRow(int(loc), "named by the user"))
    return _dedupe(out)


def automatic_rows(ctx: AuditContext, max_rows: int) -> list[SelectedRow]:
    """The most confident mistakes, overall and per sensitive group (see module)."""
    if max_rows <= 0:
        return []
    scopes: list[tuple[str, np.ndarray]] = [("", np.ones(ctx.n_rows, dtype=bool))]
    groups = []
    for col in ctx.sensitive_features.columns:
        values = ctx.sensitive_features[col].astype(str).to_numpy()
        for g in sorted(set(values)):
            mask = values == g
            groups.append((int(mask.sum()), f" among {col} = {g}", mask))
    scopes += [(label, mask) for _, label, mask in sorted(groups, key=lambda t: t[0])]
    picks = []
    for suffix, mask in scopes:
        for kind, chooser in _choosers(ctx):
            pos = chooser(mask)
            if pos is not None:
                picks.append(SelectedRow(pos, kind + suffix))
    return _dedupe(picks)[:max_rows]


def _dedupe(rows: list[SelectedRow]) -> list[SelectedRow]:
    seen, out = set(), []
    for r in rows:
        if r.position not in seen:
            seen.add(r.position)
            out.append(r)
    return out


def _first_best(score: np.ndarray, mask: np.ndarray, highest: bool) -> int | None:
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return None
    s = score[idx]
    # argmax/argmin return the first of ties, i.e. the earliest row
    return int(idx[np.argmax(s) if highest else np.argmin(s)])


def _choosers(ctx: AuditContext):
    if ctx.task == "binary":
        t, p = ctx.y_true_pos, ctx.y_pred_pos
        score = ctx.y_score
        s = np.zeros(ctx.n_rows) if score is None else np.asarray(score, dtype=float)
        return [
            ("most confident false positive", lambda m: _first_best(s, m & p & ~t, True)),
            ("most confident false negative", lambda m: _first_best(s, m & ~p & t, False)),
        ]
    if ctx.task == "multiclass":
        wrong = ctx.y_true_code != ctx.y_pred_code
        score = ctx.y_score
        conf = np.zeros(ctx.n_rows) if score is None else np.asarray(score, dtype=float).max(axis=1)
        return [("most confident misclassification", lambda m: _first_best(conf, m & wrong, True))]
    resid = np.asarray(ctx.y_pred, dtype=float) - np.asarray(ctx.y_true, dtype=float)
    return [
        ("largest over-prediction", lambda m: _first_best(resid, m & (resid > 0), True)),
        ("largest under-prediction", lambda m: _first_best(resid, m & (resid < 0), False)),
    ]
