"""LIME section: raw-column terms, reproducible per row whatever the order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor import Auditor
from auditor.sections import LimeSection
from tests.explain.models import frame, hgb_pipeline


def _lime(model, X, y, section, **kw):
    kw.setdefault("sensitive_features", ["group"])
    return Auditor(model, X, y, sections=[section], errors="raise", **kw).run().lime


@pytest.fixture(scope="module")
def labelled():
    X, y = frame()
    X = X.set_axis([f"r{i}" for i in range(len(X))])
    return X, pd.Series(y, index=X.index)


def test_terms_speak_of_raw_columns(labelled):
    X, y = labelled
    lime = _lime(hgb_pipeline(), X, y, LimeSection(rows=["r3"], max_auto_rows=2, num_samples=500), pos_label="yes")
    assert [r.row for r in lime.rows][0] == "r3" and len(lime.rows) == 3
    row = lime.rows[0]
    assert {t.feature for t in row.terms} == {"num_0", "num_1", "num_2", "num_3", "colour", "size"}
    colour = next(t for t in row.terms if t.feature == "colour")
    assert colour.term == f"colour={X['colour'].iloc[3]}"  # a raw value, not a one-hot column
    assert all("cat__" not in t.term for t in row.terms)
    assert lime.categorical_features == ("colour", "size") and lime.mode == "classification"
    p_yes = hgb_pipeline().predict_proba(X.drop(columns=["group"]).iloc[[3]])[0, 1]
    assert row.output == "yes" and row.model_value == pytest.approx(p_yes)
    assert row.reason == "named by the user" and lime.rows[1].reason == "most confident false positive"


def test_same_rows_in_any_order_or_twice_give_identical_weights(labelled):
    X, y = labelled
    sec_a = LimeSection(rows=["r10", "r20"], max_auto_rows=0, num_samples=300)
    sec_b = LimeSection(rows=["r20", "r10"], max_auto_rows=0, num_samples=300)
    a = _lime(hgb_pipeline(), X, y, sec_a, pos_label="yes")
    b = _lime(hgb_pipeline(), X, y, sec_b, pos_label="yes")
    c = _lime(hgb_pipeline(), X, y, sec_a, pos_label="yes")
    by = {r.row: r for r in b.rows}
    for r in a.rows:
        assert r == by[r.row]
    assert a == c
    other_seed = _lime(hgb_pipeline(), X, y, sec_a, pos_label="yes", random_state=1)
    assert other_seed.rows[0].terms != a.rows[0].terms


def test_unknown_row_label_names_it(labelled):
    X, y = labelled
    with pytest.raises(KeyError, match="Row label 'r9999' is not in the index of X"):
        _lime(hgb_pipeline(), X, y, LimeSection(rows=["r9999"]), pos_label="yes")


def test_pipeline_receives_the_original_dtypes(labelled):
    """The decoded frame passed to the model keeps object and category dtypes."""
    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.pipeline import Pipeline

    seen = []

    class Spy(TransformerMixin, BaseEstimator):
        def fit(self, X, y=None):
            return self

        def transform(self, X):
            seen.append((X["colour"].dtype, X["size"].dtype))
            return X

    X, y = labelled
    inner = hgb_pipeline()
    model = Pipeline([("spy", Spy()), ("inner", inner)]).fit(X.drop(columns=["group"]), y)
    _lime(model, X, y, LimeSection(rows=["r1"], max_auto_rows=0, num_samples=100), pos_label="yes")
    assert seen and all(c == X["colour"].dtype and isinstance(s, pd.CategoricalDtype) for c, s in seen)


def test_regression_mode(diabetes):
    model, X, y = diabetes
    lime = _lime(model, X, y, LimeSection(max_auto_rows=2, num_samples=300), sensitive_features=None)
    assert lime.mode == "regression" and lime.rows[0].output == "prediction"
    assert lime.rows[0].reason == "largest over-prediction"
    assert lime.rows[0].model_value == pytest.approx(model.predict(X.iloc[[lime.rows[0].position]])[0])


def test_multiclass_explains_the_predicted_class(wine):
    model, X, y = wine
    lime = _lime(model, X, y, LimeSection(rows=[0], max_auto_rows=0, num_samples=300), sensitive_features=None)
    assert lime.rows[0].output == str(model.predict(X.iloc[[0]])[0])
    assert np.isfinite(lime.rows[0].intercept)


def test_weights_equal_lime_called_by_hand(labelled):
    """The section's weights are LimeTabularExplainer's own, for an encoding built
    by hand (sorted string values, the categorical's own order) and the seeding
    the module documents: (random_state, 'lime.init') for the explainer,
    (random_state, 'lime.row.<position>') reset before each row."""
    from lime.lime_tabular import LimeTabularExplainer

    X, y = labelled
    model = hgb_pipeline()
    section = LimeSection(rows=["r7", "r42"], max_auto_rows=0, num_samples=400)
    auditor = Auditor(model, X, y, sensitive_features=["group"], sections=[section], errors="raise", pos_label="yes")
    lime = auditor.run().lime
    ctx = auditor._context(None)

    raw = X.drop(columns=["group"])
    colours = sorted(raw["colour"].unique())
    sizes = list(raw["size"].cat.categories)
    data = raw.assign(colour=raw["colour"].map(colours.index), size=raw["size"].cat.codes).to_numpy(dtype=float)
    cat = [list(raw.columns).index("colour"), list(raw.columns).index("size")]

    def predict(Z):
        frame = pd.DataFrame(Z, columns=raw.columns)
        frame["colour"] = [colours[int(c)] for c in frame["colour"]]
        frame["size"] = pd.Categorical([sizes[int(c)] for c in frame["size"]], categories=sizes)
        return model.predict_proba(frame)

    explainer = LimeTabularExplainer(
        data, mode="classification", feature_names=list(raw.columns), categorical_features=cat,
        categorical_names={cat[0]: colours, cat[1]: sizes}, class_names=list(model.classes_),
        discretize_continuous=True, discretizer="quartile", kernel_width=0.75 * np.sqrt(raw.shape[1]),
        random_state=np.random.RandomState(ctx.seed("lime.init")),
    )
    yes = list(model.classes_).index("yes")
    for row in lime.rows:
        rs = np.random.RandomState(ctx.seed(f"lime.row.{row.position}"))
        explainer.random_state = explainer.base.random_state = explainer.discretizer.random_state = rs
        exp = explainer.explain_instance(data[row.position], predict, labels=(yes,), num_features=raw.shape[1],
                                         num_samples=400)
        expected = {raw.columns[j]: w for j, w in exp.local_exp[yes]}
        assert {t.feature: t.weight for t in row.terms} == pytest.approx(expected, abs=1e-12)
        assert [t.term for t in row.terms] == [term for term, _ in exp.as_list(label=yes)]
        assert row.intercept == pytest.approx(exp.intercept[yes], abs=1e-12)
