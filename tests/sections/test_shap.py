"""SHAP section: values checked against shap itself, the model's own output and
hand sums; routing, folding, orientation, reproducibility, parallelism."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest
import shap

from auditor import Auditor
from auditor.artifacts import SHAP_RUN, SHAP_VALUES
from auditor.sections import ShapSection
from tests.explain.models import frame, hgb_pipeline, logistic_pipeline, mlp_pipeline, rf_pipeline, transformed
from tests.helpers import json_without_timestamp


def _run(model, X, y, section=None, **kw):
    kw.setdefault("sensitive_features", ["group"])
    kw.setdefault("n_bootstrap", 50)
    a = Auditor(model, X, y, sections=[section or ShapSection()], errors="raise", **kw)
    ctx = a._context(None)
    result = a.sections[0].compute(ctx)
    return result, ctx


@pytest.mark.parametrize("pos", ["yes", "no"])
def test_tree_pipeline_matches_shap_and_the_models_log_odds(pos):
    X, y = frame()
    model = hgb_pipeline()
    result, ctx = _run(model, X, y, pos_label=pos)
    sv = ctx.memo(SHAP_VALUES, lambda: None)
    Xt = transformed(model, X)
    ref = shap.TreeExplainer(model[-1]).shap_values(Xt)  # explains classes_[1] = "yes"
    sign = 1 if pos == "yes" else -1
    np.testing.assert_allclose(sv.transformed_values[:, :, 0], sign * ref, atol=1e-12)
    margin = sign * model[-1].decision_function(Xt)
    np.testing.assert_allclose(sv.base_values[:, 0] + sv.values[:, :, 0].sum(axis=1), margin, atol=1e-9)
    assert result.method == "TreeExplainer" and result.exact and result.output_space == "log-odds"
    assert result.additivity_max_deviation < 1e-9 and result.n_explained == len(X)
    # folded sums equal unfolded ones; each raw column once
    np.testing.assert_allclose(sv.values.sum(axis=1), sv.transformed_values.sum(axis=1), atol=1e-12)
    assert sorted(sv.feature_names) == sorted(["num_0", "num_1", "num_2", "num_3", "colour", "size"])
    colour = [j for j, n in enumerate(sv.transformed_feature_names) if n.startswith("cat__colour")]
    i = sv.feature_names.index("colour")
    np.testing.assert_allclose(sv.values[:, i, 0], sv.transformed_values[:, colour, 0].sum(axis=1), atol=1e-12)
    # global importance = weighted mean |SHAP|, by hand
    g = {f.feature: f for f in result.features}
    assert g["colour"].mean_abs[0].value == pytest.approx(np.abs(sv.values[:, i, 0]).mean(), abs=1e-12)
    assert g["colour"].mean_abs[0].ci_low <= g["colour"].mean_abs[0].value <= g["colour"].mean_abs[0].ci_high
    assert result.output_names == (pos,)
    assert len(result.transformed) == Xt.shape[1]


def test_random_forest_is_explained_in_probability():
    X, y = frame()
    model = rf_pipeline()
    result, ctx = _run(model, X, y, pos_label="no")
    sv = ctx.memo(SHAP_VALUES, lambda: None)
    p_no = model.predict_proba(X.drop(columns=["group"]))[:, 0]
    assert result.output_space == "probability"
    np.testing.assert_allclose(sv.base_values[:, 0] + sv.values[:, :, 0].sum(axis=1), p_no, atol=1e-9)


def test_linear_route_matches_linear_explainer():
    X, y = frame()
    model = logistic_pipeline()
    result, ctx = _run(model, X, y, pos_label="yes")
    sv = ctx.memo(SHAP_VALUES, lambda: None)
    assert result.method == "LinearExplainer" and result.output_space == "log-odds"
    Xt = transformed(model, X)
    margin = model[-1].decision_function(Xt)
    np.testing.assert_allclose(sv.base_values[:, 0] + sv.values[:, :, 0].sum(axis=1), margin, atol=1e-9)
    coef = model[-1].coef_[0]
    # linear SHAP: coef * (x - background mean); differences between rows are exact
    d = sv.transformed_values[1, :, 0] - sv.transformed_values[0, :, 0]
    np.testing.assert_allclose(d, coef * (Xt[1] - Xt[0]), atol=1e-12)


def test_multiclass_has_one_output_per_class(wine):
    from sklearn.ensemble import HistGradientBoostingClassifier

    _, X, y = wine
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y)
    result, ctx = _run(model, X, y, sensitive_features=None)
    sv = ctx.memo(SHAP_VALUES, lambda: None)
    assert sv.values.shape == (len(X), X.shape[1], 3) and result.output_names == ("0", "1", "2")
    assert result.output_space == "logit"
    np.testing.assert_allclose(sv.base_values + sv.values.sum(axis=1), model.decision_function(X), atol=1e-9)
    assert len(result.features[0].mean_abs) == 3 and len(result.beeswarm) == 3


def test_regression_is_explained_in_raw_units(diabetes):
    from sklearn.ensemble import RandomForestRegressor

    _, X, y = diabetes
    model = RandomForestRegressor(n_estimators=10, max_depth=4, random_state=0).fit(X, y)
    result, ctx = _run(model, X, y, sensitive_features=None)
    sv = ctx.memo(SHAP_VALUES, lambda: None)
    assert result.output_space == "raw" and result.output_names == ("prediction",)
    np.testing.assert_allclose(sv.base_values[:, 0] + sv.values[:, :, 0].sum(axis=1), model.predict(X), atol=1e-8)


def test_model_agnostic_route_samples_within_budget_and_says_so():
    X, y = frame()
    model = mlp_pipeline()
    t0 = time.perf_counter()
    result, ctx = _run(model, X, y, ShapSection(time_budget=5.0, max_samples=120), pos_label="yes", n_jobs=1)
    assert time.perf_counter() - t0 < 5.0 * 1.5
    run = ctx.memo(SHAP_RUN, lambda: None)
    sv = run.values
    assert result.method == "KernelExplainer" and not result.exact and result.route == "model-agnostic"
    assert result.output_space == "probability" and result.time_budget == 5.0
    # max_samples, not the budget, bound the sample: no machine timing in the result
    assert result.n_explained == len(sv.rows) == 120 and result.estimated_seconds is None
    assert not any(w.source == "shap" for w in ctx.warnings)
    assert "stratified by sensitive group × true label" in result.sample
    # every stratum (group x label) is represented
    strata = set(zip(X["group"].to_numpy()[sv.rows], y[sv.rows]))
    assert len(strata) == 4
    # the kernel estimate still adds up exactly (Kernel SHAP's efficiency constraint)
    p_yes = model.predict_proba(X.drop(columns=["group"]).iloc[sv.rows])[:, 1]
    np.testing.assert_allclose(sv.base_values[:, 0] + sv.values[:, :, 0].sum(axis=1), p_yes, atol=1e-9)
    assert result.transformed == () and result.features[0].mean_abs[0].ci_low is not None
    # waterfall rows outside the sample were explained too
    assert len(result.waterfalls) >= 2


def test_a_binding_time_budget_is_recorded_and_warned():
    X, y = frame()
    result, ctx = _run(mlp_pipeline(), X, y, ShapSection(time_budget=0.5, max_samples=600), pos_label="yes", n_jobs=1)
    assert result.n_explained < 600 and result.estimated_seconds is not None
    assert result.estimated_seconds <= 0.5
    warned = [w.message for w in ctx.warnings if w.source == "shap"]
    assert len(warned) == 1 and "0.5 s time budget limited the SHAP sample" in warned[0]
    assert warned[0] in result.notes


def test_model_agnostic_with_fixed_sample_is_reproducible_and_order_free():
    X, y = frame()
    model = mlp_pipeline()
    sec = ShapSection(n_samples=30)
    a, ctx_a = _run(model, X, y, sec, pos_label="yes", n_jobs=1)
    b, _ = _run(model, X, y, sec, pos_label="yes", n_jobs=2)
    assert a == b and a.estimated_seconds is None
    run = ctx_a.memo(SHAP_RUN, lambda: None)
    # a row explained on its own gets the values it got inside the sample
    p = int(run.values.rows[5])
    vals, base = run.explain_more(np.array([p]))
    np.testing.assert_allclose(vals[0], run.values.values[5], atol=1e-12)


def test_parallel_chunks_equal_serial():
    X, y = frame(5000)
    model = hgb_pipeline(5000)
    a, ctx_a = _run(model, X, y, n_jobs=1)
    b, ctx_b = _run(model, X, y, n_jobs=2)
    va, vb = ctx_a.memo(SHAP_VALUES, lambda: None), ctx_b.memo(SHAP_VALUES, lambda: None)
    assert np.array_equal(va.transformed_values, vb.transformed_values)
    assert np.array_equal(va.values, vb.values) and a == b


def test_values_can_be_saved_beside_the_json(tmp_path):
    X, y = frame()
    path = tmp_path / "shap.npz"
    result, ctx = _run(hgb_pipeline(), X, y, ShapSection(save_values=str(path)))
    data = np.load(path)
    sv = ctx.memo(SHAP_VALUES, lambda: None)
    np.testing.assert_array_equal(data["values"], sv.values)
    assert list(data["feature_names"]) == list(sv.feature_names)
    import hashlib

    h = hashlib.sha256(data["values"].tobytes() + data["base_values"].tobytes() + data["rows"].tobytes()).hexdigest()
    assert result.values_sha256 == h and result.values_file == str(path)


def test_json_keeps_summaries_not_the_matrix():
    X, y = frame()
    result, _ = _run(hgb_pipeline(), X, y, ShapSection(beeswarm_points=100))
    d = json.loads(json.dumps(__import__("auditor").results.to_jsonable(result)))
    assert d["beeswarm"][0]["n_points"] == 100 and len(d["beeswarm"][0]["values"][0]) == 100
    assert "values" not in d


@pytest.mark.parametrize("lib", ["xgboost", "lightgbm"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_xgboost_and_lightgbm(lib, n_classes):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(400, 4)), columns=list("abcd"))
    y = np.digitize(X["a"] + 0.5 * X["b"], [-0.5, 0.5][: n_classes - 1])
    if lib == "xgboost":
        from xgboost import XGBClassifier

        model = XGBClassifier(n_estimators=20, max_depth=3).fit(X, y)
        margin = model.predict(X, output_margin=True)
    else:
        from lightgbm import LGBMClassifier

        model = LGBMClassifier(n_estimators=20, verbose=-1).fit(X, y)
        margin = model.predict(X, raw_score=True)
    result, ctx = _run(model, X, y, sensitive_features=None)
    sv = ctx.memo(SHAP_VALUES, lambda: None)
    assert result.method == "TreeExplainer"
    assert result.output_space == ("log-odds" if n_classes == 2 else "logit")
    total = sv.base_values + sv.values.sum(axis=1)
    np.testing.assert_allclose(total, np.asarray(margin).reshape(len(X), -1), atol=1e-4)
    assert result.additivity_max_deviation / max(1, result.additivity_scale) < 1e-5


def test_same_seed_same_json_and_n_jobs_free():
    X, y = frame()
    runs = [
        Auditor(mlp_pipeline(), X, y, sensitive_features=["group"], n_bootstrap=30, n_jobs=j,
                sections=[ShapSection(n_samples=20)]).run()
        for j in (1, 2, 1)
    ]
    assert json_without_timestamp(runs[0]) == json_without_timestamp(runs[1]) == json_without_timestamp(runs[2])


@pytest.mark.slow
def test_adult_tree_shap_on_every_row(adult_demo):
    setup = adult_demo  # the session's Adult pipeline (tests/conftest.py), not trained again here
    a = Auditor(setup.model, setup.X_test, setup.y_test, sensitive_features=list(setup.sensitive_features),
                sections=["shap"], n_bootstrap=100, errors="raise")
    ctx = a._context(None)
    result = a.sections[0].compute(ctx)
    sv = ctx.memo(SHAP_VALUES, lambda: None)
    assert result.n_explained == len(setup.X_test) == 16_281 and result.method == "TreeExplainer"
    assert result.output_space == "log-odds" and result.additivity_max_deviation < 1e-6
    assert sv.feature_names.count("sex") == 1 and sv.feature_names.count("race") == 1
    assert " + " not in "".join(sv.feature_names)
    np.testing.assert_allclose(sv.values.sum(axis=1), sv.transformed_values.sum(axis=1), atol=1e-10)
    Xt = setup.model[:-1].transform(setup.X_test)
    np.testing.assert_allclose(sv.base_values[:, 0] + sv.values[:, :, 0].sum(axis=1),
                               setup.model[-1].decision_function(Xt), atol=1e-6)


def test_above_the_bootstrap_row_limit_mean_abs_shap_intervals_are_normal_and_agree(monkeypatch):
    from sklearn.ensemble import HistGradientBoostingClassifier

    import auditor.sections.shap as shap_section

    rng = np.random.default_rng(0)
    n = 3000
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    y = (X["a"] + 0.5 * X["b"] + rng.logistic(size=n) > 0).astype(int)
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y)
    kw = dict(n_bootstrap=1000, sections=[ShapSection()], errors="raise", n_jobs=1)
    monkeypatch.setattr(shap_section, "EXACT_BOOTSTRAP_ROWS", 1000)
    normal = Auditor(model, X, y, **kw).run()
    monkeypatch.setattr(shap_section, "EXACT_BOOTSTRAP_ROWS", 10**9)
    boot = Auditor(model, X, y, **kw).run()
    assert any("normal intervals" in note for note in normal.shap.notes)
    assert not any("normal intervals" in note for note in boot.shap.notes)
    for fn, fb in zip(normal.shap.features, boot.shap.features):
        en, eb = fn.mean_abs[0], fb.mean_abs[0]
        assert fn.feature == fb.feature and en.value == eb.value
        width = eb.ci_high - eb.ci_low
        assert abs(en.ci_low - eb.ci_low) < 0.1 * width and abs(en.ci_high - eb.ci_high) < 0.1 * width


def test_above_one_block_no_per_row_transformed_values_are_kept_and_every_number_is_the_same(monkeypatch):
    """An exact explainer over more rows than one sum block keeps no per-row
    matrix over the transformed columns (half a gigabyte at a million rows); the
    transformed table is the blocked weighted mean |SHAP| the section used to
    compute from that matrix, bit for bit, whatever the chunks' boundaries."""
    import auditor.explain._shap as shap_module

    X, y = frame()
    model = hgb_pipeline()
    kw = dict(n_jobs=1, sample_weight=np.random.default_rng(1).uniform(0.5, 2.0, size=len(X)))
    whole, ctx_whole = _run(model, X, y, **kw)
    full = ctx_whole.memo(SHAP_VALUES, lambda: None)
    assert full.transformed_values is not None and full.transformed_values.shape[0] == len(X)

    block = 64
    monkeypatch.setattr(shap_module, "SUM_BLOCK_ROWS", block)
    monkeypatch.setattr(shap_module, "_chunk_rows", lambda n, n_jobs: 100)  # chunks straddle the blocks
    blocked, ctx = _run(model, X, y, **kw)
    sv = ctx.memo(SHAP_VALUES, lambda: None)
    assert sv.transformed_values is None
    assert sv.transformed_feature_names == full.transformed_feature_names
    assert np.array_equal(sv.values, full.values) and np.array_equal(sv.base_values, full.base_values)

    # what the section computed from the per-row matrix above one block
    T, w = full.transformed_values, ctx.weights
    sums = [np.einsum("n,npd->pd", w[i:i + block], np.abs(T[i:i + block])) for i in range(0, len(X), block)]
    expected = sums[0]
    for s in sums[1:]:
        expected = expected + s
    expected = expected / w.sum()
    assert np.array_equal(sv.transformed_mean_abs, expected)
    assert [t.mean_abs for t in blocked.transformed] == [tuple(float(v) for v in row) for row in expected]
    assert [(t.name, t.parent) for t in blocked.transformed] == [(t.name, t.parent) for t in whole.transformed]
    # below one block the mean is the one computed over the whole matrix at once
    assert np.array_equal(full.transformed_mean_abs, np.einsum("n,npd->pd", w, np.abs(T)) / w.sum())
    assert [t.mean_abs for t in whole.transformed] == [tuple(float(v) for v in row) for row in full.transformed_mean_abs]


def test_the_linear_route_sums_its_chunks_in_blocks_too(monkeypatch):
    import auditor.explain._shap as shap_module

    X, y = frame()
    model = logistic_pipeline()
    _, ctx_whole = _run(model, X, y)
    full = ctx_whole.memo(SHAP_VALUES, lambda: None)
    monkeypatch.setattr(shap_module, "SUM_BLOCK_ROWS", 256)
    monkeypatch.setattr(shap_module, "_chunk_rows", lambda n, n_jobs: 100)
    _, ctx = _run(model, X, y)
    sv = ctx.memo(SHAP_VALUES, lambda: None)
    assert sv.transformed_values is None and sv.transformed_mean_abs.shape == full.transformed_values.shape[1:]
    assert np.array_equal(sv.values, full.values) and np.array_equal(sv.base_values, full.base_values)
