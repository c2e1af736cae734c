"""The Auditor: one validated pass, reproducible, never touching the user's objects."""

from __future__ import annotations

import dataclasses

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from auditor import Auditor, Section, SectionResult, Status
from auditor.sections import PerformanceSection
from tests.helpers import json_without_timestamp


def test_same_seed_same_json(binary_data, binary_pipeline):
    X, y = binary_data
    a = Auditor(binary_pipeline, X, y, sensitive_features=["group"], random_state=3, n_bootstrap=100).run()
    b = Auditor(binary_pipeline, X, y, sensitive_features=["group"], random_state=3, n_bootstrap=100).run()
    assert json_without_timestamp(a) == json_without_timestamp(b)


def test_index_does_not_change_any_number(binary_data, binary_pipeline):
    X, y = binary_data
    base = Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=50).run()
    odd_index = [7] * 300 + list(range(1000, 1300))  # non-unique and non-default
    X2, y2 = X.set_axis(odd_index), y.set_axis(odd_index)
    other = Auditor(binary_pipeline, X2, y2, sensitive_features=["group"], n_bootstrap=50).run()
    # explained rows are named by their index label ("row"); every number stays
    assert _without_row_labels(json_without_timestamp(base)) == _without_row_labels(json_without_timestamp(other))


def _without_row_labels(d):
    if isinstance(d, dict):
        return {k: _without_row_labels(v) for k, v in d.items() if k != "row"}
    if isinstance(d, list):
        return [_without_row_labels(v) for v in d]
    return d


def test_inputs_are_not_modified(binary_data, binary_pipeline):
    X, y = binary_data
    X_before, y_before = X.copy(deep=True), y.copy(deep=True)
    model_hash = joblib.hash(binary_pipeline)
    Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=20).run()
    pd.testing.assert_frame_equal(X, X_before)
    pd.testing.assert_series_equal(y, y_before)
    assert joblib.hash(binary_pipeline) == model_hash


def test_predictions_are_computed_once(binary_data, binary_pipeline, monkeypatch):
    """With every section on, the audited rows are transformed once and scored
    once per method (the pipeline's last step on the transformed rows, as
    Pipeline.predict does); explanation sections call the model only on
    perturbed rows."""
    X, y = binary_data
    audited = X.drop(columns=["group"])
    pre, final = binary_pipeline.steps[0][1], binary_pipeline.steps[-1][1]
    full = pre.transform(audited)
    calls = {"transform": 0, "predict": 0, "predict_proba": 0}

    def count(owner, name, is_audited):
        original = getattr(type(owner), name)

        def counted(self, data, *a, _orig=original, **k):
            if is_audited(data):
                calls[name] += 1
            return _orig(self, data, *a, **k)

        monkeypatch.setattr(type(owner), name, counted)

    def same_frame(d):
        return isinstance(d, pd.DataFrame) and d.shape == audited.shape and d.reset_index(drop=True).equals(audited)

    def same_matrix(d):
        return hasattr(d, "shape") and d.shape == full.shape and np.array_equal(np.asarray(d), full)

    count(pre, "transform", same_frame)
    count(final, "predict", same_matrix)
    count(final, "predict_proba", same_matrix)
    auditor = Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=10)
    auditor.run()
    auditor.run()
    assert calls == {"transform": 1, "predict": 1, "predict_proba": 1}



