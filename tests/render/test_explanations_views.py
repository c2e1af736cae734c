"""Explanation sections render (StrictUndefined), round-trip through JSON and
describe their figures."""

from __future__ import annotations

import pytest

from auditor import Auditor, AuditResult
from auditor.render import render_html
from auditor.render.views import agreement, importance, lime, shap
from auditor.results import section_spec
from auditor.sections import AgreementSection, ImportanceSection, LimeSection, ShapSection
from tests.explain.models import frame, hgb_pipeline, mlp_pipeline


def _audit(model):
    X, y = frame()
    return Auditor(model, X, y, sensitive_features=["group"], pos_label="yes", n_bootstrap=20, n_jobs=1,
                   sections=["performance", ImportanceSection(n_repeats=2), ShapSection(n_samples=30),
                             LimeSection(max_auto_rows=2, num_samples=300), AgreementSection()]).run()


@pytest.fixture(scope="module")
def tree_result():
    return _audit(hgb_pipeline())


def test_round_trip_and_render(tree_result, tmp_path):
    back = AuditResult.from_json(tree_result.to_json())
    assert back == tree_result
    html = render_html(back)
    for anchor in ('id="importance"', 'id="shap"', 'id="lime"', 'id="agreement"', "TreeExplainer", "log-odds"):
        assert anchor in html
    assert "cat__colour" in html  # the transformed view is there too, under its own heading
    assert html.count("<figure") >= 8


def test_views_without_figures_are_plain_data(tree_result):
    for mod in (importance, shap, lime, agreement):
        name = mod.__name__.rsplit(".", 1)[-1]
        view = mod.build(tree_result.section(name), tree_result, figures=False)
        assert section_spec(name).template == f"sections/{name}.html.j2"
        assert section_spec(name).view == f"auditor.render.views.{name}:build"
        assert "figures" not in view or view["figures"] == []
    v = shap.build(tree_result.shap, tree_result, figures=False)
    assert v["figures"] == [] and any(f["label"] == "Output space" and f["value"] == "log-odds" for f in v["facts"])


def test_figures_have_captions_and_alt_text(tree_result):
    for mod in (importance, shap, agreement):
        view = mod.build(tree_result.section(mod.__name__.rsplit(".", 1)[-1]), tree_result)
        figs = list(view.get("figures", []))
        # small multiples: a group's images share its one caption
        groups = [g for k in ("figure_groups", "dependence_groups", "waterfall_groups") for g in view.get(k, [])]
        figs += [{**img, "caption": g["caption"]} for g in groups for img in g["images"]]
        assert figs, mod.__name__
        for f in figs:
            assert f["alt"] and f["caption"] and f["src"].startswith("data:image/")


def test_lime_rows_are_drawn_beside_shap_or_alone(tree_result):
    from dataclasses import replace

    view = lime.build(tree_result.lime, tree_result)
    assert view["figure_groups"] == [] and all(r["terms"] and r["top_terms"] for r in view["rows"]) and view["paired_note"]
    without = replace(tree_result, sections={k: v for k, v in tree_result.sections.items() if k != "agreement"})
    alone = lime.build(tree_result.lime, without)
    # every row in one group of small multiples, one caption
    [group] = alone["figure_groups"]
    assert group["caption"] and all(str(r.row) in group["images"][0]["alt"] for r in tree_result.lime.rows)
    assert alone["paired_note"] == ""


def test_model_agnostic_report_states_method_and_sample():
    html = render_html(_audit(mlp_pipeline()))
    assert "KernelExplainer" in html and "30 of 600 rows" in html and "stratified" in html
