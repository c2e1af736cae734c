"""Permutation importance equals scikit-learn's, scored for the right positive class."""

from __future__ import annotations

import numpy as np
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
