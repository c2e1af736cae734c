"""Explanation figures show what their results hold (checked on the axes, not pixels)."""

from __future__ import annotations

import pytest

from auditor import Auditor
from auditor.plots import (
    plot_importance,
    plot_lime,
    plot_lime_vs_shap,
    plot_shap_beeswarm,
    plot_shap_dependence,
    plot_shap_importance,
    plot_shap_waterfall,
)
from auditor.sections import AgreementSection, ImportanceSection, LimeSection, ShapSection
from tests.explain.models import frame, rf_pipeline


@pytest.fixture(scope="module")
def result():
    X, y = frame()
    return Auditor(rf_pipeline(), X, y, sensitive_features=["group"], pos_label="yes", n_bootstrap=20, n_jobs=1,
                   sections=[ImportanceSection(n_repeats=2), ShapSection(beeswarm_points=200),
                             LimeSection(max_auto_rows=2, num_samples=300), AgreementSection()]).run()


def _labels(ax):
    return [t.get_text() for t in ax.get_yticklabels()]


def test_importance_bars(result):
    ax = plot_importance(result.importance)
    assert len(ax.patches) == 6 and _labels(ax)[0] == result.importance.permutation.features[0].feature
    ax = plot_importance(result.importance, kind="native")
    assert ax.get_title() == "Native importance" and len(ax.patches) == 6


def test_shap_figures(result):
    sh = result.shap
    ax = plot_shap_importance(sh)
    assert len(ax.patches) == 6 and sh.output_space == "probability" and "probability" in ax.get_xlabel()
    ax = plot_shap_beeswarm(sh)
    assert len(ax.collections) == len(sh.beeswarm[0].features)
    assert sum(len(c.get_offsets()) for c in ax.collections) == 200 * len(sh.beeswarm[0].features)
    for i, dep in enumerate(sh.dependence):
        ax = plot_shap_dependence(sh, i)
        assert ax.get_xlabel() == dep.feature
    wf = sh.waterfalls[0]
    ax = plot_shap_waterfall(sh, 0)
    assert len(ax.patches) == len(wf.contributions) + (1 if wf.n_rest else 0)
    assert _labels(ax)[0].startswith(wf.contributions[0].feature + " = ")
    # each value in its own column on the right (a twin axis), the largest first
    twin = [a for a in ax.figure.axes if a is not ax][0]
    assert _labels(twin)[0] == f"{wf.contributions[0].contribution:+.3g}"


def test_lime_figures(result):
    ax = plot_lime(result.lime, 0, max_display=4)
    assert len(ax.patches) == 4 and _labels(ax)[0] == result.lime.rows[0].terms[0].term
    row = result.agreement.rows[0]
    ax = plot_lime_vs_shap(result.agreement, 0)
    assert len(ax.patches) == 2 * len(row.features)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["LIME", "SHAP"]
