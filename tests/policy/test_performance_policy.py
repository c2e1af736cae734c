"""Performance checks need evidence: too few rows (of any class) is INCONCLUSIVE whatever
the interval says; regression is judged against predicting the mean by default."""

from __future__ import annotations

import numpy as np
import pytest

from auditor import Auditor, Policy, Status, rejudge
from auditor.results import PerformancePolicy


def _perf(result):
    return {f.check: f for f in result.findings if f.section == "performance"}


def test_a_two_row_audit_is_not_evidence():
    r = Auditor.from_predictions([0, 1], [0, 1], y_score=[0.1, 0.9], sections=["performance"], n_bootstrap=50).run()
    auc = r.performance.metric("roc_auc").estimate
    assert (auc.value, auc.ci_low, auc.ci_high) == (1.0, 1.0, 1.0)  # the interval of two rows
    f = _perf(r)["performance.min_roc_auc"]
    assert f.status is Status.INCONCLUSIVE
    assert "only 1 audited row is of class 0, fewer than the 30 a performance check needs" in f.message
    assert r.performance.class_counts == {"0": 1, "1": 1} and r.performance.n_rows == 2
    # turned off, the interval decides again
    off = rejudge(r, Policy(performance=PerformancePolicy(min_rows=None)))
    assert _perf(off)["performance.min_roc_auc"].status is Status.PASS


def test_the_smallest_class_decides():
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(500, int), np.ones(25, int)]
    score = np.clip(y * 0.6 + rng.random(525) * 0.5, 0, 1)
    r = Auditor.from_predictions(y, (score > 0.5).astype(int), y_score=score, sections=["performance"],
                                 n_bootstrap=50).run()
    f = _perf(r)["performance.min_roc_auc"]
    assert f.status is Status.INCONCLUSIVE and "only 25 audited rows are of class 1" in f.message
    assert _perf(rejudge(r, Policy(performance=PerformancePolicy(min_rows=25))))["performance.min_roc_auc"].status is Status.PASS


def test_regression_against_the_mean_and_with_few_rows():
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    y = 2 * x + rng.normal(size=200)
    good = Auditor.from_predictions(y, 2 * x, sections=["performance"], n_bootstrap=100).run()
    f = _perf(good)["performance.min_r2"]
    assert f.status is Status.PASS and f.threshold == 0.0 and "better than always predicting the average" in f.message
    bad = Auditor.from_predictions(y, -x, sections=["performance"], n_bootstrap=100).run()
    f = _perf(bad)["performance.min_r2"]
    assert f.status is Status.FAIL and "no better than always predicting the average" in f.message
    few = Auditor.from_predictions(y[:12], 2 * x[:12], sections=["performance"], n_bootstrap=100).run()
    f = _perf(few)["performance.min_r2"]
    assert f.status is Status.INCONCLUSIVE and "the audit has only 12 rows" in f.message
    r2 = few.performance.metric("r2").estimate.value
    assert r2 == pytest.approx(1 - np.sum((y[:12] - 2 * x[:12]) ** 2) / np.sum((y[:12] - y[:12].mean()) ** 2))
