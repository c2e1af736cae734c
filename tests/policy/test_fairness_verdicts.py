"""Fairness verdicts from the stored comparisons: the engine's checks, Holm across the
audit's checks, findings that name the class, regression judged by default, dalex's
count of metrics, policy ranges, and archives that cannot be re-judged."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.linear_model import LogisticRegression

from auditor import Auditor, AuditResult, FairnessSection, Policy, PolicyError, Status, rejudge
from auditor.fairness.checks import difference_check, ratio_check
from auditor.fairness.significance import holm
from auditor.policy._judge import judge
from auditor.results import Estimate, ExplanationPolicy, FairnessPolicy, PerformancePolicy


def _fair(result):
    return {f.check: f for f in result.findings if f.section == "fairness"}


@pytest.fixture(scope="module")
def three_groups():
    """Group c is selected at about half the rate of a (the largest group)."""
    rng = np.random.default_rng(0)
    n = 3000
    g = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    x = rng.normal(size=n)
    shift = -0.9 * (g == "c")
    y = (x + shift + rng.normal(size=n) > 0).astype(int)
    X = pd.DataFrame({"x": x, "shift": shift})
    model = LogisticRegression().fit(X, y)
    policy = Policy(fairness=FairnessPolicy(max_demographic_parity_difference=0.1, max_equal_opportunity_difference=0.1,
                                            max_predictive_parity_difference=0.1, max_ratio_outside=1))
    result = Auditor(model, X, y, sensitive_features=pd.Series(g, name="g"), n_bootstrap=300, policy=policy,
                     sections=[FairnessSection(proxies=False, mitigation=False)]).run()
    return result


def test_findings_are_the_engines_checks_on_the_stored_families(three_groups):
    r = three_groups
    g = r.fairness.grouping("g")
    findings = _fair(r)
    pairs = {
        "min_selection_rate_ratio": ("selection_rate", "ratio", 0.8),
        "max_demographic_parity_difference": ("selection_rate", "difference", 0.1),
        "max_equalized_odds_difference": ("equalized_odds", "difference", 0.1),
        "max_equal_opportunity_difference": ("equal_opportunity", "difference", 0.1),
        "max_predictive_parity_difference": ("predictive_parity", "difference", 0.1),
    }
    for field, (family, kind, limit) in pairs.items():
        f = findings[f"fairness.{field}[g]"]
        res = (ratio_check if kind == "ratio" else difference_check)(g.family(family), limit)
        assert f.status.value.lower() == res.status or (res.status == "pass" and res.small_crossing)
        assert (f.value, f.ci_low, f.ci_high, f.threshold) == (res.value, res.ci_low, res.ci_high, limit)
        # and the policy's generic judge of those numbers agrees with the check
        assert judge(Estimate(f.value, f.ci_low, f.ci_high), limit, f.comparison) is f.status
        assert f.groups[:2] == (res.worst[1], "a")
    four = findings["fairness.min_selection_rate_ratio[g]"]
    assert four.status is Status.FAIL and four.groups == ("c", "a")
    c = g.family("selection_rate").comparison("selection_rate", "c")
    assert f"the selection rate of c is {c.ratio.value:.3g} times that of the reference group a" in four.message
    assert "adverse impact on c" in four.message and "wholly below the required minimum of 0.8" in four.message


def test_p_values_are_tested_by_scipy_and_holm_adjusted_across_the_checks(three_groups):
    r = three_groups
    g = r.fairness.grouping("g")
    c = g.family("selection_rate").comparison("selection_rate", "b")
    sel = {grp.label: grp for grp in g.groups}
    counts = []
    for label in ("b", "a"):
        n = sel[label].denominators["rows"]
        k = round(sel[label].metrics["selection_rate"].value * n)
        counts.append([k, n - k])
    # the pooled two-proportion z test is Pearson's chi-square without continuity correction
    assert c.test == "z" and c.p_value == pytest.approx(stats.chi2_contingency(counts, correction=False).pvalue, rel=1e-9)
    # Holm across every fairness check of the audit, on each check's worst p-value
    checks = [("min_selection_rate_ratio", "selection_rate", "ratio", 0.8),
              ("max_equalized_odds_difference", "equalized_odds", "difference", 0.1),
              ("max_demographic_parity_difference", "selection_rate", "difference", 0.1),
              ("max_equal_opportunity_difference", "equal_opportunity", "difference", 0.1),
              ("max_predictive_parity_difference", "predictive_parity", "difference", 0.1)]
    worst = [(ratio_check if k == "ratio" else difference_check)(g.family(fam), t).worst_p_value for _, fam, k, t in checks]
    five = ratio_check(_only(g.family("rates"), ("true_positive_rate", "accuracy", "precision", "false_positive_rate",
                                                 "selection_rate")), 0.8)
    adjusted = holm(worst + [five.worst_p_value])
    for (field, *_), p in zip(checks, adjusted):
        message = _fair(r)[f"fairness.{field}[g]"].message
        assert "after Holm's adjustment for the 6 fairness checks of this audit" in message
        shown = re.search(r"p (<|=) ([0-9.e-]+) after Holm", message)
        if shown.group(1) == "<":
            assert p < 0.001
        else:
            assert float(shown.group(2)) == pytest.approx(p, rel=0.05, abs=0.005)


def _only(fam, metrics):
    from dataclasses import replace

    keep = [i for i, m in enumerate(fam.metrics) if m in metrics]
    return replace(fam, metrics=tuple(fam.metrics[i] for i in keep),
                   comparisons=tuple(c for c in fam.comparisons if c.metric in metrics),
                   reference_eligible=tuple(fam.reference_eligible[i] for i in keep))


def test_dalex_style_check_counts_the_rates_outside(three_groups):
    r = three_groups
    g = r.fairness.grouping("g")
    f = _fair(r)["fairness.max_ratio_outside[g]"]
    rates = g.family("rates")
    per = {m: ratio_check(_only(rates, (m,)), 0.8) for m in ("true_positive_rate", "accuracy", "precision",
                                                            "false_positive_rate", "selection_rate")}
    outside = sum(1 for c in per.values() if c.value < 0.8)
    failing = sum(1 for c in per.values() if c.status == "fail")
    open_ = sum(1 for c in per.values() if c.status == "inconclusive")
    assert (f.value, f.ci_low, f.ci_high, f.threshold) == (outside, failing, failing + open_, 1.0)
    expected = Status.FAIL if failing > 1 else Status.PASS if failing + open_ <= 1 else Status.INCONCLUSIVE
    assert f.status is expected and "dalex's fairness check" in f.message
    # the point count equals dalex's own rule on the exact ratios
    for m, c in per.items():
        ratios = [x.ratio.value for x in rates.comparisons if x.metric == m and x.eligible]
        assert (c.value < 0.8) == any(q < 0.8 or q > 1.25 for q in ratios)


def test_multiclass_findings_name_the_class_and_its_base_rates(wine):
    model, X, y = wine
    band = pd.Series(np.where(X["alcohol"] > X["alcohol"].median(), "high", "low"), name="alcohol band")
    r = Auditor(model, X, y, sensitive_features=band, n_bootstrap=200, sections=["performance", "fairness"]).run()
    perf = [f for f in r.findings if f.section == "performance"]
    fair = [f for f in r.findings if f.section == "fairness" and "proxy" not in f.check]
    assert perf and fair  # judged by default
    for f in fair:
        assert re.search(r"(selected as|for) [012]\b", f.message), f.message
    four = _fair(r)["fairness.min_selection_rate_ratio[alcohol band]"]
    assert re.search(r"the share of (high|low) selected as [012]", four.message) and "truly" in four.message


def test_regression_is_judged_by_default(diabetes):
    model, X, y = diabetes
    sex = pd.Series(np.where(X["sex"] > 0, "one", "two"), name="sex")
    r = Auditor(model, X, y, sensitive_features=sex, n_bootstrap=200, sections=["performance", "fairness"]).run()
    r2 = next(f for f in r.findings if f.check == "performance.min_r2")
    assert r2.threshold == 0.0 and r2.status is Status.PASS
    assert "better than always predicting the average" in r2.message
    err = _fair(r)["fairness.max_error_ratio[sex]"]
    g = r.fairness.grouping("sex")
    c = g.family("errors").judged()[0]
    size = max(c.ratio.value, 1 / c.ratio.value)
    assert err.value == pytest.approx(size) and err.threshold == 1.25 and err.comparison == "<="
    assert "mean absolute error" in err.message and "permutation test" in err.message
    assert judge(Estimate(err.value, err.ci_low, err.ci_high), 1.25, "<=") is err.status


def test_a_group_too_small_never_fails_but_blocks_a_pass():
    rng = np.random.default_rng(0)
    n = 2000
    g = np.where(np.arange(n) < 12, "tiny", rng.choice(["p", "q"], n))
    x = rng.normal(size=n)
    x[:12] = -5  # never selected
    y = (x + rng.normal(size=n) > 0).astype(int)
    model = LogisticRegression().fit(x[:, None], y)
    r = Auditor(model, pd.DataFrame({"x": x}), y, sensitive_features=pd.Series(g, name="g"), n_bootstrap=200,
                sections=[FairnessSection(min_group_size=30, proxies=False, mitigation=False)]).run()
    f = _fair(r)["fairness.min_selection_rate_ratio[g]"]
    assert f.status is Status.INCONCLUSIVE and "tiny" in f.groups and "too small to judge" in f.message


def test_policy_thresholds_are_range_checked_naming_the_key(tmp_path):
    bad = [
        ("fairness", "max_equalized_odds_difference", 10, r"fairness.max_equalized_odds_difference to be a difference of rates in \[0, 1\]. Got 10"),
        ("fairness", "min_selection_rate_ratio", 1.25, r"fairness.min_selection_rate_ratio to be a ratio in \(0, 1\]"),
        ("fairness", "min_selection_rate_ratio", 0, r"fairness.min_selection_rate_ratio to be a ratio in \(0, 1\]"),
        ("fairness", "max_error_ratio", 0.8, r"fairness.max_error_ratio to be a ratio of errors in \[1, inf\)"),
        ("fairness", "max_ratio_outside", 6, r"fairness.max_ratio_outside to be a number of dalex's five metrics in \[0, 5\]"),
        ("performance", "min_roc_auc", 1.5, r"performance.min_roc_auc to be an AUC in \[0, 1\]. Got 1.5"),
        ("performance", "min_rows", 0, r"performance.min_rows to be a number of rows in \[1, inf\). Got 0"),
        ("explanations", "min_row_rank_correlation", 2, r"explanations.min_row_rank_correlation to be a correlation in \[-1, 1\]"),
    ]
    for table, key, value, message in bad:
        path = tmp_path / "p.toml"
        path.write_text(f"[{table}]\n{key} = {value}\n")
        with pytest.raises(PolicyError, match=message):
            Policy.from_toml(path)
    with pytest.raises(PolicyError, match="min_roc_auc"):
        PerformancePolicy(min_roc_auc=True)
    with pytest.raises(PolicyError, match=r"performance.min_rows to be a number of rows .* Got 2.5"):
        PerformancePolicy(min_rows=2.5)
    with pytest.raises(PolicyError, match="min_lime_local_r2"):
        ExplanationPolicy(min_lime_local_r2=-0.1)


def test_the_retired_compare_key_says_what_replaced_it(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[fairness]\ncompare = "between_groups"\n')
    with pytest.raises(PolicyError, match=r"fairness.compare .* no longer a policy key: every fairness verdict now "
                                          r"compares each group with the reference group.*reference_groups"):
        Policy.from_toml(path)


def test_a_2_0_archive_loads_renders_and_says_it_cannot_be_rejudged(three_groups):
    from auditor.render import render_html
    from auditor.results import Disparity
    from auditor.results import Estimate as E

    data = json.loads(three_groups.to_json())
    data["schema_version"] = "2.0"
    data["policy"]["fairness"]["compare"] = "between_groups"
    g = data["sections"]["fairness"]["groupings"][0]
    g.pop("families")
    g["disparities"] = [json.loads(json.dumps(Disparity(
        key="selection_rate_ratio", label="Selection rate ratio (four-fifths rule)", metric="selection_rate",
        kind="ratio", between=E(0.5, 0.4, 0.6), lowest_group="c", highest_group="a", vs_reference=E(0.5, 0.4, 0.6),
        reference_group="a", worst_vs_reference="c", n_groups=3).__dict__, default=lambda o: o.__dict__))]
    old = AuditResult.from_json(json.dumps(data))
    assert old.schema_version == "2.1" and old.findings == three_groups.findings  # stored findings kept
    assert old.fairness.groupings[0].disparities[0].between.value == 0.5
    html = render_html(old)
    assert "as this archive stored them" in html
    again = rejudge(old, old.policy)
    (f,) = [x for x in again.findings if x.section == "fairness"]
    assert f.status is Status.INCONCLUSIVE and "cannot be re-judged" in f.message and "Re-run the audit" in f.message
