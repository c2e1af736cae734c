"""The fairness section's stored comparisons have the engine's coverage.

tests/fairness/test_coverage.py proves the engine by simulation on counts; this
runs the whole section (row bootstrap stratified by group, canonical row order,
effective denominators, reference chosen as the largest group) on simulated
audits with no disparity, and checks that the stored simultaneous intervals hold
the true ratio (1) and difference (0) of every judged comparison as often as
the level promises, and that the default policy does not FAIL.

With N audits an observed coverage lies within 1.96 * sqrt(.95 * .05 / N) of the
true one 95% of the time: 2.5 points at N = 300, so the floor of 92% leaves 3
points (2.4 standard errors) before a correct method fails. Measured (N = 300,
ratio / difference scale): unweighted (rates resampled as cell counts) 95.3 / 95.3%
(selection rate), 97.0 / 97.3% (TPR and FPR together); weighted (weights 1 or 3,
row bootstrap, Kish's effective sizes) 97.0 / 97.0% and 96.3 / 95.3%; no FAIL.
"""

from __future__ import annotations

import numpy as np
import pytest

from auditor import Auditor, FairnessSection, Status

N = 300
MIN_COVERAGE = 0.92


def _coverage(weighted: bool):
    sizes = (450, 300, 250)
    codes = np.repeat(np.arange(3), sizes)
    groups = np.array(["a", "b", "c"])[codes]
    covered = {(key, scale): [] for key in ("selection_rate", "equalized_odds") for scale in ("ratio", "difference")}
    fails = 0
    for i in range(N):
        rng = np.random.default_rng(1000 + i)
        y = rng.random(len(codes)) < 0.4  # the same base rate, TPR 0.7 and FPR 0.2 in every group
        p = rng.random(len(codes)) < np.where(y, 0.7, 0.2)
        w = rng.choice([1.0, 3.0], len(codes)) if weighted else None
        r = Auditor.from_predictions(y.astype(int), p.astype(int), sensitive_features=groups, sample_weight=w,
                                     n_bootstrap=400, random_state=i,
                                     sections=[FairnessSection(proxies=False, mitigation=False)]).run()
        g = r.fairness.groupings[0]
        for key, scale in covered:
            judged = g.family(key).judged()
            assert len(judged) == (2 if key == "selection_rate" else 4)
            truth = 1.0 if scale == "ratio" else 0.0  # each scale's intervals hold together at the level
            covered[key, scale].append(all(getattr(c, scale).ci_low <= truth <= getattr(c, scale).ci_high
                                           for c in judged))
        fails += any(f.status is Status.FAIL for f in r.findings if f.section == "fairness")
    return {f"{k} {s}": float(np.mean(v)) for (k, s), v in covered.items()}, fails / N


@pytest.mark.slow
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_no_disparity_is_covered_and_does_not_fail(weighted):
    coverage, fail_rate = _coverage(weighted)
    assert min(coverage.values()) >= MIN_COVERAGE, coverage
    # a FAIL needs an interval wholly past the limit: with no disparity at these sizes, never
    assert fail_rate <= 0.01


if __name__ == "__main__":  # python tests/sections/test_fairness_coverage.py: the numbers in the docstring
    for weighted in (False, True):
        print("weighted" if weighted else "unweighted", _coverage(weighted))