def test_large_audits_release_the_model_inputs_once_no_section_left_reads_them(binary_data, binary_pipeline,
                                                                               monkeypatch):
    """Above RELEASE_INPUTS_ROWS the transformed design matrix and the model's
    input frame are dropped right after the last section reading them (SHAP), not
    kept for the rest of the audit nor on the Auditor; every number is the same."""
    import auditor.auditor as auditor_module
    from auditor.artifacts import TRANSFORMED, X_MODEL
    from auditor.context import AuditContext

    X, y = binary_data
    kw = dict(sensitive_features=["group"], n_bootstrap=20, sections=["performance", "importance", "shap",
                                                                     "fairness", "lime"])
    kept = Auditor(binary_pipeline, X, y, **kw).run()
    events = []
    release = AuditContext.release

    def recorded(self, *keys):
        events.append(("release", self.has(TRANSFORMED), self.has(X_MODEL)))
        release(self, *keys)
        assert not self.has(TRANSFORMED) and not self.has(X_MODEL)

    monkeypatch.setattr(AuditContext, "release", recorded)
    monkeypatch.setattr(auditor_module, "RELEASE_INPUTS_ROWS", 100)
    auditor = Auditor(binary_pipeline, X, y, **kw)
    released = auditor.run(progress=lambda stage, event, seconds: events.append((stage, event)))
    assert events.index(("release", True, True)) == events.index(("shap", "done")) + 1
    assert events[events.index(("shap", "done")) + 2] == ("fairness", "start")
    assert auditor._memo_seed == {}
    assert json_without_timestamp(released) == json_without_timestamp(kept)
    # a second run transforms the rows again, to the same numbers
    assert json_without_timestamp(auditor.run()) == json_without_timestamp(kept)


def test_a_section_that_does_not_say_keeps_the_model_inputs(binary_data, binary_pipeline, monkeypatch):
    import auditor.auditor as auditor_module
    from auditor.context import AuditContext

    calls = []
    monkeypatch.setattr(AuditContext, "release", lambda self, *keys: calls.append(keys))
    monkeypatch.setattr(auditor_module, "RELEASE_INPUTS_ROWS", 100)
    X, y = binary_data
    Auditor(binary_pipeline, X, y, sections=["shap", _ReadsDesign(), "fairness"], sensitive_features=["group"],
            n_bootstrap=10).run()
    assert calls == []


def test_length_mismatch_errors_name_the_argument(binary_data, binary_pipeline):
    X, y = binary_data
    with pytest.raises(ValueError, match="Expected y to have 600 rows"):
        Auditor(binary_pipeline, X, y[:-1].to_numpy())
    with pytest.raises(ValueError, match="Expected sample_weight to have 600 rows"):
        Auditor(binary_pipeline, X, y, sample_weight=np.ones(5))
    with pytest.raises(ValueError, match="Expected sensitive_features to have 600 rows"):
        Auditor(binary_pipeline, X, y, sensitive_features=np.array(["a", "b"]))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"random_state": -1}, "Expected random_state to be a non-negative int"),
        ({"random_state": np.random.RandomState(0)}, "Expected random_state"),
        ({"n_bootstrap": -5}, "Expected n_bootstrap"),
        ({"errors": "ignore"}, "Expected errors to be 'record' or 'raise'"),
        ({"sections": ["performance", "magic"]}, "Unknown section 'magic'"),
        ({"sections": ["performance", "performance"]}, r"Got \['performance'\] more than once"),
        ({"sensitive_nan": "drop"}, "Expected sensitive_nan"),
    ],
)
def test_bad_options(binary_data, binary_pipeline, kwargs, message):
    X, y = binary_data
    with pytest.raises((ValueError, TypeError), match=message):
        Auditor(binary_pipeline, X, y, **kwargs)


class _Broken(PerformanceSection):
    """The performance section, broken: it keeps its name, so the policy knows it judges."""

    def compute(self, ctx):
        raise RuntimeError("boom at row 3")


def test_failing_section_is_recorded_and_audit_goes_on(binary_data, binary_pipeline):
    X, y = binary_data
    result = Auditor(binary_pipeline, X, y, sections=[_Broken()]).run()
    assert result.performance is None
    assert result.failures[0].section == "performance"
    assert result.failures[0].error_type == "RuntimeError" and "boom at row 3" in result.failures[0].message
    # the policy judges performance: a failed performance section means its checks
    # could not be made, which a gate must not read as a pass
    assert result.verdict is Status.INCONCLUSIVE
    assert "did not complete" in result.findings[0].title
    with pytest.raises(RuntimeError, match="boom"):
        Auditor(binary_pipeline, X, y, sections=[_Broken()], errors="raise").run()


