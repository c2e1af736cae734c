from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from auditor.drift import domain_classifier
from auditor.drift.auc import delong_auc


def _delong_by_hand(y, s):
    pos, neg = s[y == 1], s[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    return psi.mean(), np.sqrt(v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg))


def test_delong_equals_hand_computation_and_sklearn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    s = np.round(rng.normal(size=400) + y, 1)  # rounding makes ties
    d = delong_auc(y, s)
    auc, se = _delong_by_hand(y, s)
    assert d.auc == pytest.approx(auc, abs=1e-12) and d.auc == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert d.se == pytest.approx(se, abs=1e-12)
    assert d.ci_low < d.auc < d.ci_high
    assert delong_auc([1, 0], [0.3, 0.2]).auc is None


def test_indistinguishable_samples_give_half(adult_train):
    X = adult_train.X
    rows = np.random.default_rng(0).permutation(len(X))
    a, b = X.iloc[rows[:8000]], X.iloc[rows[8000:16000]]
    res = domain_classifier(a, b, random_state=0, max_rows_per_side=4000, n_repeats=0)
    assert abs(res.auc.value - 0.5) < 0.03
    assert res.p_value > 0.01


def test_planted_shift_is_found_and_attributed(adult_train, planted):
    res = domain_classifier(planted, adult_train.X, random_state=0, max_rows_per_side=4000)
    assert res.auc.value > 0.65 and res.auc.ci_low > 0.6
    assert res.p_value < 1e-10
    assert [i.feature for i in res.importances[:2]] == ["age", "workclass"]
    assert (res.n_reference, res.n_current) == (4000, 4000)


def test_same_seed_same_numbers_in_any_row_order(adult_train, planted):
    kw = dict(random_state=3, max_rows_per_side=2000, n_splits=3, n_repeats=1, max_iter=30)
    a = domain_classifier(planted, adult_train.X, **kw)
    b = domain_classifier(planted.sample(frac=1, random_state=5), adult_train.X.sample(frac=1, random_state=6), **kw)
    assert a == b
    c = domain_classifier(planted, adult_train.X, **{**kw, "random_state": 4})
    assert c.auc != a.auc


def test_small_inputs_are_undefined_not_zero():
    X = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    res = domain_classifier(X, X, random_state=0)
    assert res.auc.value is None and "folds" in res.auc.reason
