"""Importance section: permutation importance through the pipeline, native
importance folded to raw columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor import Auditor
from auditor.sections import ImportanceSection
from tests.explain.models import frame, hgb_pipeline, logistic_pipeline, rf_pipeline, transformed


def _run(model, X, y, **kw):
    kw.setdefault("pos_label", "yes")
    return Auditor(model, X, y, sensitive_features=["group"], sections=[ImportanceSection(n_repeats=3)],
                   errors="raise", n_jobs=1, **kw).run().importance


def test_permutation_covers_raw_columns_and_finds_the_signal():
    X, y = frame()
    imp = _run(hgb_pipeline(), X, y)
    p = imp.permutation
    assert {f.feature for f in p.features} == {"num_0", "num_1", "num_2", "num_3", "colour", "size"}
    assert p.scoring == "roc_auc" and p.n_repeats == 3 and p.n_rows == len(X)
    assert p.features[0].feature in ("num_0", "num_1")
    for f in p.features:
        e = f.estimate
        assert e.ci_low <= e.value <= e.ci_high
    assert imp.native is None and "neither feature_importances_ nor coef_" in imp.native_reason


def test_native_importance_of_a_forest_sums_one_hot_children():
    X, y = frame()
    model = rf_pipeline()
    imp = _run(model, X, y)
    names = model[:-1].get_feature_names_out()
    fi = model[-1].feature_importances_
    got = {f.feature: f.estimate.value for f in imp.native.features}
    assert got["colour"] == pytest.approx(fi[[n.startswith("cat__colour") for n in names]].sum(), abs=1e-12)
    assert got["num_0"] == pytest.approx(fi[list(names).index("num__num_0")], abs=1e-12)
    assert sum(got.values()) == pytest.approx(1.0)
    assert imp.native.source == "feature_importances_"


def test_native_importance_of_a_linear_model_is_standardised_coefficients():
    X, y = frame()
    model = logistic_pipeline()
    imp = _run(model, X, y)
    Xt = transformed(model, X)
    per_col = np.abs(model[-1].coef_[0]) * Xt.std(axis=0)
    names = list(model[:-1].get_feature_names_out())
    got = {f.feature: f.estimate.value for f in imp.native.features}
    assert got["size"] == pytest.approx(sum(per_col[j] for j, n in enumerate(names) if n.startswith("cat__size")))
    assert imp.native.source == "coef_"


def test_multiclass_uses_log_loss_and_regression_r2(wine, diabetes):
    model, X, y = wine
    imp = Auditor(model, X, y, sections=[ImportanceSection(n_repeats=2)], errors="raise", n_jobs=1).run().importance
    assert imp.permutation.scoring == "neg_log_loss"
    from sklearn.metrics import log_loss

    assert imp.permutation.baseline_score == pytest.approx(-log_loss(y, model.predict_proba(X)), abs=1e-12)
    model, X, y = diabetes
    imp = Auditor(model, X, y, sections=[ImportanceSection(n_repeats=2)], errors="raise", n_jobs=1).run().importance
    assert imp.permutation.scoring == "r2" and imp.native.source == "coef_"


def test_max_samples_scores_a_seeded_sample_whatever_the_row_order():
    X, y = frame()
    model = hgb_pipeline()
    audit = Auditor(model, X, y, pos_label="yes", sections=[ImportanceSection(n_repeats=2, max_samples=200)],
                    errors="raise", n_jobs=1)
    imp = audit.run().importance
    assert imp.permutation.n_rows == 200
    assert Auditor(model, X, y, pos_label="yes", sections=[ImportanceSection(n_repeats=2, max_samples=0.5)],
                   errors="raise", n_jobs=1).run().importance.permutation.n_rows == len(X) // 2
    # the same rows in another order give the same sample, so the same numbers
    shuffled = X.sample(frac=1.0, random_state=3)
    again = Auditor(model, shuffled, pd.Series(y, index=X.index).loc[shuffled.index], pos_label="yes",
                    sections=[ImportanceSection(n_repeats=2, max_samples=200)], errors="raise", n_jobs=1).run().importance
    assert [(f.feature, f.estimate) for f in again.permutation.features] == [
        (f.feature, f.estimate) for f in imp.permutation.features]
    with pytest.raises(ValueError, match="Expected max_samples"):
        ImportanceSection(max_samples=1.5)


def test_default_scores_every_row_of_a_small_audit():
    X, y = frame()
    imp = Auditor(hgb_pipeline(), X, y, pos_label="yes", sections=[ImportanceSection(n_repeats=2)],
                  errors="raise", n_jobs=1).run().importance
    assert imp.permutation.n_rows == len(X)


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="n_repeats"):
        ImportanceSection(n_repeats=0)
