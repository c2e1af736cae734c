"""Power of the four-fifths check: coverage and verdict rates against the true ratio and group size.

    python bench/bench_fairness_power.py [--datasets 1000] [--resamples 1000] [--groups 2] [--seed 0]

For each true selection-rate ratio (0.6 ... 1.0) and rows per group (30 ... 3000)
it simulates ``--datasets`` audits: a reference group selecting 40% and
``--groups - 1`` others, the last at the true ratio, the rest equal to the
reference. Each audit draws the groups' counts, bootstraps them within groups
(the count-level bootstrap, equal in distribution to the audit's row bootstrap)
and runs the engine: simultaneous 95% intervals of every group's ratio to the
reference (auditor.fairness.reference) and the check "every ratio within
[0.8, 1.25]" (auditor.fairness.checks.ratio_check). Columns:

  coverage   share of audits whose intervals all hold the true ratios (nominal 95%)
  PASS/INC/FAIL   verdict shares; a ratio of exactly 0.8 is acceptable
  se cov     coverage of the alternative the engine rejected for rates: max-t with the
             bootstrap's own standard deviation instead of the binomial bootstrap-t
  old cov, old FAIL   the same for today's disparity (auditor.fairness.disparity,
                      worst ratio to the reference, bootstrapped as a whole)

Monte Carlo standard error of a share p over N audits: sqrt(p (1 - p) / N),
0.7 points at p = 0.95 and N = 1000. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RATIOS = (0.6, 0.7, 0.75, 0.8, 0.85, 1.0)
SIZES = (30, 100, 300, 1000, 3000)
REFERENCE_RATE = 0.4
EPSILON = 0.8


def run(ratio: float, size: int, n_groups: int, n_datasets: int, n_resamples: int, rng: np.random.Generator) -> dict:
    from auditor.fairness.checks import ratio_check
    from auditor.fairness.counts import resample_cells
    from auditor.fairness.disparity import DisparitySpec, compute_disparity
    from auditor.fairness.reference import GroupMetric, compare_to_reference
    from auditor.policy._judge import judge
    from auditor.results import Estimate, Status

    rates = np.full(n_groups, REFERENCE_RATE)
    rates[-1] = REFERENCE_RATE * ratio
    true_ratio = rates / rates[0]
    true_worst = float(np.minimum(true_ratio, 1 / true_ratio).min())
    old_spec = DisparitySpec("selection_rate_ratio", "", ("selection_rate",), "benefit_ratio")
    n = np.full(n_groups, float(size))
    eligible = np.ones(n_groups, dtype=bool)
    covered, se_covered, status, old_covered, old_fail = [], [], [], [], []
    chunk = 100
    done = 0
    while done < n_datasets:
        s = min(chunk, n_datasets - done)
        picked = rng.binomial(size, rates, size=(s, n_groups))
        cells = np.stack([size - picked, picked], axis=-1)  # (s, G, 2): not selected, selected
        boot = resample_cells(cells, n_resamples, rng)[..., 1] / size  # (B, s, G)
        point = picked / size
        for i in range(s):
            fam = compare_to_reference([GroupMetric("selection_rate", point[i], eligible, boot[:, i], n_effective=n)],
                                       reference=0)
            ok = all(c.ratio.ci_low is not None and c.ratio.ci_low <= true_ratio[c.group] <= c.ratio.ci_high
                     for c in fam.judged())
            covered.append(ok)
            status.append(ratio_check(fam, EPSILON).status)
            plain = compare_to_reference([GroupMetric("selection_rate", point[i], eligible, boot[:, i])], reference=0)
            se_covered.append(all(c.ratio.ci_low is not None and c.ratio.ci_low <= true_ratio[c.group] <= c.ratio.ci_high
                                  for c in plain.judged()))
            old = compute_disparity(old_spec, labels=tuple(map(str, range(n_groups))),
                                    point={"selection_rate": point[i]}, replicates={"selection_rate": boot[:, i]},
                                    eligible={"selection_rate": eligible}, reference=0, confidence_level=0.95,
                                    min_group_size=30).vs_reference
            old_covered.append(old.ci_low is not None and old.ci_low <= true_worst <= old.ci_high)
            old_fail.append(old.value is not None and judge(Estimate(old.value, old.ci_low, old.ci_high), EPSILON, ">=")
                            is Status.FAIL)
        done += s
    st = np.array(status)
    return {"coverage": np.mean(covered), "se_coverage": np.mean(se_covered), "pass": np.mean(st == "pass"),
            "inconclusive": np.mean(st == "inconclusive"), "fail": np.mean(st == "fail"),
            "old_coverage": np.mean(old_covered), "old_fail": np.mean(old_fail)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=1000, help="simulated audits per cell of the table")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples per audit")
    parser.add_argument("--groups", type=int, default=2, help="groups, the reference included")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"Four-fifths check (every ratio to the reference within [{EPSILON}, {1 / EPSILON:g}]), "
          f"{args.groups} groups, reference selection rate {REFERENCE_RATE}, {args.datasets} audits per row, "
          f"{args.resamples} resamples, 95% simultaneous intervals")
    header = (f"{'true ratio':>10} {'rows/group':>10} {'coverage':>9} {'PASS':>6} {'INC':>6} {'FAIL':>6} "
              f"{'se cov':>7} {'old cov':>8} {'old FAIL':>9}")
    print(header)
    print("-" * len(header))
    t0 = time.perf_counter()
    for ratio in RATIOS:
        for size in SIZES:
            r = run(ratio, size, args.groups, args.datasets, args.resamples, rng)
            print(f"{ratio:>10.2f} {size:>10,} {r['coverage']:>9.3f} {r['pass']:>6.3f} {r['inconclusive']:>6.3f} "
                  f"{r['fail']:>6.3f} {r['se_coverage']:>7.3f} {r['old_coverage']:>8.3f} {r['old_fail']:>9.3f}", flush=True)
        print()
    print(f"{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
