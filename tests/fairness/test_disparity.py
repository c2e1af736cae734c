from __future__ import annotations

import numpy as np
import pytest

from auditor.fairness.disparity import DisparitySpec, compute_disparity

LABELS = ("a", "b", "c")


def _run(spec, point, eligible=None, reference=0, replicates=None):
    point = {k: np.asarray(v, dtype=float) for k, v in point.items()}
    eligible = eligible or {k: ~np.isnan(v) for k, v in point.items()}
    return compute_disparity(spec, labels=LABELS, point=point, replicates=replicates or {}, eligible=eligible,
                             reference=reference, confidence_level=0.95, min_group_size=30)


def test_ratio_and_difference_by_hand():
    sel = {"selection_rate": [0.5, 0.2, 0.4]}
    ratio = _run(DisparitySpec("r", "r", ("selection_rate",), "benefit_ratio"), sel)
    assert ratio.between.value == pytest.approx(0.2 / 0.5)
    assert (ratio.lowest_group, ratio.highest_group) == ("b", "a")
    # against the reference a: the worst of 0.2/0.5 and 0.4/0.5
    assert ratio.vs_reference.value == pytest.approx(0.4) and ratio.worst_vs_reference == "b"
    diff = _run(DisparitySpec("d", "d", ("selection_rate",), "difference"), sel, reference=2)
    assert diff.between.value == pytest.approx(0.3)
    assert diff.vs_reference.value == pytest.approx(0.2) and diff.worst_vs_reference == "b"


def test_equalized_odds_is_the_worse_of_two_gaps():
    spec = DisparitySpec("eo", "eo", ("true_positive_rate", "false_positive_rate"), "difference")
    d = _run(spec, {"true_positive_rate": [0.8, 0.7, 0.75], "false_positive_rate": [0.1, 0.3, 0.2]})
    assert d.between.value == pytest.approx(0.2)
    assert (d.lowest_group, d.highest_group) == ("a", "b")


def test_small_groups_are_left_out_but_remembered():
    spec = DisparitySpec("d", "d", ("true_positive_rate",), "difference")
    point = {"true_positive_rate": [0.8, 0.75, 0.1]}
    eligible = {"true_positive_rate": np.array([True, True, False])}
    d = _run(spec, point, eligible)
    assert d.between.value == pytest.approx(0.05) and d.n_groups == 2
    assert d.small_groups == ("c",) and d.all_groups_between == pytest.approx(0.7)


def test_undefined_cases_have_reasons():
    spec = DisparitySpec("d", "d", ("true_positive_rate",), "difference")
    d = _run(spec, {"true_positive_rate": [0.8, np.nan, np.nan]})
    assert d.between.value is None and "fewer than two groups are large enough" in d.between.reason
    ratio = _run(DisparitySpec("r", "r", ("selection_rate",), "benefit_ratio"), {"selection_rate": [0.0, 0.0, 0.0]})
    assert ratio.between.value is None and "no group" in ratio.between.reason


def test_replicates_give_an_interval_from_the_same_groups():
    spec = DisparitySpec("d", "d", ("selection_rate",), "difference")
    reps = {"selection_rate": np.column_stack([np.linspace(0.4, 0.6, 101), np.full(101, 0.2), np.full(101, 0.3)])}
    d = _run(spec, {"selection_rate": [0.5, 0.2, 0.3]}, replicates=reps)
    assert d.between.ci_low == pytest.approx(0.2 + 0.005, abs=1e-9) and d.between.ci_high == pytest.approx(0.4 - 0.005, abs=1e-9)
