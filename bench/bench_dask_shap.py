"""TreeSHAP in memory against TreeSHAP on the workers of a local Dask cluster.

    PYTHONPATH=. python bench/bench_dask_shap.py [n_rows] [n_partitions]

(``PYTHONPATH=.``: the script's folder, not the checkout, heads ``sys.path``, and the
workers inherit it.) Prints the seconds of each audit and the largest difference
between their mean |SHAP| (the same rows explained by the same code: sums added
in another order). On 2 shared cores, 200,000 rows in 8 partitions: 15.1 s in
memory (TreeSHAP in 2 processes), 19.6 s on 2 local workers (predictions, TreeSHAP
and the 20,000-row sample's bootstrap included); difference 3.3e-15. A local
cluster adds transfers and a second pass over the rows; the point is the rows
that never fit one machine.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd


def main(n: int = 200_000, npartitions: int = 8) -> None:
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder

    from auditor import Auditor
    from auditor.sections.shap import ShapSection

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"income": rng.lognormal(3, 0.5, n), "score": rng.normal(size=n),
                      "tenure": rng.integers(0, 30, n).astype(float),
                      "region": rng.choice(["north", "south", "east", "west"], n), "sex": rng.choice(["F", "M"], n)})
    y = pd.Series((rng.random(n) < 1 / (1 + np.exp(-X["score"]))).astype(int), name="approved")
    pre = ColumnTransformer([("cat", OrdinalEncoder(), ["region"])], remainder="passthrough")
    model = make_pipeline(pre, HistGradientBoostingClassifier(max_iter=40, categorical_features=[0], random_state=0))
    model.fit(X[["income", "score", "tenure", "region"]].iloc[:20_000], y.iloc[:20_000])
    sections = [ShapSection()]

    t0 = time.perf_counter()
    mem = Auditor(model, X, y, sensitive_features=["sex"], sections=sections, n_bootstrap=100).run(progress=False)
    t_mem = time.perf_counter() - t0
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        frame = client.persist(dd.from_pandas(pd.concat([X, y], axis=1), npartitions=npartitions, sort=False))
        t0 = time.perf_counter()
        dsk = Auditor(model, frame.drop(columns="approved"), frame["approved"], sensitive_features=["sex"],
                      sections=sections, n_bootstrap=100).run(progress=False)
        t_dask = time.perf_counter() - t0
    a = {f.feature: f.mean_abs[0].value for f in mem.sections["shap"].features}
    b = {f.feature: f.mean_abs[0].value for f in dsk.sections["shap"].features}
    print(f"{n:,} rows, {npartitions} partitions: in memory {t_mem:.1f} s, on 2 Dask workers {t_dask:.1f} s "
          f"(predictions included); max |mean |SHAP| difference| {max(abs(a[k] - b[k]) for k in a):.2e}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
