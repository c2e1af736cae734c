"""Permutation importance on raw columns, and the model's native importance.

Permutation importance shuffles one raw column at a time and scores the whole
model, so a one-hot encoded column is shuffled as one value, the way a person
thinks of it. The numbers are exactly those of scikit-learn's
:func:`~sklearn.inspection.permutation_importance` on the pipeline and the raw
columns with the same ``random_state`` (same shuffles, same scores; tested), but
computed without repeating work:

- the preprocessing is not re-run for every shuffle: the transformers are
  row-wise, so shuffling a raw column's rows equals shuffling the rows of the
  transformed columns that derive from it alone (read from the lineage). A raw
  column that shares transformed columns with others (a joint group such as a
  PCA), or a sparse design matrix, takes the plain route through the pipeline;
- the baseline score comes from the predictions the context already holds, and
  for tree models a shuffled row whose values did not change keeps the output
  the context holds for it (a tree model scores each row on its own);
- columns are scored in threads (``n_jobs``), each model call limited to one
  native thread: tree ensembles predict without the GIL, and threads need
  neither process start-up nor copies of the data.

Scoring by task (``scoring="auto"``):

- binary with scores: ROC AUC of the positive class. The score is the model's
  probability of ``pos_label`` (or its decision score, sign-flipped when
  ``pos_label`` is ``classes_[0]``) against "is the true label ``pos_label``" -
  not scikit-learn's ``"roc_auc"`` string, which always scores ``classes_[1]``;
- multiclass with probabilities: negative log loss (``neg_log_loss``);
- classification without scores: accuracy;
- regression: R².

A larger drop means the model relies more on the column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from auditor.bootstrap import canonical_order
from auditor.context import AuditContext
from auditor.explain._fold import Folding
from auditor.explain._parallel import resolve_n_jobs
from auditor.explain._routing import is_tree_model
from auditor.results import Estimate, FeatureImportance, NativeImportance, PermutationImportance

#: Below this many scored rows in all (rows x columns x repeats), permutation
#: importance runs serially: sharing out the work would cost more than it saves.
SERIAL_BELOW = 200_000

__all__ = ["Scorer", "choose_scorer", "permutation_importance_raw", "native_importance", "sklearn_permutations"]


@dataclass(frozen=True)
class Scorer:
    """A picklable scikit-learn scorer ``scorer(estimator, X, y, sample_weight=None)``.

    ``kind`` is one of ``"roc_auc"``, ``"neg_log_loss"``, ``"accuracy"``, ``"r2"``.
    ``y`` is what :func:`choose_scorer` says to pass: booleans "is positive" for
    ROC AUC, class codes for log loss, the labels for accuracy, values for R².
    """

    kind: str
    method: str | None = None
    pos_index: int | None = None
    n_classes: int | None = None

    def output(self, estimator: Any, X: Any) -> np.ndarray:
        if self.kind == "roc_auc":
            if self.method == "predict_proba":
                return np.asarray(estimator.predict_proba(X))[:, self.pos_index]
            d = np.asarray(estimator.decision_function(X), dtype=float)
            return d if self.pos_index == 1 else -d
        if self.kind == "neg_log_loss":
            return np.asarray(estimator.predict_proba(X), dtype=float)
        return np.asarray(estimator.predict(X))

    def score(self, output: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
        from sklearn import metrics

        if self.kind == "roc_auc":
            return float(metrics.roc_auc_score(y, output, sample_weight=sample_weight))
        if self.kind == "neg_log_loss":
            return -float(metrics.log_loss(y, output, labels=list(range(self.n_classes)), sample_weight=sample_weight))
        if self.kind == "accuracy":
            return float(metrics.accuracy_score(y, output, sample_weight=sample_weight))
        return float(metrics.r2_score(y, np.asarray(output, dtype=float), sample_weight=sample_weight))

    def __call__(self, estimator: Any, X: Any, y: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
        return self.score(self.output(estimator, X), y, sample_weight)


def choose_scorer(ctx: AuditContext, scoring: str = "auto") -> tuple[Scorer, np.ndarray, np.ndarray, str]:
    """The scorer for ``scoring``, the ``y`` to give it, the model's current
    output (for the baseline) and a reader's label of the score."""
    model = ctx.model
    kinds = {"roc_auc", "neg_log_loss", "accuracy", "r2"}
    if scoring != "auto" and scoring not in kinds:
        raise ValueError(f"Expected scoring to be 'auto' or one of {sorted(kinds)}. Got {scoring!r} instead.")
    p = ctx.predictions
    if ctx.task == "regression":
        if scoring not in ("auto", "r2"):
            raise ValueError(f"Expected scoring 'r2' for a regression model. Got {scoring!r} instead.")
        return Scorer("r2"), np.asarray(ctx.y_true, dtype=float), np.asarray(ctx.y_pred, dtype=float), "R²"
    known = ctx.y_true_code < len(ctx.classes)
    if ctx.task == "binary" and scoring in ("auto", "roc_auc") and ctx.y_score is not None:
        pos = str(ctx.pos_label.item() if hasattr(ctx.pos_label, "item") else ctx.pos_label)
        sc = Scorer("roc_auc", model.response_method, model.pos_index)
        return sc, ctx.y_true_pos, ctx.y_score, f"ROC AUC (positive class {pos!r})"
    if ctx.task == "multiclass" and scoring in ("auto", "neg_log_loss") and p.proba is not None and known.all():
        return Scorer("neg_log_loss", n_classes=len(ctx.classes)), ctx.y_true_code, p.proba, "negative log loss"
    if scoring not in ("auto", "accuracy"):
        raise ValueError(f"scoring={scoring!r} needs scores the model does not give. Use 'accuracy' or 'auto'.")
    return Scorer("accuracy"), ctx.y_true, ctx.y_pred, "accuracy"


