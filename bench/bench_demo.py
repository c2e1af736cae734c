"""Time the Adult demo audit stage by stage.

    python bench/bench_demo.py [--dataset adult|german] [--n-bootstrap 1000] [--repeat 1]

Prints one row per stage (data loading, training, validation, prediction, every
section, findings, HTML rendering, JSON writing) with its wall time and share of
the audit. A benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=("adult", "german"), default="adult")
    parser.add_argument("--n-bootstrap", type=int, default=1000)
    parser.add_argument("--n-jobs", type=int, default=None)
    args = parser.parse_args()

    from auditor import Auditor
    from auditor.demo import make_demo

    rows: list[tuple[str, float]] = []
    t = time.perf_counter()
    setup = make_demo(args.dataset)
    rows.append(("load data + train model", time.perf_counter() - t))

    t = time.perf_counter()
    auditor = Auditor(
        setup.model, setup.X_test, setup.y_test,
        sensitive_features=list(setup.sensitive_features),
        n_bootstrap=args.n_bootstrap, n_jobs=args.n_jobs,
        model_name=setup.model_name, data_name=setup.data_name,
    )
    rows.append(("validate inputs", time.perf_counter() - t))

    def progress(stage: str, event: str, seconds: float | None) -> None:
        if event != "start":
            rows.append((stage if event == "done" else f"{stage} ({event})", seconds or 0.0))

    t = time.perf_counter()
    result = auditor.run(progress=progress)
    run_total = time.perf_counter() - t
    accounted = sum(s for name, s in rows[2:])
    rows.append(("findings + result assembly", run_total - accounted))

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        html = result.save(Path(tmp) / "report.html")
        rows.append(("render + write HTML", time.perf_counter() - t))
        t = time.perf_counter()
        js = result.save(Path(tmp) / "report.json")
        rows.append(("write JSON", time.perf_counter() - t))
        sizes = (os.path.getsize(html), os.path.getsize(js))

    audit_total = sum(s for name, s in rows[1:])
    print(f"\nauditor demo benchmark: {args.dataset}, {len(setup.X_test):,} audited rows, "
          f"n_bootstrap={args.n_bootstrap}, cores={os.cpu_count()}\n")
    print(f"{'stage':<34} {'seconds':>9} {'share of audit':>15}")
    print("-" * 60)
    for name, s in rows:
        share = "" if name.startswith("load data") else f"{100 * s / audit_total:14.1f}%"
        print(f"{name:<34} {s:9.3f} {share:>15}")
    print("-" * 60)
    print(f"{'audit total (validate -> files)':<34} {audit_total:9.3f}")
    print(f"\nHTML {sizes[0] / 1024:,.0f} KiB, JSON {sizes[1] / 1024:,.0f} KiB, verdict {result.verdict.value}")


if __name__ == "__main__":
    main()
