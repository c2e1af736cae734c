from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from auditor import Auditor, FairnessSection, Policy, PolicyError, Status, rejudge
from auditor.results import FairnessPolicy, PerformancePolicy


def _fairness_findings(result):
    return {f.check: f for f in result.findings if f.section == "fairness"}


def test_toml_policy_drives_adult_verdicts(adult_fairness_audit, tmp_path):
    strict = tmp_path / "strict.toml"
    strict.write_text("[fairness]\nmin_selection_rate_ratio = 0.8\njudge_intersections = false\n")
    lenient = tmp_path / "lenient.toml"
    lenient.write_text(
        "[fairness]\nmin_selection_rate_ratio = 0.05\nmax_equalized_odds_difference = 0.5\n"
        "judge_intersections = false\nproxy_warning_strength = false\n"
    )
    # the session's Adult audit (performance and fairness by sex and race, 200 resamples)
    # judged by each TOML file: a policy holds thresholds only, so rejudging the stored
    # numbers gives the verdicts Auditor(..., policy=path) gives (Auditor reading a
    # TOML path: tests/policy/test_policy.py)
    run = lambda p: rejudge(adult_fairness_audit, Policy.from_toml(p))  # noqa: E731
    failed = run(strict)
    findings = _fairness_findings(failed)
    sex = findings["fairness.min_selection_rate_ratio[sex]"]
    assert failed.verdict is Status.FAIL and sex.status is Status.FAIL
    assert "Female" in sex.message and "Male" in sex.message and "four-fifths rule" in sex.message
    assert sex.groups == ("Female", "Male") and sex.threshold == 0.8
    assert not any("×" in c for c in findings)  # intersections not judged
    passed = run(lenient)
    assert passed.verdict is Status.PASS, [f.message for f in passed.findings if f.status is not Status.PASS]


def _tiny_intersection_data():
    """Two features; one intersection has 12 rows with a very different rate."""
    rng = np.random.default_rng(0)
    n = 2000
    a = rng.choice(["p", "q"], n)
    b = rng.choice(["r", "s"], n)
    b[:12] = "t"
    a[:12] = "p"
    score = rng.random(n)
    score[:12] = 0.05  # the tiny group is never selected
    X = pd.DataFrame({"score": score, "a": a, "b": b})
    y = (rng.random(n) < score).astype(int)
    return X, y


def test_tiny_intersectional_group_is_inconclusive_not_fail():
    X, y = _tiny_intersection_data()
    model = LogisticRegression().fit(X[["score"]], y)
    policy = Policy(
        performance=PerformancePolicy(min_roc_auc=None),
        fairness=FairnessPolicy(min_selection_rate_ratio=0.5, max_equalized_odds_difference=None, proxy_warning_strength=None),
    )
    result = Auditor(model, X, y, sensitive_features=["a", "b"], n_bootstrap=200, policy=policy,
                     sections=[FairnessSection(min_group_size=30)]).run()
    findings = _fairness_findings(result)
    inter = findings["fairness.min_selection_rate_ratio[a × b]"]
    assert inter.status is Status.INCONCLUSIVE, inter.message
    assert "p · t" in inter.groups and "too small to judge" in inter.message
    tiny = result.fairness.grouping("a × b").group("p · t")
    assert tiny.count == 12 and tiny.metrics["selection_rate"].value == 0.0


def test_reference_group_from_options_and_unknown_reference():
    X, y = _tiny_intersection_data()
    model = LogisticRegression().fit(X[["score"]], y)
    result = Auditor(model, X, y, sensitive_features=["a"], n_bootstrap=20,
                     sections=[FairnessSection(reference_groups={"a": "q"})]).run()
    g = result.fairness.grouping("a")
    assert g.reference_group == "q" and g.reference_source == "given"
    assert result.config.section("fairness").options["reference_groups"] == {"a": "q"}
    p_rate, q_rate = (g.group(x).metrics["selection_rate"].value for x in ("p", "q"))
    assert g.family("selection_rate").comparison("selection_rate", "p").ratio.value == pytest.approx(p_rate / q_rate)
    four_fifths = next(f for f in result.findings if f.check == "fairness.min_selection_rate_ratio[a]")
    assert four_fifths.groups == ("p", "q") and "reference group q" in four_fifths.message
    failed = Auditor(model, X, y, sensitive_features=["a"], sections=[FairnessSection(reference_groups={"a": "zzz"})]).run()
    assert "Expected reference_groups['a'] to be one of its groups. Got 'zzz'" in failed.failures[0].message
    assert failed.verdict is Status.INCONCLUSIVE  # a judged section that failed


def test_fairness_policy_and_option_validation():
    with pytest.raises(ValueError, match="Expected min_group_size to be a positive int"):
        FairnessSection(min_group_size=0)
    with pytest.raises(TypeError, match="compare"):
        FairnessPolicy(compare="reference")


def test_moved_fairness_keys_say_where_they_live_now(tmp_path):
    path = tmp_path / "p.toml"
    for key, value in (("min_group_size", "30"), ("reference_groups", '{ sex = "Male" }')):
        path.write_text(f"[fairness]\n{key} = {value}\n")
        with pytest.raises(PolicyError, match=rf"fairness.{key} .* no longer a policy key.*\[sections.fairness\] {key}"):
            Policy.from_toml(path)


def test_false_turns_checks_off_but_keeps_booleans(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[fairness]\nmin_selection_rate_ratio = false\njudge_intersections = false\n')
    fp = Policy.from_toml(path).fairness
    assert fp.min_selection_rate_ratio is None and fp.judge_intersections is False
