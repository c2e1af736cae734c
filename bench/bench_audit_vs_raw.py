"""The full audit against the raw library calls it builds on, in one process.

    python bench/bench_audit_vs_raw.py [--n-jobs 2] [--lime-samples 5000]

Baseline (what a user would run by hand on the Adult demo pipeline, 16,281 test rows):
  1. shap.TreeExplainer on the transformed test set (every row),
  2. sklearn.inspection.permutation_importance with 5 repeats on the raw columns,
  3. LIME (LimeTabularExplainer) on 10 rows,
  4. fairlearn.metrics.MetricFrame over sex x race.
Then the full audit of the same model and data: every section, HTML and JSON written.
Prints both times and their ratio (target: audit / raw <= 1.0, reached by computing
predictions and transforms once and using every core). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def raw_calls(setup, *, lime_samples: int) -> dict[str, float]:
    import numpy as np
    import shap
    from fairlearn.metrics import MetricFrame, selection_rate, true_positive_rate
    from lime.lime_tabular import LimeTabularExplainer
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import accuracy_score

    model, X, y = setup.model, setup.X_test, setup.y_test
    times = {}

    t = time.perf_counter()
    Xt = model[:-1].transform(X)
    explainer = shap.TreeExplainer(model[-1])
    explainer.shap_values(Xt)
    times["shap TreeExplainer, all rows"] = time.perf_counter() - t

    t = time.perf_counter()
    permutation_importance(model, X, y, scoring="roc_auc", n_repeats=5, random_state=0)
    times["permutation_importance x5"] = time.perf_counter() - t

    t = time.perf_counter()
    cat = [i for i, c in enumerate(X.columns) if str(X[c].dtype) == "category"]
    codes = X.copy()
    names = {}
    for i in cat:
        col = X.columns[i]
        codes[col] = X[col].cat.codes
        names[i] = list(X[col].cat.categories.astype(str)) + ["(missing)"]
        codes.loc[codes[col] < 0, col] = len(names[i]) - 1
    arr = codes.to_numpy(dtype=float)

    def predict_fn(a):
        frame = {}
        for j, col in enumerate(X.columns):
            if j in cat:
                cats = X[col].cat.categories
                idx = a[:, j].astype(int)
                vals = np.where(idx < len(cats), np.asarray(cats, dtype=object)[np.minimum(idx, len(cats) - 1)], None)
                frame[col] = __import__("pandas").Categorical(vals, categories=cats)
            else:
                frame[col] = a[:, j]
        return model.predict_proba(__import__("pandas").DataFrame(frame))

    lime = LimeTabularExplainer(arr, feature_names=list(X.columns), categorical_features=cat,
                                categorical_names=names, random_state=0, discretize_continuous=True)
    for row in range(10):
        lime.explain_instance(arr[row], predict_fn, num_samples=lime_samples)
    times["LIME, 10 rows"] = time.perf_counter() - t

    t = time.perf_counter()
    y_pred = model.predict(X)
    MetricFrame(metrics={"acc": accuracy_score, "sel": selection_rate, "tpr": true_positive_rate},
                y_true=y, y_pred=y_pred, sensitive_features=X[["sex", "race"]])
    times["fairlearn MetricFrame, sex x race"] = time.perf_counter() - t
    return times


def full_audit(setup, *, n_jobs: int | None) -> tuple[float, dict[str, float]]:
    from auditor import Auditor

    stages: dict[str, float] = {}

    def progress(stage, event, seconds):
        if event != "start":
            stages[stage] = seconds or 0.0

    t = time.perf_counter()
    result = Auditor(setup.model, setup.X_test, setup.y_test, sensitive_features=list(setup.sensitive_features),
                     n_jobs=n_jobs, model_name=setup.model_name, data_name=setup.data_name).run(progress=progress)
    with tempfile.TemporaryDirectory() as tmp:
        t_files = time.perf_counter()
        result.save(Path(tmp) / "audit.html")
        result.save(Path(tmp) / "audit.json")
        stages["report files"] = time.perf_counter() - t_files
    return time.perf_counter() - t, stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-jobs", type=int, default=None, help="n_jobs of the audit (default: auditor's default)")
    parser.add_argument("--lime-samples", type=int, default=5000)
    args = parser.parse_args()

    from auditor.demo import make_demo

    setup = make_demo("adult")
    raw = raw_calls(setup, lime_samples=args.lime_samples)
    raw_total = sum(raw.values())
    audit_total, stages = full_audit(setup, n_jobs=args.n_jobs)

    print(f"\nAdult demo pipeline, {len(setup.X_test):,} rows, {os.cpu_count()} cores\n")
    print(f"{'raw library calls':<40} {'seconds':>8}")
    for k, v in raw.items():
        print(f"  {k:<38} {v:8.2f}")
    print(f"{'  total':<40} {raw_total:8.2f}\n")
    print(f"{'full audit (all sections, files written)':<40} {'seconds':>8}")
    for k, v in stages.items():
        print(f"  {k:<38} {v:8.2f}")
    print(f"{'  total':<40} {audit_total:8.2f}\n")
    print(f"ratio audit / raw = {audit_total / raw_total:.2f}  (target <= 1.00)")


if __name__ == "__main__":
    main()
