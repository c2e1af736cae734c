"""Automatic rows are the most confident mistakes; named rows resolve by label."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from auditor import Auditor
from auditor.explain import automatic_rows, named_rows
from tests.explain.models import frame, hgb_pipeline


def _ctx(model, X, y, **kw):
    return Auditor(model, X, y, **kw)._context(None)


def test_binary_rows_are_the_most_confident_mistakes():
    X, y = frame()
    model = hgb_pipeline()
    ctx = _ctx(model, X, y, sensitive_features=["group"], pos_label="yes")
    rows = automatic_rows(ctx, 10)
    p = model.predict_proba(X.drop(columns=["group"]))[:, list(model.classes_).index("yes")]
    pred, truth = model.predict(X.drop(columns=["group"])) == "yes", y == "yes"
    fp = np.flatnonzero(pred & ~truth)
    fn = np.flatnonzero(~pred & truth)
    assert rows[0].position == fp[np.argmax(p[fp])] and rows[0].reason == "most confident false positive"
    assert rows[1].position == fn[np.argmin(p[fn])] and rows[1].reason == "most confident false negative"
    minority = np.asarray(X["group"] == "minority")
    # the smaller group comes first among the per-group rows
    assert rows[2].reason == "most confident false positive among group = minority" or rows[2].position in (
        rows[0].position, rows[1].position)
    for r in rows:
        if "minority" in r.reason:
            assert minority[r.position]
    assert len({r.position for r in rows}) == len(rows) <= 6


def test_positive_class_changes_which_rows_are_false_positives():
    X, y = frame()
    a = automatic_rows(_ctx(hgb_pipeline(), X, y, pos_label="yes"), 2)
    b = automatic_rows(_ctx(hgb_pipeline(), X, y, pos_label="no"), 2)
    assert a[0].position == b[1].position and a[1].position == b[0].position


def test_regression_rows_are_the_largest_residuals():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=100)})
    y = 2 * X["a"] + rng.normal(size=100)
    model = LinearRegression().fit(X, y)
    rows = automatic_rows(_ctx(model, X, y), 5)
    resid = model.predict(X) - y
    assert rows[0].position == int(np.argmax(resid)) and rows[1].position == int(np.argmin(resid))


def test_named_rows_resolve_labels_and_reject_unknown_ones():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=50)}, index=[f"id{i}" for i in range(50)])
    y = pd.Series((X["a"] > 0).astype(int), index=X.index)
    ctx = _ctx(LogisticRegression().fit(X, y), X, y)
    assert [r.position for r in named_rows(ctx, ["id7", "id3", "id7"])] == [7, 3]
    with pytest.raises(KeyError, match="Row label 'nope' is not in the index of X"):
        named_rows(ctx, ["nope"])
