"""Fairness figures show what they claim: one bar per group, intervals, thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from auditor import Auditor
from auditor.plots._style import STATUS_COLOURS, STATUS_MARKERS
from auditor.plots.fairness import plot_disparities, plot_group_metric, plot_reference_ratios


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


def test_reference_ratios_have_a_dot_and_whisker_per_judged_comparison(fairness):
    ax = plot_reference_ratios(fairness, family="selection_rate", limit=0.8)
    judged = [(g.name, c) for g in fairness.groupings for c in g.family("selection_rate").judged()]
    # one dot per comparison, its marker and colour saying its status (readable in greyscale too)
    markers = {m: st for st, m in STATUS_MARKERS.items()}
    dots = [line for line in ax.lines if line.get_marker() in markers]
    assert len(dots) == len(judged) == len(ax.get_yticklabels())
    assert all(d.get_color() == STATUS_COLOURS[markers[d.get_marker()]] for d in dots)
    assert sorted(d.get_xdata()[0] for d in dots) == pytest.approx(sorted(c.ratio.value for _, c in judged))
    ends = np.array(sorted(tuple(s[:, 0]) for s in ax.collections[0].get_segments()))
    assert np.allclose(ends, sorted((c.ratio.ci_low, c.ratio.ci_high) for _, c in judged))
    band = [line for line in ax.lines if line.get_xdata()[0] in (0.8, 1.25) and line.get_marker() not in markers]
    assert len(band) == 2 and ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert all(" / " in t and t.endswith(")") for t in labels)
    with pytest.raises(KeyError, match="No eligible comparison in family 'nope'"):
        plot_reference_ratios(fairness, family="nope")


def test_archived_disparities_draw_thresholds():
    from auditor.results import Disparity, Estimate, FairnessResult, GroupingResult

    d = Disparity(key="selection_rate_ratio", label="Selection rate ratio (four-fifths rule)", metric="selection_rate",
                  kind="ratio", between=Estimate(0.7, 0.6, 0.8), lowest_group="b", highest_group="a",
                  vs_reference=Estimate(0.7, 0.6, 0.8), reference_group="a", worst_vs_reference="b", n_groups=2)
    g = GroupingResult(name="grp", features=("grp",), groups=(), reference_group="a", reference_source="largest group",
                       disparities=(d,))
    f = FairnessResult(task="binary", sensitive_features=("grp",), groupings=(g,), min_group_size=30,
                       confidence_level=0.95, n_bootstrap=10)
    ax = plot_disparities(f, keys=("selection_rate_ratio",), thresholds={"selection_rate_ratio": 0.8})
    assert len(ax.patches) == 1
    assert len([line for line in ax.lines if np.allclose(line.get_xdata(), 0.8)]) == 1
    assert ax.get_yticklabels()[0].get_text().startswith("Selection rate ratio")
