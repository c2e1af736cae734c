"""Multivariate drift: can a classifier tell the current rows from the reference?

Per-feature tests miss changes in how features go together (the same ages and the
same incomes, paired differently). A *domain classifier* learns to predict
whether a row comes from the current data; its cross-validated ROC AUC is 0.5
when the two are indistinguishable and approaches 1 as they separate.

Setup (all seeded by ``random_state``):

- rows: at most ``max_rows_per_side`` from each side, drawn without replacement;
  the draw is made over rows ordered by a hash of their content, so the same rows
  in any order give the same sample and the same numbers;
- encoding: numeric columns as floats (missing left missing: the model handles
  it); categorical columns as codes over the shared sorted labels, missing its
  own code, passed as native categories; a column with more than
  :data:`MAX_NATIVE_CATEGORIES` categories is passed as its ordinal code;
- model: ``HistGradientBoostingClassifier(max_iter=100, early_stopping=False)``
  (no random validation split), stratified ``n_splits``-fold with shuffling;
- AUC of the pooled out-of-fold scores with DeLong's interval (the folds' models
  differ slightly, which the interval ignores);
- exact copies of one row on both sides pull the AUC *below* 0.5: a held-out
  copy is scored towards the other side by a model that saw its twin labelled
  with that side. UCI Adult's test split repeats a training row in 18% of its
  rows and gets 0.491 (0.483 to 0.499) against its training split. Read an
  AUC at or below 0.5 as "indistinguishable"; ``p_value`` is one-sided for
  that reason;
- importance: permutation importance on (a seeded subset of at most
  ``max_importance_rows`` rows of) each held-out fold: the AUC drop when a
  column is shuffled, ``n_repeats`` shuffles, averaged over folds. Correlated
  features share their importance: shuffling one leaves the other to tell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from auditor.drift.auc import auc_score, delong_auc
from auditor.drift.checks import as_rng, check_frame, check_same_columns
from auditor.drift.columns import CATEGORICAL, column_kinds, encode_categorical, numeric_values
from auditor.results import Estimate
from auditor.results.drift import DomainClassifierResult, DomainImportance

__all__ = ["MAX_ROWS_PER_SIDE", "MAX_IMPORTANCE_ROWS", "MAX_NATIVE_CATEGORIES", "DomainImportance", "DomainClassifierResult",
           "domain_classifier", "content_order", "RowSource"]

#: Rows drawn from each side: 10,000 a side fix the AUC to about +-0.01 and fit
#: in a few seconds on two cores.
MAX_ROWS_PER_SIDE = 10_000
#: Held-out rows per fold used for permutation importance.
MAX_IMPORTANCE_ROWS = 1000
#: HistGradientBoosting's native categories need codes below its 255 bins.
MAX_NATIVE_CATEGORIES = 254




def content_order(X: pd.DataFrame) -> np.ndarray:
    """Row positions ordered by a hash of each row's values (not by its index):
    a draw over this order depends on the rows' content only."""
    h = pd.util.hash_pandas_object(X, index=False).to_numpy()
    return np.argsort(h, kind="stable")


@dataclass(frozen=True)
class RowSource:
    """Rows the classifier may draw from without holding them all: their number,
    each row's content hash (``pandas.util.hash_pandas_object``, index ignored, over
    the compared columns) and a way to fetch rows by position. The Dask engine
    passes one for the audited rows, which stay on the cluster."""

    n_rows: int
    hashes: Callable[[], np.ndarray]
    take: Callable[[np.ndarray], pd.DataFrame]


def _sample(X: pd.DataFrame | RowSource, cap: int, rng: np.random.Generator) -> pd.DataFrame:
    if isinstance(X, RowSource):
        order, n = np.argsort(X.hashes(), kind="stable"), X.n_rows
    else:
        order, n = content_order(X), len(X)
    if n > cap:
        order = order[np.sort(rng.choice(n, size=cap, replace=False))]
    return X.take(order) if isinstance(X, RowSource) else X.iloc[order]


