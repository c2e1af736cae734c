"""Fairness figures show what they claim: one bar per group, intervals, thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from auditor import Auditor
from auditor.plots.fairness import plot_disparities, plot_group_metric


@pytest.fixture(scope="module")
def fairness(binary_data, binary_pipeline):
    X, y = binary_data
    return Auditor(binary_pipeline, X, y, sensitive_features=["group", "colour"], n_bootstrap=50,
                   sections=["fairness"]).run().fairness


def test_group_metric_has_a_bar_per_group_and_interval_ends(fairness):
    ax = plot_group_metric(fairness, grouping="colour", metric="selection_rate")
    g = fairness.grouping("colour")
    assert len(ax.patches) == len(g.groups)
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == pytest.approx(sorted(x.metrics["selection_rate"].value for x in g.groups))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert all(f"(n={x.count:,})" in " ".join(labels) for x in g.groups)
    segments = ax.collections[0].get_segments()  # the interval lines
    ends = np.array(sorted((s[0][0], s[1][0]) for s in segments))
    expected = np.array(sorted((x.metrics["selection_rate"].ci_low, x.metrics["selection_rate"].ci_high) for x in g.groups))
    assert np.allclose(ends, expected)


def test_unknown_metric_is_named(fairness):
    with pytest.raises(KeyError, match="No metric 'nope'"):
        plot_group_metric(fairness, grouping="group", metric="nope")


def test_disparities_draw_thresholds(fairness):
    ax = plot_disparities(fairness, keys=("selection_rate_ratio",), thresholds={"selection_rate_ratio": 0.8})
    assert len(ax.patches) == len(fairness.groupings)
    ticks = [line for line in ax.lines if np.allclose(line.get_xdata(), 0.8)]
    assert len(ticks) == len(fairness.groupings)
    assert ax.get_yticklabels()[0].get_text().startswith("Selection rate ratio")