def test_progress_events(binary_data, binary_pipeline):
    X, y = binary_data
    events = []
    Auditor(binary_pipeline, X, y, n_bootstrap=5, sections=["performance", "fairness"]).run(
        progress=lambda s, e, t: events.append((s, e))
    )
    # fairness has no sensitive features here: skipped, with the event saying so
    assert events == [
        ("predict", "start"), ("predict", "done"), ("performance", "start"), ("performance", "done"),
        ("fairness", "start"), ("fairness", "skipped"),
    ]


def test_guessed_pos_label_is_a_recorded_warning():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=100)})
    y = np.where(X["a"] > 0, ">50K", "<=50K")
    result = Auditor(LogisticRegression().fit(X, y), X, y, n_bootstrap=0).run()
    assert result.summary.pos_label == ">50K"
    assert any("pos_label was not given" in w.message for w in result.warnings)


def test_from_predictions_binary_matches_model_audit(binary_data, binary_pipeline):
    X, y = binary_data
    Xm = X.drop(columns=["group"])
    from_model = Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=50).run()
    proba = binary_pipeline.predict_proba(Xm)[:, 1]
    from_preds = Auditor.from_predictions(
        y, binary_pipeline.predict(Xm), y_score=proba, sensitive_features=X["group"], n_bootstrap=50
    ).run()
    assert from_preds.performance == from_model.performance
    assert not from_preds.summary.has_model and from_preds.provenance.model_fingerprint is None


@dataclasses.dataclass(frozen=True)
class _Rows(SectionResult):
    n: int


class _NeedsModel(Section):
    name = "needs_model_test"
    title = "Needs the model"
    result_type = _Rows
    requires_model = True

    def compute(self, ctx):
        raise AssertionError("must not run")


class _ReadsDesign(Section):
    """A section of one's own, which does not say whether it reads the model's inputs."""

    name = "reads_design_test"
    title = "Reads the design matrix"
    result_type = _Rows

    def compute(self, ctx):
        return _Rows(n=ctx.transformed.shape[0])


def test_from_predictions_skips_model_sections():
    result = Auditor.from_predictions([0, 1, 1, 0], [0, 1, 0, 0], sections=[_NeedsModel()]).run()
    assert result.skipped[0].reason.startswith("needs the fitted model")
    assert result.skipped[0].section == "needs_model_test"


def test_from_predictions_regression_and_multiclass():
    reg = Auditor.from_predictions(np.array([1.5, 2.0, 3.2, 4.1]), np.array([1.4, 2.2, 3.0, 4.4]), n_bootstrap=0).run()
    assert reg.summary.task == "regression"
    assert reg.performance.metric("mean_absolute_error").estimate.value == pytest.approx(0.2)
    mc = Auditor.from_predictions(
        ["a", "b", "c", "a"], ["a", "b", "b", "a"], y_score=np.eye(3)[[0, 1, 1, 0]] * 0.9 + 0.1 / 3, n_bootstrap=0
    ).run()
    assert mc.summary.task == "multiclass" and mc.summary.classes == ("a", "b", "c")
    with pytest.raises(ValueError, match=r"Expected y_score of shape \(4, 3\)"):
        Auditor.from_predictions(["a", "b", "c", "a"], ["a", "b", "b", "a"], y_score=np.ones((4, 2)))


def test_custom_section_options(binary_data, binary_pipeline):
    X, y = binary_data
    result = Auditor(binary_pipeline, X, y, sections=[PerformanceSection(n_bootstrap=0, n_calibration_bins=5)]).run()
    assert result.performance.n_bootstrap == 0
    assert len(result.performance.calibration[0].bin_edges) == 6
    assert dataclasses.is_dataclass(result.performance)
