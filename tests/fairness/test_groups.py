from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor.fairness.groups import apply_bins, build_groupings


def test_bins_by_cut_points_and_quantiles():
    frame = pd.DataFrame({"age": [19, 25, 30, 64, 70], "sex": ["f", "m", "f", "m", "f"]})
    labels, described = apply_bins(frame, {"age": [25, 65]})
    assert list(labels["age"]) == ["under 25", "25 to under 65", "25 to under 65", "25 to under 65", "65 and over"]
    assert described == {"age": ("under 25", "25 to under 65", "65 and over")}
    q, _ = apply_bins(pd.DataFrame({"age": np.arange(100)}), {"age": 4})
    assert q["age"].value_counts().tolist() == [25, 25, 25, 25]


def test_continuous_feature_without_bins_says_how():
    frame = pd.DataFrame({"age": np.arange(50)})
    with pytest.raises(ValueError, match=r"'age' is numeric with 50 distinct values; it needs bins. Pass e.g. FairnessSection\(bins="):
        apply_bins(frame, {})
    # few distinct numbers are categories, not a continuum
    labels, _ = apply_bins(pd.DataFrame({"flag": [0, 1, 1, 0]}), {})
    assert list(labels["flag"]) == ["0", "1", "1", "0"]


@pytest.mark.parametrize("bins, message", [({"income": 3}, "not sensitive features"), ({"age": [30, 30]}, "distinct cut points"),
                                           ({"age": 1}, "at least 2"), ({"sex": [1]}, "numeric values")])
def test_bad_bins(bins, message):
    frame = pd.DataFrame({"age": [20, 40], "sex": ["f", "m"]})
    with pytest.raises((KeyError, ValueError), match=message):
        apply_bins(frame, bins)


def test_intersections_are_only_observed_combinations_in_label_order():
    labels = pd.DataFrame({"sex": ["f", "m", "f", "m"], "race": ["b", "w", "w", "w"]})
    gs = build_groupings(apply_bins(labels, {})[0], depth=2)
    assert [g.name for g in gs] == ["sex", "race", "sex × race"]
    inter = gs[2]
    assert inter.labels == ("f · b", "f · w", "m · w")  # no empty "m · b"
    assert inter.values == (("f", "b"), ("f", "w"), ("m", "w"))
    assert list(inter.codes) == [0, 2, 1, 2]
    assert [g.name for g in build_groupings(apply_bins(labels, {})[0], depth=1)] == ["sex", "race"]


def test_tidy_tables(binary_data, binary_pipeline):
    from auditor import Auditor
    from auditor.fairness import comparison_table, disparity_table, group_table

    X, y = binary_data
    f = Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=20, sections=["fairness"]).run().fairness
    table = group_table(f, "group")
    g = f.grouping("group")
    assert len(table) == sum(len(x.metrics) for x in g.groups)
    row = table[(table.group == "minority") & (table.metric == "selection_rate")].iloc[0]
    est = g.group("minority").metrics["selection_rate"]
    assert (row.value, row.ci_low, row.ci_high, row.rows) == (est.value, est.ci_low, est.ci_high, g.group("minority").count)
    c = comparison_table(f)
    assert len(c) == sum(len(fam.comparisons) for fam in g.families)
    row = c[(c.family == "selection_rate") & (c.group == "minority")].iloc[0]
    comp = g.family("selection_rate").comparison("selection_rate", "minority")
    assert (row.ratio, row.ratio_ci_low, row.difference, row.p_value, row.reference_group) == (
        comp.ratio.value, comp.ratio.ci_low, comp.difference.value, comp.p_value, g.reference_group)
    assert len(comparison_table(f, "rates")) == len(g.family("rates").comparisons)
    assert disparity_table(f).empty and "between" in disparity_table(f).columns  # archives only
    with pytest.raises(KeyError, match="No grouping 'nope'"):
        group_table(f, "nope")
