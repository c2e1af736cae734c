"""What the model's errors cost: a cost per (true label, predicted label) cell,
the expected cost per 1,000 decisions, and the threshold that would minimise it.

Costs are what the user states, in any unit (money, hours, harm points); nothing
here invents one. A benefit is a negative cost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["BINARY_COST_KEYS", "validate_costs", "cost_matrix", "threshold_costs", "current_threshold"]

#: Binary costs by name: (true is positive, predicted positive).
BINARY_COST_KEYS = {
    "false_positive": (False, True),
    "false_negative": (True, False),
    "true_positive": (True, True),
    "true_negative": (False, False),
}


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        raise ValueError(f"Expected costs{where} to be a finite number. Got {value!r} instead.")
    return float(value)


def validate_costs(costs: Any) -> dict[str, Any] | None:
    """Check the form of ``costs`` (labels are checked against the data later).

    Accepted forms: ``{"false_positive": 1, "false_negative": 5}`` (binary; the
    true-outcome costs default to 0), ``{true_label: {predicted_label: cost}}``
    (any classification task; missing cells cost 0), or, for multiclass,
    ``{true_label: cost}``: the cost of misclassifying a row of that class.
    """
    if costs is None:
        return None
    if not isinstance(costs, Mapping) or not costs:
        raise ValueError(
            "Expected costs to be a non-empty mapping, e.g. {'false_positive': 1, 'false_negative': 5}. "
            f"Got {costs!r} instead."
        )
    out: dict[str, Any] = {}
    for key, value in costs.items():
        key = str(key)
        if isinstance(value, Mapping):
            out[key] = {str(k): _number(v, f"[{key!r}][{k!r}]") for k, v in value.items()}
        else:
            out[key] = _number(value, f"[{key!r}]")
    named = set(out) & set(BINARY_COST_KEYS)
    if named and named != set(out):
        raise ValueError(
            f"Expected costs either by name ({sorted(BINARY_COST_KEYS)}) or by label, not both. Got {sorted(out)}."
        )
    return out


def cost_matrix(costs: dict[str, Any], labels: tuple[str, ...], task: str, pos_index: int | None) -> np.ndarray:
    """The ``(k, k)`` cost of each (true, predicted) cell, labels as in ``labels``."""
    k = len(labels)
    C = np.zeros((k, k))
    index = {lab: i for i, lab in enumerate(labels)}
    if set(costs) <= set(BINARY_COST_KEYS):
        if task != "binary":
            raise ValueError(
                f"Expected costs by label for a {task} task, e.g. {{'{labels[0]}': {{'{labels[-1]}': 1}}}}. "
                f"Got the binary names {sorted(costs)}."
            )
        neg = 1 - pos_index
        for key, value in costs.items():
            true_pos, pred_pos = BINARY_COST_KEYS[key]
            C[pos_index if true_pos else neg, pos_index if pred_pos else neg] = value
        return C
    for true, row in costs.items():
        if true not in index:
            raise ValueError(f"Expected the costs' labels to be classes of y {list(labels)}. Got {true!r}.")
        if isinstance(row, dict):
            for pred, value in row.items():
                if pred not in index:
                    raise ValueError(f"Expected the costs' labels to be classes of y {list(labels)}. Got {pred!r}.")
                C[index[true], index[pred]] = value
        else:
            # the cost of any mistake on a row of this class
            C[index[true], :] = row
            C[index[true], index[true]] = 0.0
    return C


def threshold_costs(score: np.ndarray, y_true_pos: np.ndarray, w: np.ndarray, C: np.ndarray, pos_index: int):
    """Cost per 1,000 decisions of the rule "positive when score >= t" at every
    threshold that changes a decision.

    Returns ``(thresholds, cost)``: thresholds in decreasing order, starting at
    ``+inf`` (nothing positive) and ending at the lowest score (everything
    positive), each followed by the cost of that rule, in one pass over the rows
    sorted by score.
    """
    neg = 1 - pos_index
    c_tp, c_fn = C[pos_index, pos_index], C[pos_index, neg]
    c_fp, c_tn = C[neg, pos_index], C[neg, neg]
    order = np.argsort(-score, kind="stable")
    s, t, ww = score[order], y_true_pos[order], w[order]
    # cumulative weights of positives and negatives predicted positive as the
    # threshold falls through each distinct score
    last = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1] if len(s) else np.array([], dtype=int)
    pos_cum = np.cumsum(ww * t)[last]
    neg_cum = np.cumsum(ww * ~t)[last]
    P, N = float((ww * t).sum()), float((ww * ~t).sum())
    tp = np.r_[0.0, pos_cum]
    fp = np.r_[0.0, neg_cum]
    cost = tp * c_tp + (P - tp) * c_fn + fp * c_fp + (N - fp) * c_tn
    thresholds = np.r_[np.inf, s[last]]
    return thresholds, 1000.0 * cost / (P + N)


def current_threshold(score: np.ndarray, y_pred_pos: np.ndarray) -> float | None:
    """The threshold the model's own predictions amount to, when they are
    "positive when score >= t" for some t; ``None`` otherwise."""
    if y_pred_pos.all() or not y_pred_pos.any():
        return None
    lowest_positive = float(score[y_pred_pos].min())
    highest_negative = float(score[~y_pred_pos].max())
    return lowest_positive if lowest_positive > highest_negative else None
