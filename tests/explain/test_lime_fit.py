"""LIME's local fit per row: its R², and a prediction outside the output's range, warned on."""

from __future__ import annotations

from dataclasses import replace

import pytest

from auditor import Policy, Status
from auditor.policy import lime_findings
from auditor.results import ExplanationPolicy, LimeResult, LimeRow, LimeTerm


def _row(name, local, score, low=0.0, high=1.0):
    return LimeRow(row=name, position=0, reason="r", output="1", true_label="0", predicted_label="1", model_value=0.9,
                   local_value=local, intercept=0.1, score=score, terms=(LimeTerm("a", "a <= 1", 0.2),),
                   output_low=low, output_high=high)


def _lime(*rows):
    return LimeResult(mode="classification", output_space="probability", num_samples=100, discretizer="quartile",
                      kernel_width=1.0, rows=rows, categorical_features=())


def test_a_probability_below_zero_is_a_local_model_that_does_not_fit():
    bad = _row("id-7", -0.135, 0.5)
    assert bad.local_fit_problem(None, 0.1) == "it predicts -0.135, outside the 0 to 1 a probability can take"
    assert bad.local_fit_problem(None, 0.2) is None  # within the tolerance asked for
    assert _row("x", 1.05, 0.5).local_fit_problem(None, 0.1) is None
    assert "explains only 0.01" in _row("x", 0.5, 0.01).local_fit_problem(0.03, 0.1)
    regression = _row("r", 12.0, 0.4, low=0.0, high=10.0)
    assert "outside the 0 to 10 the model's output takes over LIME's samples" in regression.local_fit_problem(None, 0.1)


def test_rows_that_do_not_fit_are_a_warning_naming_them():
    policy = Policy()
    (f,) = lime_findings(_lime(_row("a", 0.4, 0.5), _row("id-7", -0.135, 0.5), _row("c", 0.6, 0.01)), policy)
    assert f.status is Status.WARN and f.groups == ("id-7", "c") and f.section == "lime"
    assert "For 2 of the 3 explained rows" in f.message and "row id-7: it predicts -0.135" in f.message
    assert f.value == pytest.approx(0.01) and f.threshold == ExplanationPolicy().min_lime_local_r2
    (ok,) = lime_findings(_lime(_row("a", 0.4, 0.5)), policy)
    assert ok.status is Status.PASS
    off = Policy(explanations=replace(ExplanationPolicy(), min_lime_local_r2=None, max_lime_range_excess=None))
    assert lime_findings(_lime(_row("id-7", -0.135, 0.5)), off) == []


def test_the_section_records_the_range_of_the_output(diabetes, binary_data, binary_pipeline):
    from auditor import Auditor, LimeSection

    model, X, y = diabetes
    reg = Auditor(model, X, y, sections=[LimeSection(max_auto_rows=2, num_samples=300)], n_bootstrap=0).run().lime
    for row in reg.rows:
        # LIME's min and max of the model's predictions over its samples, the row itself among them
        assert row.output_low <= row.model_value <= row.output_high and row.output_low < row.output_high
    X, y = binary_data
    clf = Auditor(binary_pipeline, X, y, sections=[LimeSection(max_auto_rows=2, num_samples=300)], n_bootstrap=0).run().lime
    assert all((r.output_low, r.output_high) == (0.0, 1.0) for r in clf.rows)