def sklearn_permutations(random_state: int, n_rows: int, n_repeats: int) -> list[np.ndarray]:
    """The row orders scikit-learn's ``permutation_importance`` applies to every
    column for ``random_state``: it draws one seed, re-shuffles an index array in
    place each repeat and applies it to the already shuffled column, so repeat
    ``r`` sees the composition of the first ``r`` shuffles."""
    from sklearn.utils import check_random_state

    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max + 1)
    rs = check_random_state(seed)
    idx, current, out = np.arange(n_rows), np.arange(n_rows), []
    for _ in range(n_repeats):
        rs.shuffle(idx)
        current = current[idx]
        out.append(current.copy())
    return out


def _take(X: Any, rows: np.ndarray) -> Any:
    return X.iloc[rows] if hasattr(X, "iloc") else X[rows]


def _shuffled(X: Any, cols: np.ndarray, order: np.ndarray) -> Any:
    """A copy of ``X`` with the rows of columns ``cols`` in ``order``."""
    Z = X.copy()
    if hasattr(Z, "iloc"):
        for c in cols:
            Z.isetitem(int(c), X.iloc[order, int(c)].to_numpy())
    else:
        Z[:, cols] = X[order][:, cols] if len(cols) > 8 else X[np.ix_(order, cols)]
    return Z


