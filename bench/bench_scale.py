"""How the default audit scales with rows: wall time and peak memory per stage.

    python bench/bench_scale.py                     # 100,000 and 1,000,000 rows
    python bench/bench_scale.py --rows 20000 100000 --n-jobs 2
    python bench/bench_scale.py --rows 100000 --dask  # also through Dask (LocalCluster), from Parquet

Synthetic binary data: 30 columns (24 numeric, 6 categorical, two of them the
sensitive features), a one-hot + HistGradientBoosting pipeline trained on 20,000
rows, the default audit (every section). Each size runs in a fresh process, so
peak RSS is the size's own: the larger of the process's ``ru_maxrss`` and the
summed RSS of the process and its worker processes, sampled every 0.2 s.
Prints the stage table and the ratio of each size's total to the smallest size's,
measured in the same run. Goal on a 2-core machine: 1M rows within 10x of 100k,
peak RSS under 3 GB, 100k under 60 s. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_NUMERIC, N_CATEGORICAL = 24, 6


def make_data(n_rows: int, seed: int = 0):
    """Features, a binary target and two sensitive columns, deterministic in the seed."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n_rows, N_NUMERIC)), columns=[f"x{i}" for i in range(N_NUMERIC)])
    for j in range(N_CATEGORICAL - 2):
        X[f"c{j}"] = pd.Categorical(rng.choice([f"v{k}" for k in range(5 + 3 * j)], n_rows))
    X["sex"] = pd.Categorical(rng.choice(["female", "male"], n_rows, p=[0.45, 0.55]))
    X["region"] = pd.Categorical(rng.choice(["north", "south", "east", "west"], n_rows))
    logit = X["x0"] - 0.8 * X["x1"] + 0.5 * X["x2"] * X["x3"] + 0.3 * (X["c0"].cat.codes - 2) + 0.2 * (X["sex"] == "male")
    y = pd.Series((logit + rng.logistic(size=n_rows) > 0.5).astype(int), name="approved")
    return X, y


def make_model(seed: int = 0):
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    X, y = make_data(20_000, seed=seed + 1)
    cats = [c for c in X.columns if str(X[c].dtype) == "category" and c != "sex"]
    nums = [c for c in X.columns if c.startswith("x")]
    pre = ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), cats),
                             ("num", "passthrough", nums)])
    model = Pipeline([("pre", pre), ("clf", HistGradientBoostingClassifier(max_iter=100, random_state=seed))])
    return model.fit(X.drop(columns=["sex"]), y)


def one_size(n_rows: int, n_jobs: int | None, engine: str) -> dict:
    """Run one audit in this process and return its timings and peak RSS."""
    from auditor import Auditor

    model = make_model()
    t = time.perf_counter()
    X, y = make_data(n_rows)
    data_s = time.perf_counter() - t
    stages: dict[str, float] = {}
    if engine == "dask":
        import dask.dataframe as dd
        from dask.distributed import Client, LocalCluster

        folder = Path(tempfile.mkdtemp())
        X.assign(approved=y).to_parquet(folder / "data.parquet", row_group_size=max(1, n_rows // 8))
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True)
        client = Client(cluster)
        frame = dd.read_parquet(folder / "data.parquet")
        X, y = frame.drop(columns=["approved"]), frame["approved"]
    sampler = _TreeRss()
    t = time.perf_counter()
    auditor = Auditor(model, X, y, sensitive_features=["sex", "region"], n_jobs=n_jobs)
    stages["validate"] = time.perf_counter() - t

    def progress(stage: str, event: str, seconds: float | None) -> None:
        if event != "start":
            stages[stage] = stages.get(stage, 0.0) + (seconds or 0.0)

    t = time.perf_counter()
    result = auditor.run(progress=progress)
    total = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        result.save(Path(d) / "r.json")
        result.save(Path(d) / "r.html")
        stages["report files"] = time.perf_counter() - t
    if engine == "dask":
        client.close()
        cluster.close()
    tree_peak = sampler.stop()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the workers (TreeSHAP's loky processes) live on after the audit, so ru_maxrss of
    # the children would count only those that happened to exit: the sampled sum of
    # the process tree is what the machine had to hold at once
    return {"rows": n_rows, "data": data_s, "stages": stages, "run": total, "total": total + stages["report files"],
            "peak_rss_mb": max(own, tree_peak), "main_rss_mb": own, "tree_rss_mb": tree_peak,
            "failures": [f.section for f in result.failures], "engine": engine}


class _TreeRss:
    """Peak of the summed RSS of this process and its children, sampled every 0.2 s."""

    def __init__(self) -> None:
        import threading

        import psutil

        self._me, self._peak, self._stop = psutil.Process(), 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(0.2):
            total = 0
            for p in [self._me, *self._me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self._peak = max(self._peak, total / 2**20)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self._peak


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--n-jobs", type=int, default=None)
    p.add_argument("--dask", action="store_true", help="also run each size through Dask")
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)
    p.add_argument("--engine", default="memory", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.one is not None:
        print(json.dumps(one_size(args.one, args.n_jobs, args.engine)))
        return 0
    runs = []
    engines = ["memory"] + (["dask"] if args.dask else [])
    for engine in engines:
        for n in args.rows:
            cmd = [sys.executable, __file__, "--one", str(n), "--engine", engine]
            if args.n_jobs is not None:
                cmd += ["--n-jobs", str(args.n_jobs)]
            out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
            if out.returncode != 0:
                print(out.stderr[-3000:], file=sys.stderr)
                return 1
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            r = runs[-1]
            print(f"{engine:>6} {n:>10,} rows: {r['total']:7.1f} s, peak RSS {r['peak_rss_mb']:7.0f} MB", flush=True)
    stages = list(dict.fromkeys(k for r in runs for k in r["stages"]))
    print()
    print(f"{'stage':<16}" + "".join(f"{r['engine'][:3]} {r['rows']:>9,}" for r in runs))
    for s in stages:
        print(f"{s:<16}" + "".join(f"{r['stages'].get(s, float('nan')):>13.2f}" for r in runs))
    print(f"{'total (s)':<16}" + "".join(f"{r['total']:>13.2f}" for r in runs))
    print(f"{'peak RSS (MB)':<16}" + "".join(f"{r['peak_rss_mb']:>13.0f}" for r in runs))
    print(f"{'  main process':<16}" + "".join(f"{r.get('main_rss_mb', float('nan')):>13.0f}" for r in runs))
    print(f"{'  with workers':<16}" + "".join(f"{r.get('tree_rss_mb', float('nan')):>13.0f}" for r in runs))
    base = runs[0]
    for r in runs[1:]:
        if r["engine"] == base["engine"]:
            print(f"{r['rows']:,} / {base['rows']:,} rows: {r['total'] / base['total']:.1f}x the time "
                  f"({r['rows'] / base['rows']:.0f}x the rows)")
    failed = [(r["rows"], r["failures"]) for r in runs if r["failures"]]
    if failed:
        print(f"sections that failed: {failed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
