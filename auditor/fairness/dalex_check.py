"""dalex's ``fairness_check``: five rate ratios against the privileged group.

dalex (``Explainer.model_fairness(...).fairness_check(epsilon)``) divides each
group's TPR, accuracy, precision, FPR and selection rate by the privileged
group's and calls a metric "exceeded" when some group's ratio leaves
``(epsilon, 1/epsilon)``; two or more exceeded metrics mean "not fair", one
"cannot be called fair". This module gives the same numbers from the exact
rates, with three deliberate differences from dalex:

* dalex rounds every rate to 3 decimals before dividing; the ratios here are
  exact (they agree with dalex's to its rounding);
* dalex turns a ratio of 0 into NaN, so a group with a rate of 0 never counts;
  here a ratio of 0 is a ratio of 0 and lies outside the range;
* a ratio to a privileged rate of 0 is undefined in both, here with a reason.

Points only: for intervals, run each rate through
:func:`auditor.fairness.reference.compare_to_reference` and
:func:`auditor.fairness.checks.ratio_check` with the same ``epsilon``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from auditor.fairness.counts import confusion_cells, rates_from_cells

__all__ = ["DALEX_METRICS", "DalexRatios", "DalexCheck", "dalex_fairness_check"]

#: dalex's names of the five rates, with the audit's keys.
DALEX_METRICS = {
    "TPR": "true_positive_rate",
    "ACC": "accuracy",
    "PPV": "precision",
    "FPR": "false_positive_rate",
    "STP": "selection_rate",
}


@dataclass(frozen=True)
class DalexRatios:
    """One metric's ratios, group / privileged group, per group.

    ``ratios[g]`` is ``None`` for the privileged group and where undefined
    (``reasons[g]`` says why); ``outside`` lists groups outside
    ``(epsilon, 1/epsilon)``.
    """

    metric: str
    rate: str
    values: tuple[float | None, ...]
    ratios: tuple[float | None, ...]
    reasons: tuple[str | None, ...]
    outside: tuple[int, ...]


@dataclass(frozen=True)
class DalexCheck:
    """dalex's verdict: how many of the five metrics some group exceeds."""

    privileged: int
    epsilon: float
    metrics: tuple[DalexRatios, ...]
    exceeded: tuple[str, ...]
    conclusion: Literal["fair", "cannot_be_called_fair", "not_fair"]

    @property
    def n_exceeded(self) -> int:
        return len(self.exceeded)


def dalex_fairness_check(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    sensitive_features: np.ndarray,
    *,
    privileged: int,
    epsilon: float = 0.8,
    sample_weight: np.ndarray | None = None,
) -> DalexCheck:
    """The five ratios of dalex's ``fairness_check`` and its count of exceeded metrics.

    Parameters
    ----------
    y_true, y_pred : array of shape (n_rows,)
        Booleans: truly positive, predicted positive (dalex: score >= cutoff).
    sensitive_features : array of int of shape (n_rows,)
        Group codes ``0 .. G - 1``.
    privileged : int
        Code of the privileged (reference) group.
    epsilon : float, default=0.8
    sample_weight : array of shape (n_rows,), optional
        Weighted rates (dalex has none; leave ``None`` to match it).

    Returns
    -------
    DalexCheck
    """
    if not 0 < epsilon <= 1:
        raise ValueError(f"Expected epsilon in (0, 1]. Got {epsilon} instead.")
    codes = np.asarray(sensitive_features, dtype=np.int64)
    G = int(codes.max()) + 1 if len(codes) else 0
    if not 0 <= privileged < G:
        raise ValueError(f"Expected privileged in 0..{G - 1}. Got {privileged} instead.")
    rates = rates_from_cells(confusion_cells(y_true, y_pred, codes, G, sample_weight=sample_weight))
    out, exceeded = [], []
    for name, key in DALEX_METRICS.items():
        r = rates[key]
        ref = r[privileged]
        ratios, reasons, outside = [], [], []
        for g in range(G):
            if g == privileged:
                ratios.append(None)
                reasons.append("the privileged group itself")
            elif not np.isfinite(r[g]):
                ratios.append(None)
                reasons.append(f"{key} is undefined in this group")
            elif not np.isfinite(ref) or ref == 0:
                ratios.append(None)
                reasons.append(f"the privileged group's {key} is {'undefined' if not np.isfinite(ref) else 0}")
            else:
                q = float(r[g] / ref)
                ratios.append(q)
                reasons.append(None)
                if q < epsilon or q > 1.0 / epsilon:
                    outside.append(g)
        if outside:
            exceeded.append(name)
        out.append(DalexRatios(name, key, tuple(None if not np.isfinite(v) else float(v) for v in r), tuple(ratios),
                               tuple(reasons), tuple(outside)))
    conclusion = "not_fair" if len(exceeded) >= 2 else "cannot_be_called_fair" if exceeded else "fair"
    return DalexCheck(privileged=privileged, epsilon=float(epsilon), metrics=tuple(out), exceeded=tuple(exceeded),
                      conclusion=conclusion)
