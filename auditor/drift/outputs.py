"""Drift of what the model outputs (its scores) and of what it predicts (labels).

Prediction drift compares score distributions like a numeric feature (KS, PSI on
reference deciles, normalised Wasserstein); it needs no labels. Label drift (prior
shift) compares the labels like a categorical feature (chi-squared, PSI, JS) for a
classifier and like a numeric one for a regression target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.drift.checks import check_weights
from auditor.drift.columns import CATEGORICAL, NUMERIC
from auditor.drift.effects import N_BINS, PSI_EPSILON
from auditor.drift.features import FeatureDrift, adjust, compare_series

__all__ = ["prediction_drift", "label_drift", "MAX_LABEL_CLASSES"]

#: A numeric target with more distinct values than this is a regression target.
MAX_LABEL_CLASSES = 20


def _scores(values, name: str) -> np.ndarray:
    arr = np.asarray(values.to_numpy() if isinstance(values, (pd.Series, pd.DataFrame)) else values, dtype=float)
    if arr.ndim not in (1, 2) or arr.shape[0] == 0:
        raise ValueError(f"Expected {name} of shape (n_rows,) or (n_rows, n_classes). Got shape {arr.shape} instead.")
    return arr


def prediction_drift(
    y_score,
    y_score_reference,
    *,
    sample_weight=None,
    sample_weight_reference=None,
    class_names=None,
    ks_method: str = "auto",
    n_bins: int = N_BINS,
    psi_epsilon: float = PSI_EPSILON,
) -> tuple[FeatureDrift, ...]:
    """Drift of the model's scores from the reference rows to the current ones.

    Parameters
    ----------
    y_score, y_score_reference : array-like of shape (n,) or (n, n_classes)
        Scores (probabilities or decision values) on the current and reference
        rows. For a binary classifier pass the positive class's column.
    sample_weight, sample_weight_reference : array-like, optional
    class_names : sequence of str, optional
        Names of the score columns of a 2-D input (``score[<name>]``).
    ks_method, n_bins, psi_epsilon
        As in :func:`auditor.drift.features.feature_drift`.

    Returns
    -------
    tuple of FeatureDrift
        One entry (``feature="score"``) for 1-D scores, one per column otherwise,
        adjusted together with Benjamini-Hochberg.
    """
    cur, ref = _scores(y_score, "y_score"), _scores(y_score_reference, "y_score_reference")
    if cur.ndim != ref.ndim or (cur.ndim == 2 and cur.shape[1] != ref.shape[1]):
        raise ValueError(f"Expected y_score and y_score_reference with the same number of columns. "
                         f"Got shapes {cur.shape} and {ref.shape} instead.")
    w_cur = check_weights(sample_weight, len(cur), "sample_weight")
    w_ref = check_weights(sample_weight_reference, len(ref), "sample_weight_reference")
    if cur.ndim == 1:
        cur, ref, names = cur[:, None], ref[:, None], ["score"]
    else:
        labels = list(class_names) if class_names is not None else [str(k) for k in range(cur.shape[1])]
        if len(labels) != cur.shape[1]:
            raise ValueError(f"Expected {cur.shape[1]} class_names. Got {len(labels)} instead.")
        names = [f"score[{c}]" for c in labels]
    out = [
        compare_series(pd.Series(ref[:, j]), pd.Series(cur[:, j]), kind=NUMERIC, name=name, sample_weight=w_cur,
                       sample_weight_reference=w_ref, ks_method=ks_method, n_bins=n_bins, psi_epsilon=psi_epsilon)
        for j, name in enumerate(names)
    ]
    return adjust(out)


def label_drift(
    y_true,
    y_true_reference,
    *,
    sample_weight=None,
    sample_weight_reference=None,
    kind: str | None = None,
    ks_method: str = "auto",
    n_bins: int = N_BINS,
    psi_epsilon: float = PSI_EPSILON,
) -> FeatureDrift:
    """Drift of the labels (prior shift) from the reference to the current data.

    Parameters
    ----------
    y_true, y_true_reference : array-like of shape (n,)
    kind : {"categorical", "numeric"}, optional
        Inferred when omitted: numeric for a float or integer target with more
        than :data:`MAX_LABEL_CLASSES` distinct values, categorical otherwise.

    Returns
    -------
    FeatureDrift
        ``feature="label"``.
    """
    cur = pd.Series(np.asarray(y_true)).reset_index(drop=True)
    ref = pd.Series(np.asarray(y_true_reference)).reset_index(drop=True)
    if cur.ndim != 1 or len(cur) == 0 or len(ref) == 0:
        raise ValueError("Expected non-empty one-dimensional y_true and y_true_reference.")
    w_cur = check_weights(sample_weight, len(cur), "sample_weight")
    w_ref = check_weights(sample_weight_reference, len(ref), "sample_weight_reference")
    if kind is None:
        numeric = all(pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) for s in (cur, ref))
        kind = NUMERIC if numeric and pd.concat([cur, ref]).nunique() > MAX_LABEL_CLASSES else CATEGORICAL
    return compare_series(ref, cur, kind=kind, name="label", sample_weight=w_cur, sample_weight_reference=w_ref,
                          ks_method=ks_method, n_bins=n_bins, psi_epsilon=psi_epsilon)
