from __future__ import annotations

import pytest

from auditor import Auditor, Policy, PolicyError, Status, rejudge
from auditor.policy import judge
from auditor.results import Estimate, PerformancePolicy
from tests.helpers import lenient_policy


@pytest.mark.parametrize(
    "estimate, comparison, status",
    [
        (Estimate(0.8, 0.75, 0.85), ">=", Status.PASS),
        (Estimate(0.6, 0.55, 0.65), ">=", Status.FAIL),
        (Estimate(0.71, 0.68, 0.74), ">=", Status.INCONCLUSIVE),
        (Estimate(0.05, 0.02, 0.08), "<=", Status.PASS),
        (Estimate(0.2, 0.15, 0.25), "<=", Status.FAIL),
        (Estimate(0.1, 0.05, 0.15), "<=", Status.INCONCLUSIVE),
        (Estimate(0.8), ">=", Status.PASS),
        (Estimate(0.6), ">=", Status.FAIL),
        (Estimate.undefined("no positives"), ">=", Status.INCONCLUSIVE),
    ],
)
def test_judge(estimate, comparison, status):
    threshold = 0.7 if comparison == ">=" else 0.1
    assert judge(estimate, threshold, comparison) is status


def test_policy_from_toml(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("[performance]\nmin_roc_auc = 0.8\nmin_r2 = false\n")
    policy = Policy.from_toml(path)
    assert policy == Policy(performance=PerformancePolicy(min_roc_auc=0.8, min_r2=None))
    wrapped = tmp_path / "audit.toml"
    wrapped.write_text("[policy.performance]\nmin_roc_auc = 0.8\n")
    assert Policy.from_toml(wrapped).performance.min_roc_auc == 0.8


def test_policy_errors_name_the_key(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("[performance]\nmin_auc = 0.8\n")
    with pytest.raises(PolicyError, match=r"Unknown key\(s\) \['min_auc'\] in \[performance\]"):
        Policy.from_toml(path)
    path.write_text("[performance]\nmin_roc_auc = 'high'\n")
    with pytest.raises(PolicyError, match="Expected a number"):
        Policy.from_toml(path)
    path.write_text("confidence_level = 0.9\n")
    with pytest.raises(PolicyError, match=r"confidence_level .* is no longer a policy key.*\[audit\] confidence_level"):
        Policy.from_toml(path)
    path.write_text("this is = not toml [")
    with pytest.raises(PolicyError, match="not valid TOML"):
        Policy.from_toml(path)


def test_strict_policy_fails_and_lenient_passes(binary_data, binary_pipeline):
    X, y = binary_data
    strict = lenient_policy(min_roc_auc=0.999)
    lenient = lenient_policy()
    failed = Auditor(binary_pipeline, X, y, policy=strict, n_bootstrap=100).run()
    assert failed.verdict is Status.FAIL
    finding = failed.findings[0]
    assert finding.check == "performance.min_roc_auc" and "below the required minimum of 0.999" in finding.message
    assert Auditor(binary_pipeline, X, y, policy=lenient, n_bootstrap=100).run().verdict is Status.PASS
    # re-judging the archived result needs no recomputation and agrees
    again = rejudge(failed, lenient)
    assert again.verdict is Status.PASS and again.sections == failed.sections and again.config == failed.config
    # the policy cannot carry a computation setting, so a rejudge cannot contradict the numbers
    with pytest.raises(TypeError):
        Policy(confidence_level=0.9)


def test_policy_path_is_accepted(tmp_path, binary_data, binary_pipeline):
    X, y = binary_data
    path = tmp_path / "p.toml"
    path.write_text("[performance]\nmin_roc_auc = 0.999\n")
    result = Auditor(binary_pipeline, X, y, policy=str(path), n_bootstrap=0).run()
    assert result.policy.performance.min_roc_auc == 0.999 and result.verdict is Status.FAIL
