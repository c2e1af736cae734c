"""dalex's fairness_check ratios, from the exact rates, against dalex itself."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from auditor.fairness.dalex_check import DALEX_METRICS, dalex_fairness_check

dx = pytest.importorskip("dalex")


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    n = 1500
    group = rng.choice(np.array(["a", "b", "c"]), size=n, p=[0.5, 0.3, 0.2])
    x1 = rng.normal(size=n) + (group == "b") * 0.6 - (group == "c") * 0.5
    x2 = rng.normal(size=n)
    y = (x1 + 0.5 * x2 + rng.normal(scale=0.8, size=n) > 0.3).astype(int)
    X = pd.DataFrame({"x1": x1, "x2": x2})
    model = LogisticRegression().fit(X, y)
    return model, X, y, group


def test_ratios_and_verdict_match_dalex(fitted, capsys):
    model, X, y, group = fitted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exp = dx.Explainer(model, X, y, verbose=False)
        mf = exp.model_fairness(protected=group, privileged="a")
    y_pred = exp.y_hat >= 0.5  # dalex's cutoff
    codes = pd.Categorical(group, categories=["a", "b", "c"]).codes
    res = dalex_fairness_check(y, y_pred, codes, privileged=0, epsilon=0.8)
    assert [m.metric for m in res.metrics] == list(DALEX_METRICS)
    for m in res.metrics:
        assert m.ratios[0] is None
        for g, label in ((1, "b"), (2, "c")):
            theirs = mf.result.loc[label, m.metric]
            # dalex rounds each rate to 3 decimals before dividing: from our exact rates that is its number...
            rounded = round(m.values[g], 3) / round(m.values[0], 3)
            assert theirs == pytest.approx(rounded, rel=1e-12), (m.metric, label)
            # ...and the exact ratio differs from it by no more than the rounding allows
            bound = 0.0005 * (1 + rounded) / (m.values[0] - 0.0005)
            assert abs(m.ratios[g] - theirs) <= bound
            mask = group == label
            ref = group == "a"
            assert m.values[g] == pytest.approx(_rate(m.metric, y[mask], y_pred[mask]), abs=1e-15)
            assert m.values[0] == pytest.approx(_rate(m.metric, y[ref], y_pred[ref]), abs=1e-15)
    # the data plant gaps in some metrics and not others, so the count has something to agree on
    assert 1 <= res.n_exceeded < 5
    capsys.readouterr()
    mf.fairness_check(epsilon=0.8)
    printed = capsys.readouterr().out
    assert printed.splitlines()[0] == f"Bias detected in {res.n_exceeded} metrics: {', '.join(res.exceeded)}"
    conclusion = {"not_fair": "is not fair", "cannot_be_called_fair": "cannot be called fair",
                  "fair": "is fair"}[res.conclusion]
    assert conclusion in printed


def _rate(metric, t, p):
    """The five rates by hand from boolean masks."""
    t, p = t.astype(bool), p.astype(bool)
    return {
        "TPR": (t & p).sum() / t.sum(),
        "ACC": (t == p).mean(),
        "PPV": (t & p).sum() / p.sum(),
        "FPR": (~t & p).sum() / (~t).sum(),
        "STP": p.mean(),
    }[metric]


def test_zero_ratios_count_and_zero_references_are_undefined():
    # group 1 selects nobody (dalex would make its ratio NaN and not count it); group 2 is the privileged one
    y_true = np.array([1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0])
    y_pred = np.array([1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0])
    codes = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    res = dalex_fairness_check(y_true, y_pred, codes, privileged=2)
    stp = res.metrics[4]
    assert stp.metric == "STP" and stp.ratios[1] == 0.0 and 1 in stp.outside
    ppv = res.metrics[2]
    assert ppv.ratios[1] is None and "precision is undefined" in ppv.reasons[1]
    # group 0: selection 3/4 against 2/4 -> 1.5 > 1.25
    assert stp.ratios[0] == pytest.approx(1.5) and 0 in stp.outside
    assert res.conclusion == "not_fair" and "STP" in res.exceeded
    zero_ref = dalex_fairness_check(y_true, y_pred, codes, privileged=1)
    assert zero_ref.metrics[4].ratios[0] is None and "privileged group's selection_rate is 0" in zero_ref.metrics[4].reasons[0]
