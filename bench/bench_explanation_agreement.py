"""What LIME-vs-SHAP agreement and LIME's local fit look like when the methods should agree.

    python bench/bench_explanation_agreement.py [--audits 20] [--num-samples 5000]

Simulates audits of models with a known additive structure, where LIME's local
linear model and SHAP should tell the same story (a logistic regression explained
in probability space, a linear regression), and, for contrast, a boosted model of
an interaction LIME's additive local model cannot represent. Each audit explains
the rows the LIME section picks by default (the most confident mistakes, overall
and per group) and runs the agreement section. Printed per model: quantiles over
audits of the median row rank correlation and sign agreement, quantiles over rows
of LIME's local R², and the share of rows whose local model predicts outside the
output's range by more than the policy's max_lime_range_excess. The defaults of ExplanationPolicy were set from
this table (tests/explain/test_agreement_simulation.py keeps a small version of it;
the simulated audits are tests/explain/agreement_simulation.py).
A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def summarise(kind: str, n_audits: int, num_samples: int) -> dict:
    from auditor.results import ExplanationPolicy
    from tests.explain.agreement_simulation import simulate

    rho, sign, r2, outside, rows = [], [], [], 0, 0
    for seed in range(n_audits):
        agreement, lime = simulate(kind, seed, num_samples)
        if agreement.median_row_rank_correlation is not None:
            rho.append(agreement.median_row_rank_correlation)
        if agreement.median_row_sign_agreement is not None:
            sign.append(agreement.median_row_sign_agreement)
        for row in lime.rows:
            rows += 1
            if row.score is not None:
                r2.append(row.score)
            outside += row.local_fit_problem(None, ExplanationPolicy().max_lime_range_excess) is not None
    return {"rho": np.array(rho), "sign": np.array(sign), "r2": np.array(r2), "outside": outside / max(rows, 1),
            "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--audits", type=int, default=20)
    parser.add_argument("--num-samples", type=int, default=5000)
    args = parser.parse_args()
    from auditor.results import ExplanationPolicy

    defaults = ExplanationPolicy()
    print(f"\n{args.audits} simulated audits per model, LIME with {args.num_samples:,} samples per row\n")
    head = (f"{'model':<12} {'rows':>5}  {'median rho: min / 5% / 50%':>28}  {'median sign: min / 50%':>23}  "
            f"{'LIME R²: 1% / 5% / 50%':>24}  {'outside':>7}  {'s':>5}")
    print(head)
    print("-" * len(head))
    for kind in ("logistic", "linear", "interaction"):
        t = time.perf_counter()
        s = summarise(kind, args.audits, args.num_samples)
        q = lambda a, p: np.quantile(a, p) if len(a) else np.nan  # noqa: E731
        print(f"{kind:<12} {s['rows']:>5}  {s['rho'].min():>8.2f} / {q(s['rho'], .05):.2f} / {q(s['rho'], .5):.2f}"
              f"{'':>9}{s['sign'].min():>8.2f} / {q(s['sign'], .5):.2f}{'':>9}"
              f"{q(s['r2'], .01):>8.3f} / {q(s['r2'], .05):.3f} / {q(s['r2'], .5):.3f}  {s['outside']:>7.1%}  "
              f"{time.perf_counter() - t:>5.1f}")
    print(f"\nDefaults: min_row_rank_correlation={defaults.min_row_rank_correlation}, "
          f"min_row_sign_agreement={defaults.min_row_sign_agreement}, min_lime_local_r2={defaults.min_lime_local_r2}, "
          f"max_lime_range_excess={defaults.max_lime_range_excess}")
    print("logistic and linear are additive (the methods should agree); interaction is not.")


if __name__ == "__main__":
    main()
