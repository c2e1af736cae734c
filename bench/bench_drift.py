"""Time the drift and data-quality engines, and the two sections, on synthetic mixed data.

    python bench/bench_drift.py [--rows 100000 1000000] [--columns 30] [--no-sections]

For each size, builds a current and a reference frame of that many rows (half
numeric columns with some missing values, half categorical: pandas categories
and plain object strings), with a few planted shifts, plus a sensitive column,
labels and scores, and prints the time of each engine call. The domain
classifier works on a capped sample (10,000 rows a side) whatever the size.

Then the sections as an audit runs them (``Auditor(..., X_reference=...).run()``
with the data-quality and drift sections only): a logistic regression on
ordinal-encoded columns stands in for the model, so that predicting is cheap;
the drift section's time includes the model's predictions on the reference rows
(computed once, inside it) and its bootstraps, capped at large sizes
(``DriftSection(max_resample_rows=...)``). A benchmark, not a test.
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


def run_sections(n_rows: int, n_columns: int) -> list[tuple[str, float]]:
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OrdinalEncoder

    from auditor import Auditor

    X, R, S, S_ref, y, y_ref, s, s_ref = make_frames(n_rows, n_columns)
    X, R = X.assign(group=S["group"].to_numpy()), R.assign(group=S_ref["group"].to_numpy())
    features = [c for c in X.columns if c != "group"]
    cats = [c for c in features if c.startswith("cat_")]
    nums = [c for c in features if c.startswith("num_")]
    pre = ColumnTransformer([("cat", OrdinalEncoder(), cats), ("num", "passthrough", nums)])
    fit_rows = np.arange(min(n_rows, 50_000))
    # the stand-in model only needs to be fitted and cheap to call; missing values become 0
    model = Pipeline([("pre", pre), ("clf", LogisticRegression(max_iter=200))])
    model.fit(R.iloc[fit_rows][features].fillna({c: 0 for c in nums}), y_ref[fit_rows])

    class FillingModel:
        """The pipeline, called on rows whose missing numbers are filled (logistic regression refuses NaN)."""

        classes_ = model.classes_
        feature_names_in_ = np.array(features, dtype=object)

        def predict(self, frame):
            return model.predict(frame.fillna({c: 0 for c in nums}))

        def predict_proba(self, frame):
            return model.predict_proba(frame.fillna({c: 0 for c in nums}))

    times: dict[str, float] = {}

    def progress(stage, event, seconds):
        if seconds is not None:
            times[stage] = seconds

    t = time.perf_counter()
    Auditor(FillingModel(), X, y, X_reference=R, y_reference=y_ref, sensitive_features=["group"],
            sections=["data_quality", "drift"], n_bootstrap=0).run(progress=progress)
    total = time.perf_counter() - t
    return [("predict (audited rows)", times["predict"]), ("data_quality section", times["data_quality"]),
            ("drift section (incl. reference predictions)", times["drift"]), ("Auditor.run total", total)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--columns", type=int, default=30)
    parser.add_argument("--no-sections", action="store_true", help="time the engines only")
    args = parser.parse_args()
    for n in args.rows:
        times = run(n, args.columns)
        print(f"\n{n:,} rows x {args.columns} columns (current and reference each)")
        for name, seconds in times:
            print(f"  {name:<55s} {seconds:8.2f} s")
        print(f"  {'total':<55s} {sum(t for _, t in times):8.2f} s")
        if not args.no_sections:
            print("  sections, as an audit runs them:")
            for name, seconds in run_sections(n, args.columns):
                print(f"    {name:<53s} {seconds:8.2f} s")


if __name__ == "__main__":
    main()
