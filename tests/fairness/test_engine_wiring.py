"""The engine fed as the fairness section would feed it: row bootstrap, canonical rows, content-ranked strata."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from auditor.bootstrap import bootstrap, canonical_order, content_rank
from auditor.fairness.checks import difference_check, ratio_check
from auditor.fairness.counts import effective_denominators
from auditor.fairness.rates import binary_stats
from auditor.fairness.reference import GroupMetric, compare_to_reference

MIN_SIZE = 30


def _audit(codes, t, p, w, reference, seed=0, n_resamples=400):
    """What auditor/sections/fairness.py would do for one grouping."""
    G = int(codes.max()) + 1
    order = canonical_order(t, p, w)
    strata = content_rank(codes, t, p, w)[order]
    stats = binary_stats(codes[order], G, t[order], p[order], None, False)
    point = {k: v[0] for k, v in stats(w[order][None, :]).items()}
    reps = bootstrap(stats, w[order], n_resamples, np.random.default_rng(seed), strata=strata)
    n_eff = effective_denominators(t, p, codes, G, sample_weight=w)
    raw = {"selection_rate": np.bincount(codes, minlength=G), "true_positive_rate": np.bincount(codes[t], minlength=G),
           "false_positive_rate": np.bincount(codes[~t], minlength=G)}

    def metric(key):
        eligible = np.isfinite(point[key]) & (raw[key] >= MIN_SIZE)
        return GroupMetric(key, point[key], eligible, reps[key], n_effective=n_eff[key])

    four_fifths = compare_to_reference([metric("selection_rate")], reference=reference)
    odds = compare_to_reference([metric("true_positive_rate"), metric("false_positive_rate")], reference=reference)
    return four_fifths, ratio_check(four_fifths, 0.8), odds, difference_check(odds, 0.1)


@pytest.fixture(scope="module")
def rows():
    rng = np.random.default_rng(1)
    codes = rng.choice(4, size=2400, p=[0.47, 0.3, 0.2, 0.03])
    t = rng.random(2400) < 0.4
    # group 2 is selected at about half the reference's rate
    p = rng.random(2400) < np.where(t, 0.7, 0.2) * np.array([1.0, 0.95, 0.5, 1.0])[codes]
    w = rng.choice([1.0, 2.0], size=2400)
    return codes, t, p, w


def test_the_section_path_gives_a_verdict_with_reasons(rows):
    codes, t, p, w = rows
    fam, check, odds, eo = _audit(codes, t, p, w, reference=0)
    assert check.status == "fail" and check.worst == ("selection_rate", 2)
    # group 3 (about 70 rows) has fewer than 30 positives: judged on selection, described only on TPR
    positives = np.bincount(codes[t], minlength=4)
    assert np.bincount(codes)[3] >= MIN_SIZE and positives[3] < MIN_SIZE
    assert {c.group for c in fam.judged()} == {1, 2, 3}
    assert [(c.metric, c.eligible) for c in odds.comparisons if c.group == 3] == [
        ("true_positive_rate", False), ("false_positive_rate", True)]
    assert eo.n_judged == 5
    # weighted data: the effective denominators are below the row counts, so intervals widen rather than lie
    n_eff = effective_denominators(t, p, codes, 4, sample_weight=w)["selection_rate"]
    assert (n_eff < np.bincount(codes)).all() and (n_eff > 0.8 * np.bincount(codes)).all()


def test_same_numbers_in_any_row_order_and_with_groups_renamed(rows):
    codes, t, p, w = rows
    base = _audit(codes, t, p, w, reference=0)
    shuffle = np.random.default_rng(3).permutation(len(codes))
    rename = np.array([3, 1, 0, 2])  # old code -> new code
    moved = _audit(rename[codes[shuffle]], t[shuffle], p[shuffle], w[shuffle], reference=int(rename[0]))
    back = {int(rename[g]): g for g in range(4)}
    for a, b in zip((base[0], base[2]), (moved[0], moved[2])):
        by_old = {(c.metric, back[c.group]): c for c in b.comparisons}
        for c in a.comparisons:
            other = by_old[(c.metric, c.group)]
            assert (other.ratio, other.difference, other.p_value) == (c.ratio, c.difference, c.p_value)
    assert (base[1].status, base[1].value, base[1].ci_low, base[1].ci_high) == (
        moved[1].status, moved[1].value, moved[1].ci_low, moved[1].ci_high)


def test_results_are_json_native(rows):
    codes, t, p, w = rows
    fam, check, odds, eo = _audit(codes, t, p, w, reference=0)
    for obj in (fam, check, odds, eo):
        text = json.dumps(dataclasses.asdict(obj), allow_nan=False)
        assert json.loads(text)
    assert json.loads(json.dumps(dataclasses.asdict(check)))["evidence"] == "large_and_clear"


def test_regression_errors_with_permutation_tests():
    from sklearn.metrics import mean_absolute_error

    from auditor.fairness.checks import ratio_check
    from auditor.fairness.rates import regression_stats
    from auditor.fairness.significance import error_permutation_test

    rng = np.random.default_rng(4)
    codes = rng.choice(3, size=900, p=[0.4, 0.35, 0.25])
    y = rng.normal(size=900) * 3 + 10
    yhat = y + rng.normal(size=900) * np.array([1.0, 1.05, 1.6])[codes]  # group 2 is served worse
    w = np.ones(900)
    order = canonical_order(y, yhat)
    stats = regression_stats(codes[order], 3, y[order], yhat[order], w[order])
    point = stats(w[order][None, :])["mean_absolute_error"][0]
    reps = bootstrap(stats, w[order], 400, np.random.default_rng(0), strata=content_rank(codes, y, yhat)[order])
    p = error_permutation_test(y, yhat, codes, reference=0, n_permutations=499, random_state=np.random.default_rng(1))
    m = GroupMetric("mean_absolute_error", point, np.bincount(codes) >= MIN_SIZE, reps["mean_absolute_error"],
                    p_values=p, test="permutation")
    fam = compare_to_reference([m], reference=0)
    res = ratio_check(fam, 1 / 1.25)  # the error ratio within [0.8, 1.25]
    mae = [mean_absolute_error(y[codes == g], yhat[codes == g]) for g in range(3)]
    for c in fam.comparisons:
        assert c.ratio.value == pytest.approx(mae[c.group] / mae[0], rel=1e-12)
        assert c.ratio_method == "bootstrap-se" and c.test == "permutation" and c.p_value == p[c.group]
    assert res.worst == ("mean_absolute_error", 2) and res.worst_signed > 1.25
    assert res.status == "fail" and res.evidence == "large_and_clear"
    assert p[1] > 0.05  # a 5% larger error is not clear in 300 rows
