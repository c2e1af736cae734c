"""Permutation importance equals scikit-learn's, scored for the right positive class."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import t
from sklearn.inspection import permutation_importance
from sklearn.metrics import roc_auc_score

from auditor import Auditor
from auditor.explain._importance import Scorer, choose_scorer, permutation_importance_raw
from tests.explain.models import frame, hgb_pipeline


@pytest.mark.parametrize("pos", ["yes", "no"])
def test_scorer_scores_the_positive_class(pos):
    X, y = frame()
    model = hgb_pipeline()
    ctx = Auditor(model, X, y, pos_label=pos)._context(None)
    scorer, yy, current, label = choose_scorer(ctx)
    Xm = X.drop(columns=["group"])
    p = model.predict_proba(Xm)[:, list(model.classes_).index(pos)]
    assert scorer.kind == "roc_auc" and repr(pos) in label
    assert scorer(model, Xm, yy) == pytest.approx(roc_auc_score(y == pos, p), abs=1e-12)
    assert scorer.score(current, yy) == pytest.approx(roc_auc_score(y == pos, p), abs=1e-12)


def test_matches_sklearn_with_the_same_seed_and_weights():
    X, y = frame()
    model = hgb_pipeline()
    w = np.random.default_rng(1).uniform(0.5, 2, len(y))
    ctx = Auditor(model, X, y, pos_label="yes", sample_weight=w, n_jobs=1)._context(None)
    res = permutation_importance_raw(ctx, n_repeats=3, scoring="auto", max_rows=None, confidence_level=0.95)
    Xm = X.drop(columns=["group"])
    ref = permutation_importance(
        model, Xm, y == "yes", scoring=Scorer("roc_auc", "predict_proba", list(model.classes_).index("yes")),
        n_repeats=3, random_state=ctx.seed("importance.permutation"), sample_weight=w,
    )
    got = {f.feature: f for f in res.features}
    for j, col in enumerate(Xm.columns):
        assert got[col].estimate.value == pytest.approx(ref.importances_mean[j], abs=1e-12)
        assert got[col].std == pytest.approx(ref.importances_std[j], abs=1e-12)
        half = t.ppf(0.975, 2) * ref.importances[j].std(ddof=1) / np.sqrt(3)
        assert got[col].estimate.ci_low == pytest.approx(ref.importances_mean[j] - half, abs=1e-12)
    assert res.baseline_score == pytest.approx(
        roc_auc_score(y == "yes", model.predict_proba(Xm)[:, 1], sample_weight=w), abs=1e-12)
    assert [f.feature for f in res.features][:2] == ["num_0", "num_1"]


def _sklearn_reference(model, Xm, y_pos, pos_index, seed, n_repeats, w=None):
    return permutation_importance(model, Xm, y_pos, scoring=Scorer("roc_auc", "predict_proba", pos_index),
                                  n_repeats=n_repeats, random_state=seed, sample_weight=w)


def _check_equal(res, ref, columns):
    got = {f.feature: f.estimate.value for f in res.features}
    for j, col in enumerate(columns):
        assert got[col] == pytest.approx(ref.importances_mean[j], abs=1e-12), col


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_threads_and_shortcut_equal_sklearn(monkeypatch, n_jobs):
    import auditor.explain._importance as imp_mod

    monkeypatch.setattr(imp_mod, "SERIAL_BELOW", 0)  # force the threaded path on small data
    X, y = frame()
    model = hgb_pipeline()
    ctx = Auditor(model, X, y, pos_label="no", n_jobs=n_jobs)._context(None)
    res = permutation_importance_raw(ctx, n_repeats=4, scoring="auto", max_rows=None, confidence_level=0.95)
    Xm = X.drop(columns=["group"])
    ref = _sklearn_reference(model, Xm, y == "no", 0, ctx.seed("importance.permutation"), 4)
    _check_equal(res, ref, Xm.columns)


def test_mixing_and_sparse_preprocessors_take_the_plain_route():
    from sklearn.compose import ColumnTransformer
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    X, y = frame()
    Xm = X.drop(columns=["group"])
    for pre in (
        ColumnTransformer([("pca", PCA(2), ["num_0", "num_1"]), ("oh", OneHotEncoder(), ["colour", "size"])],
                          remainder="passthrough", sparse_threshold=0),
        ColumnTransformer([("oh", OneHotEncoder(), ["colour", "size"])], remainder="passthrough", sparse_threshold=1.0),
    ):
        model = Pipeline([("pre", pre), ("clf", LogisticRegression(max_iter=500))]).fit(Xm, y)
        ctx = Auditor(model, X, y, pos_label="yes", n_jobs=1)._context(None)
        res = permutation_importance_raw(ctx, n_repeats=2, scoring="auto", max_rows=None, confidence_level=0.95)
        ref = _sklearn_reference(model, Xm, y == "yes", 1, ctx.seed("importance.permutation"), 2)
        _check_equal(res, ref, Xm.columns)


def test_bare_model_on_a_frame():
    from sklearn.ensemble import RandomForestClassifier

    X, y = frame()
    Xm = X[["num_0", "num_1", "num_2"]]
    model = RandomForestClassifier(n_estimators=10, random_state=0).fit(Xm, y)
    ctx = Auditor(model, Xm, y, pos_label="yes", n_jobs=1)._context(None)
    res = permutation_importance_raw(ctx, n_repeats=2, scoring="auto", max_rows=None, confidence_level=0.95)
    _check_equal(res, _sklearn_reference(model, Xm, y == "yes", 1, ctx.seed("importance.permutation"), 2), Xm.columns)


def test_tree_models_predict_only_the_rows_a_shuffle_changed(monkeypatch):
    import auditor.explain._importance as imp_mod

    X, y = frame()
    model = hgb_pipeline()
    ctx = Auditor(model, X, y, pos_label="yes", n_jobs=1)._context(None)
    est = model[-1]
    seen = []
    original = type(est).predict_proba
    monkeypatch.setattr(est, "predict_proba", lambda Z: (seen.append(len(Z)), original(est, Z))[1], raising=False)
    res = permutation_importance_raw(ctx, n_repeats=3, scoring="auto", max_rows=None, confidence_level=0.95)
    Xm = X.drop(columns=["group"])
    # 'size' and 'colour' have three values: about a third of their rows keep their value
    orders = imp_mod.sklearn_permutations(ctx.seed("importance.permutation"), len(X), 3)
    expected = sum(int((Xm[c].to_numpy()[o] != Xm[c].to_numpy()).sum()) for c in Xm.columns for o in orders)
    assert sum(seen) == expected < len(X) * Xm.shape[1] * 3
    monkeypatch.undo()
    ref = _sklearn_reference(model, Xm, y == "yes", 1, ctx.seed("importance.permutation"), 3)
    _check_equal(res, ref, Xm.columns)


@pytest.mark.parametrize("task", ["multiclass", "regression"])
def test_tree_shortcut_with_missing_values_equals_sklearn(task):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    rng = np.random.default_rng(3)
    n = 500
    Xm = pd.DataFrame({
        "a": np.where(rng.random(n) < 0.3, np.nan, rng.normal(size=n)),
        "b": rng.integers(0, 3, n).astype(float),
        "c": rng.normal(size=n),
    })
    signal = np.nan_to_num(Xm["a"].to_numpy()) + Xm["b"] + rng.normal(scale=0.5, size=n)
    if task == "regression":
        y = signal
        model = HistGradientBoostingRegressor(max_iter=20).fit(Xm, y)
        scoring = "r2"
    else:
        y = np.digitize(signal, [0.5, 1.5])
        model = HistGradientBoostingClassifier(max_iter=20).fit(Xm, y)
        scoring = "neg_log_loss"
    ctx = Auditor(model, Xm, y, n_jobs=1)._context(None)
    res = permutation_importance_raw(ctx, n_repeats=3, scoring="auto", max_rows=None, confidence_level=0.95)
    assert res.scoring == scoring
    ref = permutation_importance(model, Xm, y, scoring=scoring, n_repeats=3, random_state=ctx.seed("importance.permutation"))
    _check_equal(res, ref, Xm.columns)


def test_changed_rows_handle_missing_values_of_any_kind():
    from auditor.explain._importance import _changed_rows

    frame = pd.DataFrame({
        "s": pd.array(["a", pd.NA, "b", pd.NA], dtype=object),
        "x": [1.0, np.nan, 2.0, np.nan],
    })
    order = np.array([3, 1, 0, 2])  # row 0 <- row 3, row 1 stays, row 2 <- row 0, row 3 <- row 2
    # row 1 keeps its own value; row 3 gets 'b' for NA; rows 0 and 2 change too
    assert list(_changed_rows(frame, np.array([0]), order)) == [0, 2, 3]
    assert list(_changed_rows(frame, np.array([1]), order)) == [0, 2, 3]
    # pd.NA itself, whose comparisons are NA and cannot become a bool
    with_na = np.array([["a", 1.0], [pd.NA, np.nan], ["b", 2.0], [pd.NA, np.nan]], dtype=object)
    assert list(_changed_rows(with_na, np.array([0, 1]), order)) == [0, 2, 3]
    assert list(_changed_rows(frame, np.array([0]), np.arange(4))) == []
