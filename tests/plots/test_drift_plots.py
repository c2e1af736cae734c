"""Drift and data-quality figures show what their results hold (checked on the axes,
not on pixels), and leave no pyplot state behind."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Rectangle, StepPatch

from auditor import Auditor, DriftSection, ImportanceSection
from auditor.plots import (
    plot_domain_classifier,
    plot_drift_importance,
    plot_feature_drift,
    plot_group_missingness,
    plot_representation,
)


@pytest.fixture(scope="module")
def audit(binary_data):
    from sklearn.ensemble import HistGradientBoostingClassifier

    X, y = binary_data
    X = X.drop(columns=["colour"]).assign(kind=np.where(np.arange(len(X)) % 3 == 0, "a$b", "c"))
    X.loc[X.index[:40], "num_1"] = np.nan
    model = HistGradientBoostingClassifier(max_iter=10).fit(X.drop(columns=["group", "kind"]), y)
    cur = X.iloc[:300].assign(num_0=X["num_0"].iloc[:300] + 1)
    return Auditor(model, cur, y.iloc[:300], X_reference=X.iloc[300:], y_reference=y.iloc[300:],
                   sensitive_features=["group"], n_bootstrap=0, n_jobs=1,
                   sections=["data_quality", DriftSection(n_resamples=20, domain_splits=3, min_group_rows=50),
                             ImportanceSection(n_repeats=2)]).run()


def _bars(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_numeric_feature_draws_two_histograms_of_shares(audit):
    before = plt.get_fignums()
    ax = plot_feature_drift(audit.drift, "num_0")
    steps = [p for p in ax.patches if isinstance(p, StepPatch)]
    assert len(steps) == 2 and ax.get_ylabel() == "Share of rows"
    h = next(h for h in audit.drift.histograms if h.feature == "num_0")
    for step, counts in zip(steps, (h.counts_reference, h.counts_current)):
        np.testing.assert_allclose(step.get_data().values, np.asarray(counts) / sum(counts))
    assert ax.get_legend().get_title().get_text().startswith("PSI ")
    assert plt.get_fignums() == before  # no pyplot figure was created


def test_domain_classifier_has_a_bar_per_feature_and_its_auc(audit):
    ax = plot_domain_classifier(audit.drift)
    d = audit.drift.domain
    assert len(_bars(ax)) == min(10, len(d.importances))
    assert f"ROC AUC {d.auc.value:.3f}" in ax.get_title()


def test_drift_importance_has_a_point_per_feature(audit):
    ax = plot_drift_importance(audit.drift, drifted=("num_0",), psi_threshold=0.2)
    (points,) = ax.collections
    assert len(points.get_offsets()) == len(audit.drift.importance)
    assert ax.get_yscale() == "log"


def test_representation_and_missingness_by_group(audit):
    q = audit.data_quality
    ax = plot_representation(q, "group")
    assert len(_bars(ax)) == 2 * len(q.representation[0].groups)
    ax = plot_group_missingness(q, "num_1", "group")
    widths = sorted(b.get_width() for b in _bars(ax))
    expected = sorted(g.missing_share["num_1"] for g in q.current.groups)
    assert widths == pytest.approx(expected)
    with pytest.raises(KeyError):
        plot_representation(q, "nope")


def test_a_dollar_in_a_label_is_not_mathtext(binary_data):
    # a category "a$b" must show as written, not start a formula
    from auditor.results import DriftResult, FeatureDrift

    f = FeatureDrift(feature="kind", kind="categorical", test="chi2", p_value_method="chi2", n_reference=2,
                     n_current=2, statistic=1.0, p_value=0.5, p_value_adjusted=0.5, psi=0.1, distance=0.1,
                     distance_name="jensen_shannon", bins=("a$b", "c$"), shares_reference=(0.5, 0.5),
                     shares_current=(0.4, 0.6), missing_share_reference=0.0, missing_share_current=0.0,
                     missing_p_value=1.0, missing_p_value_adjusted=1.0)
    r = DriftResult(n_reference=2, n_current=2, features=(f,), ks_method="auto", n_bins=10, psi_epsilon=1e-4,
                    confidence_level=0.95, has_labels=True)
    ax = plot_feature_drift(r, "kind")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert set(labels) == {r"a\$b", r"c\$"}
    ax.figure.canvas.draw()  # would raise on unbalanced mathtext