def _changed_rows(X: Any, cols: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Positions of the rows whose values in ``cols`` differ after the shuffle."""
    import pandas as pd

    block = X.iloc[:, cols].to_numpy() if hasattr(X, "iloc") else X[:, cols]
    moved = block[order]
    na_moved, na_block = np.asarray(pd.isna(moved)), np.asarray(pd.isna(block))
    if block.dtype == object:  # pd.NA == x is NA, which numpy cannot turn into a bool
        moved, block = np.where(na_moved, None, moved), np.where(na_block, None, block)
    same = (moved == block) | (na_moved & na_block)  # a missing value that stays missing is unchanged
    return np.flatnonzero(~same.all(axis=1))


def _column_scores(task: tuple[Any, Any, np.ndarray, np.ndarray | None], scorer: Scorer, y, w, orders) -> list[float]:
    estimator, X, cols, current = task
    if current is None:
        return [scorer(estimator, _shuffled(X, cols, order), y, w) for order in orders]
    scores = []
    for order in orders:
        # A row whose shuffled values equal its own is the row the model already
        # scored; only the others are predicted again.
        changed = _changed_rows(X, cols, order)
        output = current.copy()
        if len(changed):
            Z = _take(X, changed)
            if hasattr(Z, "iloc"):
                Z = Z.copy()
                for c in cols:
                    Z.isetitem(int(c), X.iloc[order[changed], int(c)].to_numpy())
            else:
                Z[:, cols] = X[np.ix_(order[changed], cols)]
            output[changed] = scorer.output(estimator, Z)
        scores.append(scorer.score(output, y, w))
    return scores


def permutation_importance_raw(
    ctx: AuditContext, *, n_repeats: int, scoring: str, max_rows: int | None, confidence_level: float
) -> PermutationImportance:
    """Permutation importance of every raw model input (see the module docstring).

    The interval of each mean is ``mean ± t * sd / sqrt(n_repeats)`` with
    Student's t at ``n_repeats - 1`` degrees of freedom and the repeats' sample
    standard deviation: it covers the randomness of the shuffles, not the
    sampling of the audited rows.
    """
    import scipy.sparse as sp
    from joblib import Parallel, delayed
    from threadpoolctl import threadpool_limits

    scorer, y, current, label = choose_scorer(ctx, scoring)
    model = ctx.model
    rows = np.arange(ctx.n_rows)
    if max_rows is not None and max_rows < ctx.n_rows:
        # drawn over the rows in an order defined by their content, so the same
        # rows in another order give the same sample
        content = canonical_order(pd.util.hash_pandas_object(ctx.X[list(model.feature_names)], index=False).to_numpy(),
                                  np.asarray(ctx.predictions.y_pred, dtype=object).astype(str))
        pick = ctx.rng("importance.rows").choice(ctx.n_rows, size=max_rows, replace=False)
        # kept in content order: the shuffles then move the same rows whatever the caller's order
        rows = content[np.sort(pick)]
    y, current = y[rows], current[rows]
    w = None if ctx.sample_weight is None else ctx.sample_weight[rows]
    baseline = scorer.score(current, y, w)
    X_raw = _take(ctx.X_model, rows)
    Xt = ctx.transformed
    lineage = model.lineage(Xt.shape[1])
    fast = not sp.issparse(Xt)
    if fast:
        Xt = _take(Xt, rows)
    # Tree models score each row on its own (no batch-dependent arithmetic), so an
    # unchanged row keeps its output bit for bit: on Adult 44% of the shuffled rows
    # keep their values (capital_gain is mostly 0) and are not predicted again.
    reuse = fast and is_tree_model(model.final_estimator)
    tasks = []
    for j, name in enumerate(model.feature_names):
        cols = np.array([k for k, parents in enumerate(lineage) if name in parents], dtype=np.int64)
        if fast and all(lineage[k] == (name,) for k in cols):
            tasks.append((model.final_estimator, Xt, cols, current if reuse else None))
        else:
            tasks.append((model.estimator, X_raw, np.array([j]), None))
    orders = sklearn_permutations(ctx.seed("importance.permutation"), len(rows), n_repeats)
    n_jobs = resolve_n_jobs(ctx.n_jobs)
    if len(rows) * len(tasks) * n_repeats < SERIAL_BELOW:
        n_jobs = 1  # too little work to share out
    tick = ctx.ticker("permutation importance, columns", len(tasks))

    def column(t):
        s = _column_scores(t, scorer, y, w, orders)
        tick(1)
        return s

    if n_jobs > 1:
        # one native thread per model call: the columns are the parallel unit
        with threadpool_limits(1):
            scores = Parallel(n_jobs=n_jobs, backend="threading")(delayed(column)(t) for t in tasks)
    else:
        scores = [column(t) for t in tasks]
    imp = baseline - np.asarray(scores, dtype=float)
    mean = imp.mean(axis=1)
    sd = imp.std(axis=1, ddof=1) if n_repeats > 1 else np.full(len(mean), np.nan)
    t = stats.t.ppf(0.5 + confidence_level / 2, n_repeats - 1) if n_repeats > 1 else np.nan
    half = t * sd / np.sqrt(n_repeats)
    features = [
        FeatureImportance(
            feature=name,
            estimate=Estimate.of(mean[j], (mean[j] - half[j], mean[j] + half[j]) if n_repeats > 1 else None),
            std=float(imp[j].std()) if np.isfinite(imp[j]).all() else None,
        )
        for j, name in enumerate(model.feature_names)
    ]
    features.sort(key=lambda f: (-(f.estimate.value if f.estimate.value is not None else -np.inf), f.feature))
    return PermutationImportance(
        scoring=scorer.kind,
        scoring_label=label,
        baseline_score=Estimate.of(baseline).value,
        n_repeats=n_repeats,
        features=tuple(features),
        n_rows=len(rows),
        interval_method=(
            f"mean ± t × sd / √{n_repeats} over the repeats (Student's t, {n_repeats - 1} degrees of freedom); "
            "it reflects the randomness of the shuffles, not the sampling of the rows"
            if n_repeats > 1 else "no interval with a single repeat"
        ),
    )


def native_importance(ctx: AuditContext, folding: Folding) -> tuple[NativeImportance | None, str | None]:
    """The model's own importance summed over each raw column's transformed columns.

    - ``feature_importances_`` (tree ensembles): impurity decrease or split
      counts are additive over the splits on each column, so a raw column's
      importance is the sum over its one-hot children.
    - ``coef_`` (linear models): the magnitude of the effect of a typical change,
      ``|coef_j| * sd(x_j)`` on the transformed matrix (weighted by
      ``sample_weight``; averaged over classes for multiclass), summed over each
      raw column's children.
    """
    est = ctx.model.final_estimator
    name = type(est).__name__
    fi = getattr(est, "feature_importances_", None) if _safe_has(est, "feature_importances_") else None
    if fi is not None:
        fi = np.asarray(fi, dtype=float).ravel()
        per_col = fi
        kind = getattr(est, "importance_type", None)
        desc = f"{name}.feature_importances_" + (f" ({kind})" if isinstance(kind, str) else "") + (
            ", summed over each raw column's transformed columns" if ctx.model.is_pipeline else "")
        source = "feature_importances_"
    elif _safe_has(est, "coef_"):
        coef = np.atleast_2d(np.asarray(est.coef_, dtype=float))
        sd = _column_sd(ctx.transformed, ctx.weights)
        if coef.shape[1] != len(sd):
            return None, f"{name}.coef_ does not match the {len(sd)} columns the model sees"
        per_col = (np.abs(coef) * sd).mean(axis=0)
        desc = (f"|{name}.coef_| × standard deviation of each column the model sees"
                + (", averaged over classes" if coef.shape[0] > 1 else "")
                + (", summed over each raw column's transformed columns" if ctx.model.is_pipeline else ""))
        source = "coef_"
    else:
        return None, f"{name} has neither feature_importances_ nor coef_"
    if len(per_col) != len(folding.column_group):
        return None, f"{name}'s {source} has {len(per_col)} entries for {len(folding.column_group)} columns"
    totals = np.zeros(folding.n_groups)
    np.add.at(totals, folding.column_group, per_col)
    features = sorted(
        (FeatureImportance(folding.names[g], Estimate.of(totals[g])) for g in range(folding.n_groups)),
        key=lambda f: (-(f.estimate.value or 0.0), f.feature),
    )
    return NativeImportance(source=source, description=desc, features=tuple(features)), None


def _safe_has(est: Any, attr: str) -> bool:
    try:
        return getattr(est, attr, None) is not None
    except Exception:  # noqa: BLE001 - some estimators raise on unsupported attributes
        return False


def _column_sd(X: Any, w: np.ndarray) -> np.ndarray:
    import scipy.sparse as sp

    total = w.sum()
    if sp.issparse(X):
        X = X.tocsc()
        mean = np.asarray(X.T @ w).ravel() / total
        sq = np.asarray(X.multiply(X).T @ w).ravel() / total
        return np.sqrt(np.maximum(sq - mean**2, 0.0))
    A = np.asarray(X, dtype=float)
    mean = w @ A / total
    return np.sqrt(np.maximum(w @ (A - mean) ** 2 / total, 0.0))
