"""Time the drift and data-quality engines on synthetic mixed data.

    python bench/bench_drift.py [--rows 100000 1000000] [--columns 30]

For each size, builds a current and a reference frame of that many rows (half
numeric columns with some missing values, half categorical: pandas categories
and plain object strings), with a few planted shifts, plus a sensitive column,
labels and scores, and prints the time of each engine call. The domain
classifier works on a capped sample (10,000 rows a side) whatever the size.
A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def make_frames(n_rows: int, n_columns: int, seed: int = 0):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    letters = np.array([f"level_{i}" for i in range(12)])

    def frame(shift: float):
        cols = {}
        for j in range(n_columns):
            if j % 2 == 0:
                v = rng.normal(shift if j == 0 else 0.0, 1.0, n_rows)
                v[rng.random(n_rows) < 0.02] = np.nan
                cols[f"num_{j}"] = v
            else:
                p = np.full(12, 1 / 12)
                if j == 1 and shift:
                    p = np.r_[np.full(6, 0.12), np.full(6, 0.04667)]
                    p /= p.sum()
                values = letters[rng.choice(12, size=n_rows, p=p)]
                # alternate the two ways categorical data arrives
                cols[f"cat_{j}"] = pd.Categorical(values) if j % 4 == 1 else values.astype(object)
        return pd.DataFrame(cols)

    X, R = frame(0.3), frame(0.0)
    S = pd.DataFrame({"group": rng.choice(["a", "b", "c"], n_rows, p=[0.6, 0.3, 0.1])})
    S_ref = pd.DataFrame({"group": rng.choice(["a", "b", "c"], n_rows, p=[0.6, 0.3, 0.1])})
    s, s_ref = rng.beta(2, 3, n_rows), rng.beta(2, 2.5, n_rows)
    y, y_ref = (rng.random(n_rows) < s).astype(int), (rng.random(n_rows) < s_ref).astype(int)
    return X, R, S, S_ref, y, y_ref, s, s_ref


def run(n_rows: int, n_columns: int) -> list[tuple[str, float]]:
    from auditor import drift, quality

    X, R, S, S_ref, y, y_ref, s, s_ref = make_frames(n_rows, n_columns)
    parts = [
        ("feature drift (KS/chi2, PSI, distances, BH)", lambda: drift.feature_drift(X, R)),
        ("domain classifier (10k a side, 5 folds, importances)", lambda: drift.domain_classifier(X, R, random_state=0)),
        ("prediction drift", lambda: drift.prediction_drift(s, s_ref)),
        ("label drift", lambda: drift.label_drift(y, y_ref)),
        ("group drift (3 groups)", lambda: drift.group_drift(X, R, S, S_ref)),
        ("performance shift, ROC AUC, 200 resamples",
         lambda: drift.performance_shift(y, s, y_ref, s_ref, metric="roc_auc", n_resamples=200)),
        ("CBPE accuracy, 200 resamples", lambda: drift.estimate_performance(s, y_ref, s_ref, n_resamples=200)),
        ("column profiles", lambda: quality.column_profiles(X)),
        ("duplicate rows", lambda: quality.duplicate_rows(X)),
        ("reference coverage", lambda: quality.reference_coverage(X, R)),
        ("group profiles + differential missingness",
         lambda: (quality.group_profiles(X, S, y_true=y), quality.differential_missingness(X, S))),
        ("representation shift", lambda: quality.representation_shift(S, S_ref)),
    ]
    times = []
    for name, fn in parts:
        t = time.perf_counter()
        fn()
        times.append((name, time.perf_counter() - t))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--columns", type=int, default=30)
    args = parser.parse_args()
    for n in args.rows:
        times = run(n, args.columns)
        print(f"\n{n:,} rows x {args.columns} columns (current and reference each)")
        for name, seconds in times:
            print(f"  {name:<55s} {seconds:8.2f} s")
        print(f"  {'total':<55s} {sum(t for _, t in times):8.2f} s")


if __name__ == "__main__":
    main()