def _encode(ref: pd.DataFrame, cur: pd.DataFrame, kinds: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    cols, native = [], []
    for c, kind in kinds.items():
        if kind == CATEGORICAL:
            codes = encode_categorical(ref[c], cur[c])
            cols.append(np.concatenate([codes.reference, codes.current]).astype(float))
            native.append(codes.n_categories <= MAX_NATIVE_CATEGORIES)
        else:
            cols.append(np.concatenate([numeric_values(ref[c]), numeric_values(cur[c])]))
            native.append(False)
    return np.column_stack(cols), np.array(native, dtype=bool)


def domain_classifier(
    X: pd.DataFrame,
    X_reference: pd.DataFrame,
    *,
    random_state=0,
    features: Iterable[str] | None = None,
    categorical_features: Iterable[str] | None = None,
    max_rows_per_side: int = MAX_ROWS_PER_SIDE,
    n_splits: int = 5,
    n_repeats: int = 2,
    confidence_level: float = 0.95,
    max_iter: int = 100,
    max_importance_rows: int = MAX_IMPORTANCE_ROWS,
    n_threads: int | None = 1,
    kinds: dict[str, str] | None = None,
) -> DomainClassifierResult:
    """Train a classifier to tell ``X`` from ``X_reference`` and report its ROC AUC.

    Parameters
    ----------
    X : pandas.DataFrame or RowSource
        Current data (a :class:`RowSource` of its ``features`` columns needs ``kinds``).
    X_reference : pandas.DataFrame
        Reference data, with the same columns.
    random_state : int or numpy.random.Generator, default 0
        Seeds the row draw, the folds, the model and the shuffles.
    features : iterable of str, optional
        Columns to use; all by default.
    categorical_features : iterable of str, optional
        Numeric columns to encode as categories.
    max_rows_per_side : int, default 10,000
    n_splits : int, default 5
    n_repeats : int, default 2
        Shuffles per feature and fold for permutation importance; 0 skips it.
    confidence_level : float, default 0.95
    max_iter : int, default 100
        Boosting iterations.
    max_importance_rows : int, default 1,000
        Held-out rows per fold on which features are shuffled.
    n_threads : int or None, default 1
        OpenMP threads for the boosting; ``None`` leaves the library's default
        (every core). One thread is the default because on a machine shared with
        other work OpenMP's waiting threads were measured to turn a 1.5 s run
        into 25 s; on an idle two-core machine two threads save about a third.
        Results do not depend on it.
    kinds : dict of str to str, optional
        Each feature's kind as :func:`~auditor.drift.columns.column_kinds` gives it
        (computed from the frames when not given).

    Returns
    -------
    DomainClassifierResult
    """
    from threadpoolctl import threadpool_limits

    source = isinstance(X, RowSource)
    if source and (features is None or kinds is None):
        raise ValueError("Expected features and kinds with a RowSource of the current rows.")
    if not source:
        check_frame(X, "X")
    check_frame(X_reference, "X_reference")
    if not source:
        check_same_columns(X, X_reference)
    if max_rows_per_side < n_splits:
        raise ValueError(f"Expected max_rows_per_side of at least n_splits ({n_splits}). Got {max_rows_per_side} instead.")
    rng = as_rng(random_state)
    cols = list(X.columns) if features is None else list(features)
    if kinds is None:
        kinds = column_kinds(X[cols], X_reference[cols], categorical_features=categorical_features)
    else:
        kinds = {c: kinds[c] for c in cols}
    n_ref_total, n_cur_total = len(X_reference), X.n_rows if source else len(X)
    if min(n_ref_total, n_cur_total) < n_splits:
        return DomainClassifierResult(
            auc=Estimate.undefined(f"a side has fewer rows than the {n_splits} folds"), p_value=None,
            n_reference=n_ref_total, n_current=n_cur_total, n_reference_total=n_ref_total,
            n_current_total=n_cur_total, n_splits=n_splits, confidence_level=confidence_level,
            importances=(), method="",
        )
    with threadpool_limits(limits=n_threads, user_api="openmp"):
        return _fit(X, X_reference, cols, kinds, rng, max_rows_per_side=max_rows_per_side, n_splits=n_splits,
                    n_repeats=n_repeats, confidence_level=confidence_level, max_iter=max_iter,
                    max_importance_rows=max_importance_rows)


def _fit(X, X_reference, cols, kinds, rng, *, max_rows_per_side, n_splits, n_repeats, confidence_level, max_iter,
         max_importance_rows):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold

    n_ref_total = len(X_reference)
    n_cur_total = X.n_rows if isinstance(X, RowSource) else len(X)
    ref = _sample(X_reference[cols], max_rows_per_side, rng)
    cur = _sample(X if isinstance(X, RowSource) else X[cols], max_rows_per_side, rng)
    matrix, native = _encode(ref, cur, kinds)
    y = np.concatenate([np.zeros(len(ref), dtype=int), np.ones(len(cur), dtype=int)])
    seed = int(rng.integers(2**31 - 1))
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    oof = np.empty(len(y))
    drops = np.zeros((len(cols), n_splits, max(n_repeats, 1)))
    for k, (train, test) in enumerate(folds.split(matrix, y)):
        model = HistGradientBoostingClassifier(
            max_iter=max_iter, early_stopping=False, random_state=seed + k,
            categorical_features=native if native.any() else None,
        )
        model.fit(matrix[train], y[train])
        Xt = matrix[test]
        oof[test] = model.predict_proba(Xt)[:, 1]
        if n_repeats == 0:
            continue
        # importance is a ranking, not a headline number: a seeded subset of the
        # held-out fold ranks features as well at a fraction of the predictions
        if len(test) > max_importance_rows:
            keep = np.sort(rng.choice(len(test), size=max_importance_rows, replace=False))
            Xt, yt, base_scores = Xt[keep], y[test][keep], oof[test][keep]
        else:
            yt, base_scores = y[test], oof[test]
        base = auc_score(yt, base_scores)
        # every shuffled copy in one predict call: the per-call overhead, not the
        # trees, dominates on a few thousand rows
        blocks = []
        for j in range(len(cols)):
            for _ in range(n_repeats):
                block = Xt.copy()
                block[:, j] = Xt[rng.permutation(len(Xt)), j]
                blocks.append(block)
        shuffled = model.predict_proba(np.concatenate(blocks))[:, 1].reshape(len(cols), n_repeats, len(Xt))
        for j in range(len(cols)):
            for r in range(n_repeats):
                drops[j, k, r] = base - auc_score(yt, shuffled[j, r])
    d = delong_auc(y, oof, confidence_level=confidence_level)
    auc = Estimate.of(d.auc, (d.ci_low, d.ci_high), reason=d.reason)
    importances = ()
    if n_repeats:
        mean = drops.mean(axis=(1, 2))
        std = drops.reshape(len(cols), -1).std(axis=1)
        importances = tuple(sorted((DomainImportance(c, float(m), float(s)) for c, m, s in zip(cols, mean, std)),
                                   key=lambda i: (-i.importance, i.feature)))
    method = (f"HistGradientBoostingClassifier(max_iter={max_iter}) on {len(ref)} reference and {len(cur)} current "
              f"rows, stratified {n_splits}-fold out-of-fold ROC AUC, DeLong {confidence_level:.0%} interval")
    return DomainClassifierResult(
        auc=auc, p_value=d.p_value, n_reference=len(ref), n_current=len(cur), n_reference_total=n_ref_total,
        n_current_total=n_cur_total, n_splits=n_splits, confidence_level=confidence_level,
        importances=importances, method=method,
    )
