"""The full audit against the raw library calls it builds on.

    python bench/bench_audit_vs_raw.py [--n-jobs 2] [--lime-samples 5000]
    python bench/bench_audit_vs_raw.py --whole-process 3

The first form times both sides in one process (the model trained once). The
second runs each side as its own Python process, alternating raw / audit (and
audit / raw in the next pair, so drift in the machine's load hits both), and
reports wall time from process start to exit and each process's peak RSS: what a
user waits for, imports and the demo model's training included on both sides.

Baseline (what a user would run by hand on the Adult demo pipeline, 16,281 test rows):
  1. shap.TreeExplainer on the transformed test set (every row),
  2. sklearn.inspection.permutation_importance with 5 repeats on the raw columns,
  3. LIME (LimeTabularExplainer) on 10 rows,
  4. fairlearn.metrics.MetricFrame over sex x race,
  5. drift against the training split: scipy's ks_2samp (numeric) and
     chi2_contingency (categorical) per feature, and a 5-fold domain classifier
     (HistGradientBoosting, cross_val_predict, ROC AUC) on 10,000 rows a side,
  6. missing share per column and sex x race group (pandas).
Then the full audit of the same model and data: every section, HTML, JSON and PDF
written. Prints both times and their ratio (target, issue 13: whole-process
audit / raw <= 0.8). A benchmark, not a test.
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

    t = time.perf_counter()
    raw_drift(setup)
    times["scipy drift tests, domain classifier"] = time.perf_counter() - t
    return times


def raw_drift(setup) -> None:
    import numpy as np
    import pandas as pd
    from scipy.stats import chi2_contingency, ks_2samp
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    ref, cur = setup.X_reference, setup.X_test
    for col in cur.columns:
        if pd.api.types.is_numeric_dtype(cur[col]):
            ks_2samp(ref[col].dropna(), cur[col].dropna())
        else:
            table = pd.crosstab(pd.concat([ref[col], cur[col]], ignore_index=True).astype(str),
                                np.r_[np.zeros(len(ref)), np.ones(len(cur))])
            chi2_contingency(table)
    both = pd.concat([ref.sample(10_000, random_state=0), cur.sample(10_000, random_state=0)], ignore_index=True)
    for col in both.columns:
        if not pd.api.types.is_numeric_dtype(both[col]):
            both[col] = both[col].astype("category")
    side = np.r_[np.zeros(10_000), np.ones(10_000)]
    model = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, categorical_features="from_dtype")
    score = cross_val_predict(model, both, side, cv=StratifiedKFold(5, shuffle=True, random_state=0),
                              method="predict_proba")[:, 1]
    roc_auc_score(side, score)
    groups = [cur["sex"], cur["race"]]
    cur.isna().groupby(groups, observed=True).mean()


def full_audit(setup, *, n_jobs: int | None) -> tuple[float, dict[str, float]]:
    from auditor import Auditor

    stages: dict[str, float] = {}

    def progress(stage, event, seconds):
        if event != "start":
            stages[stage] = seconds or 0.0

    t = time.perf_counter()
    result = Auditor(setup.model, setup.X_test, setup.y_test, sensitive_features=list(setup.sensitive_features),
                     X_reference=setup.X_reference, y_reference=setup.y_reference,
                     reference_name=setup.reference_name, n_jobs=n_jobs, model_name=setup.model_name,
                     data_name=setup.data_name).run(progress=progress)
    with tempfile.TemporaryDirectory() as tmp:
        t_files = time.perf_counter()
        for name in ("audit.html", "audit.json", "audit.pdf"):
            result.save(Path(tmp) / name)
        stages["report files"] = time.perf_counter() - t_files
    return time.perf_counter() - t, stages


def whole_process(pairs: int, extra: list[str]) -> None:
    """Each side in a fresh interpreter, alternating; wall time and peak RSS per run."""
    import statistics
    import subprocess

    runs: dict[str, list[tuple[float, float]]] = {"raw": [], "audit": []}
    for i in range(pairs):
        for side in (("raw", "audit") if i % 2 == 0 else ("audit", "raw")):
            t = time.perf_counter()
            proc = subprocess.Popen([sys.executable, __file__, "--only", side, *extra],
                                    stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - t
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode:
                raise SystemExit(f"the {side} run failed (exit {proc.returncode})")
            runs[side].append((seconds, usage.ru_maxrss / 1024))  # ru_maxrss is in KiB on Linux
            print(f"  pair {i + 1}: {side:<5} {seconds:7.1f} s  peak RSS {usage.ru_maxrss / 1024:6.0f} MB", flush=True)
    med = {k: statistics.median(s for s, _ in v) for k, v in runs.items()}
    rss = {k: max(m for _, m in v) for k, v in runs.items()}
    print(f"\nwhole process, median of {pairs}: raw {med['raw']:.1f} s (peak {rss['raw']:.0f} MB), "
          f"audit {med['audit']:.1f} s (peak {rss['audit']:.0f} MB)")
    print(f"ratio audit / raw = {med['audit'] / med['raw']:.2f}  (target <= 0.80)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-jobs", type=int, default=None, help="n_jobs of the audit (default: auditor's default)")
    parser.add_argument("--lime-samples", type=int, default=5000)
    parser.add_argument("--whole-process", type=int, metavar="PAIRS", default=0,
                        help="run each side in its own process, PAIRS times alternating")
    parser.add_argument("--only", choices=("raw", "audit"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.whole_process:
        extra = ["--lime-samples", str(args.lime_samples)] + (["--n-jobs", str(args.n_jobs)] if args.n_jobs else [])
        whole_process(args.whole_process, extra)
        return

    from auditor.demo import make_demo

    setup = make_demo("adult")
    if args.only == "raw":
        raw_calls(setup, lime_samples=args.lime_samples)
        return
    if args.only == "audit":
        full_audit(setup, n_jobs=args.n_jobs)
        return
    raw = raw_calls(setup, lime_samples=args.lime_samples)
    raw_total = sum(raw.values())
    audit_total, stages = full_audit(setup, n_jobs=args.n_jobs)

    print(f"\nAdult demo pipeline, {len(setup.X_test):,} rows, {os.cpu_count()} cores\n")
    print(f"{'raw library calls':<40} {'seconds':>8}")
    for k, v in raw.items():
        print(f"  {k:<38} {v:8.2f}")
    print(f"{'  total':<40} {raw_total:8.2f}\n")
    print(f"{'full audit (HTML, JSON, PDF written)':<40} {'seconds':>8}")
    for k, v in stages.items():
        print(f"  {k:<38} {v:8.2f}")
    print(f"{'  total':<40} {audit_total:8.2f}\n")
    print(f"ratio audit / raw = {audit_total / raw_total:.2f}  (target <= 1.00)")


if __name__ == "__main__":
    main()
