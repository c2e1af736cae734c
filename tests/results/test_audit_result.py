"""The result record: JSON round-trip, no NaN tokens, a verdict that cannot lie."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from auditor import Auditor, AuditResult, Status
from auditor.results import Estimate, Finding, SerialisationError, to_jsonable


@pytest.fixture(scope="module")
def result(binary_data, binary_pipeline):
    X, y = binary_data
    return Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=50).run()


def test_json_round_trip_is_equal(result, tmp_path):
    text = result.to_json()
    assert AuditResult.from_json(text) == result
    path = result.save(tmp_path / "audit.json")
    assert AuditResult.from_json(path) == result
    assert AuditResult.from_json(str(path)) == result


def test_json_has_no_nan_or_infinity(result):
    text = result.to_json()
    for token in ("NaN", "Infinity"):
        assert token not in text
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard constant {c}"))


def test_non_finite_float_is_refused():
    bad = Estimate(value=math.nan)
    with pytest.raises(SerialisationError, match=r"Expected a finite number at \$.value"):
        to_jsonable(bad)


def test_estimate_of_turns_nan_into_reason():
    e = Estimate.of(float("nan"), (0.1, 0.2), undefined_reason="no positives")
    assert e == Estimate(value=None, reason="no positives")
    assert Estimate.of(0.5, (float("nan"), 0.7)) == Estimate(value=0.5, ci_low=None, ci_high=0.7)


def test_tuples_and_nested_types_survive(result):
    d = result.to_dict()
    again = AuditResult.from_dict(json.loads(json.dumps(d)))
    assert isinstance(again.performance.metrics, tuple)
    assert isinstance(again.verdict, Status)


def test_unknown_field_and_wrong_schema_are_refused(result):
    d = result.to_dict()
    d["surprise"] = 1
    with pytest.raises(SerialisationError, match=r"Unexpected fields \['surprise'\]"):
        AuditResult.from_dict(d)
    d = result.to_dict()
    d["schema_version"] = "9.0"
    with pytest.raises(SerialisationError, match="incompatible auditor version"):
        AuditResult.from_dict(d)


def test_verdict_must_match_findings(result):
    failing = Finding(check="x", section="performance", status=Status.FAIL, title="t", message="m")
    with pytest.raises(ValueError, match="Expected verdict FAIL"):
        dataclasses.replace(result, findings=(failing,))
    assert result.with_findings((failing,)).verdict is Status.FAIL


def test_result_is_frozen(result):
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.verdict = Status.FAIL  # type: ignore[misc]


def test_save_rejects_unknown_suffix(result, tmp_path):
    with pytest.raises(ValueError, match="Expected a path ending in one of"):
        result.save(tmp_path / "audit.xlsx")
    assert not list(tmp_path.iterdir())


def test_provenance(result):
    p = result.provenance
    assert p.random_state == 0
    assert p.data_fingerprint.startswith("sha256:") and p.model_fingerprint.startswith("sha256-canonical:")
    assert {"scikit-learn", "shap", "fairlearn", "python"} <= set(p.library_versions)
    assert result.summary.n_rows == 600 and result.summary.task == "binary"
