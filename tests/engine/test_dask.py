"""The Dask engine on a real cluster: the same numbers as in memory, whatever the
partitioning; the stated sample; clear errors; a worker lost mid-audit."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip("dask.distributed")
dd = pytest.importorskip("dask.dataframe")

from auditor import Auditor  # noqa: E402
from auditor.context import stable_seed  # noqa: E402
from auditor.engine.dask import sample_positions  # noqa: E402
from auditor.errors import AuditEngineError, AuditInputError  # noqa: E402
from auditor.sections.fairness import FairnessSection  # noqa: E402
from auditor.sections.shap import ShapSection  # noqa: E402

N_ROWS = 200_000
#: Above EXACT_BOOTSTRAP_ROWS (50,000), so the cell bootstrap path, yet quick.
N_SMALL = 60_000
SECTIONS = ["performance", FairnessSection(intersection_depth=2)]
N_BOOT = 100


def make_rows(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Numeric and categorical features, two sensitive columns, a few missing values."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "income": rng.lognormal(3, 0.5, size=n).round(1),
        "score": rng.normal(size=n),
        "tenure": rng.integers(0, 30, size=n).astype(float),
        "region": rng.choice(["north", "south", "east", "west"], size=n, p=[0.4, 0.3, 0.2, 0.1]),
        "sex": rng.choice(["F", "M"], size=n, p=[0.45, 0.55]),
        "age_band": rng.choice(["<30", "30-50", ">50"], size=n),
    })
    X.loc[rng.random(n) < 0.03, "tenure"] = np.nan
    logit = 0.8 * X["score"] + 0.02 * np.log(X["income"]) + 0.4 * (X["region"] == "north") - 0.3 * (X["sex"] == "F")
    y = pd.Series((rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int), name="approved")
    return X, y


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as c, \
            distributed.Client(c) as client:
        # the workers audit with this checkout's package, not another copy on the path
        import auditor

        where = set(client.run(lambda: __import__("auditor").__file__).values())
        assert where == {auditor.__file__}, where
        yield c, client


@pytest.fixture(scope="module")
def rows():
    return make_rows(N_ROWS)


@pytest.fixture(scope="module")
def model(rows):
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder

    X, y = rows
    features = ["income", "score", "tenure", "region", "age_band"]
    pre = ColumnTransformer([("cat", OrdinalEncoder(), ["region", "age_band"])], remainder="passthrough")
    clf = HistGradientBoostingClassifier(max_iter=40, categorical_features=[0, 1], random_state=0)
    return make_pipeline(pre, clf).fit(X[features].iloc[:20_000], y.iloc[:20_000])


def as_dask(client, X: pd.DataFrame, y: pd.Series, npartitions: int):
    frame = dd.from_pandas(pd.concat([X, y], axis=1), npartitions=npartitions, sort=False)
    frame = client.persist(frame)  # the data on the workers, as a Parquet read would leave it
    return frame.drop(columns=y.name), frame[y.name]


def sections_json(result) -> dict:
    return json.loads(result.to_json())["sections"]


@pytest.fixture(scope="module")
def in_memory(rows, model):
    X, y = rows
    return Auditor(model, X, y, sensitive_features=["sex", "age_band"], sections=SECTIONS, n_bootstrap=N_BOOT).run(
        progress=False)


@pytest.fixture(scope="module")
def on_dask(cluster, rows, model):
    X, y = rows
    dX, dy = as_dask(cluster[1], X, y, 8)
    return Auditor(model, dX, dy, sensitive_features=["sex", "age_band"], sections=SECTIONS, n_bootstrap=N_BOOT).run(
        progress=False)


def _metric(result, key):
    return next(m for m in result.sections["performance"].metrics if m.key == key).estimate


def _selection_rates(result, grouping):
    g = next(g for g in result.sections["fairness"].groupings if g.name == grouping)
    return {grp.label: grp.metrics["selection_rate"] for grp in g.groups}


def test_200k_rows_in_8_partitions_give_the_in_memory_numbers(in_memory, on_dask, rows, model):
    from sklearn.metrics import accuracy_score, roc_auc_score

    X, y = rows
    proba = model.predict_proba(X)[:, 1]
    pred = model.predict(X)
    for key, truth in (("accuracy", accuracy_score(y, pred)), ("roc_auc", roc_auc_score(y, proba))):
        mem, dsk = _metric(in_memory, key), _metric(on_dask, key)
        assert dsk.value == pytest.approx(truth, abs=1e-9)
        assert dsk.value == pytest.approx(mem.value, abs=1e-9)
        # the cell bootstrap draws from merged cells keyed by content: the same interval
        assert (dsk.ci_low, dsk.ci_high) == pytest.approx((mem.ci_low, mem.ci_high), abs=1e-9)
    for grouping, column in (("sex", "sex"), ("age_band", "age_band")):
        mem, dsk = _selection_rates(in_memory, grouping), _selection_rates(on_dask, grouping)
        assert set(dsk) == set(X[column].unique())
        for label, est in dsk.items():
            truth = pred[(X[column] == label).to_numpy()].mean()
            assert est.value == pytest.approx(truth, abs=1e-9)
            assert est.value == pytest.approx(mem[label].value, abs=1e-9)
            assert (est.ci_low, est.ci_high) == pytest.approx((mem[label].ci_low, mem[label].ci_high), abs=1e-9)
    # every number of both sections, intervals, disparities and proxies included
    assert sections_json(on_dask) == sections_json(in_memory)
    assert on_dask.summary.n_rows == N_ROWS and on_dask.failures == ()
    assert any("Dask cluster" in note and "8 partitions" in note for note in on_dask.summary.notes)


@pytest.fixture(scope="module")
def small_on_dask(cluster, rows, model):
    X, y = (part.iloc[:N_SMALL] for part in rows)
    dX, dy = as_dask(cluster[1], X, y, 8)
    return Auditor(model, dX, dy, sensitive_features=["sex", "age_band"], sections=SECTIONS, n_bootstrap=N_BOOT).run(
        progress=False)


def test_another_partitioning_gives_the_same_json(cluster, rows, model, small_on_dask):
    X, y = (part.iloc[:N_SMALL] for part in rows)
    # three partitions of unequal sizes instead of eight
    frame = dd.from_pandas(pd.concat([X, y], axis=1), npartitions=3, sort=False)
    frame = cluster[1].persist(frame.repartition(divisions=[0, 7_000, 41_000, N_SMALL - 1]))
    dX, dy = frame.drop(columns="approved"), frame["approved"]
    assert dX.npartitions == 3
    other = Auditor(model, dX, dy, sensitive_features=["sex", "age_band"], sections=SECTIONS, n_bootstrap=N_BOOT).run(
        progress=False)
    assert sections_json(other) == sections_json(small_on_dask)
    # the content fingerprint is the partitions' row hashes end to end
    assert other.provenance.data_fingerprint == small_on_dask.provenance.data_fingerprint


def test_the_other_sections_audit_a_stated_sample_and_match_an_in_memory_audit_of_it(cluster, rows, model, tmp_path):
    X, y = (part.iloc[:6000].reset_index(drop=True) for part in rows)
    dX, dy = as_dask(cluster[1], X, y, 4)
    # SHAP of a tree model runs on the workers (below); saving every row's values keeps it on the sample
    sections = ["importance", ShapSection(save_values=str(tmp_path / "values")), "fairness"]
    result = Auditor(model, dX, dy, sensitive_features=["sex"], sections=sections, n_bootstrap=50,
                     max_samples=1500, random_state=3).run(progress=False)
    assert result.failures == ()
    notes = {w.source: w.message for w in result.warnings if w.message.startswith("Dask engine")}
    assert set(notes) == {"importance", "shap"}
    assert "sample of 1,500 of the 6,000 rows" in notes["shap"]
    # the sample is keyed by random_state and row positions only
    positions = sample_positions(6000, 1500, np.random.default_rng(stable_seed(3, "engine.sample")))
    sample = X.iloc[positions]  # rows named by their position, as the Dask engine names them
    alone = Auditor(model, sample, y.iloc[positions], sensitive_features=["sex"],
                    sections=[ShapSection(save_values=str(tmp_path / "alone"))], n_bootstrap=50,
                    random_state=3).run(progress=False)
    got, want = sections_json(result)["shap"], sections_json(alone)["shap"]
    assert got.pop("values_file") != want.pop("values_file")
    assert got == want  # the same values file content (its SHA-256 included)
    # fairness reads the sample's SHAP values by group, rows renumbered in the whole frame
    by_group = result.sections["fairness"].shap_by_group
    assert by_group and by_group[0].n_rows == 1500
    shap = result.sections["shap"]
    assert shap.n_rows == 1500


def test_data_quality_and_drift_read_every_row_one_column_at_a_time(cluster, rows, model):
    X, y = (part.iloc[:20_000].reset_index(drop=True) for part in rows)
    X = X.copy()
    X.loc[X["sex"] == "F", "income"] = X["income"].where(np.arange(len(X)) % 7 != 0)  # missing more often for F
    X["channel"] = np.where(np.arange(len(X)) % 3 == 0, "web", "branch")  # a column the model does not take
    X.loc[::50, "channel"] = None
    X.loc[X["sex"] == "F", "score"] += 0.5  # drift confined to one group
    X = pd.concat([X, X.iloc[:300]], ignore_index=True)  # 300 duplicated rows
    y = pd.concat([y, y.iloc[:300]], ignore_index=True)
    reference = rows[0].iloc[100_000:130_000].reset_index(drop=True)
    dX, dy = as_dask(cluster[1], X, y, 5)
    kw = dict(sensitive_features=["sex", "age_band"], sections=["data_quality", "drift"], X_reference=reference,
              y_reference=rows[1].iloc[100_000:130_000].reset_index(drop=True), max_samples=1000, n_bootstrap=50)
    on_dask = Auditor(model, dX, dy, **kw).run(progress=False)
    # in memory, the very rows with the dtypes Dask gives them (strings as Arrow strings)
    local = dX.compute().reset_index(drop=True)
    in_memory = Auditor(model, local, y, **kw).run(progress=False)
    assert on_dask.failures == ()
    assert not [w for w in on_dask.warnings if w.source in ("data_quality", "drift")]  # no sample
    got, want = sections_json(on_dask), sections_json(in_memory)
    assert got["data_quality"] == want["data_quality"]
    assert got["drift"] == want["drift"]
    dq = on_dask.sections["data_quality"]
    assert dq.current.n_rows == 20_300
    assert dq.current.duplicates.n_duplicates == 300
    income = next(c for c in dq.current.columns if c.column == "income")
    assert income.n_missing == int(X["income"].isna().sum()) > 0
    flagged = {(e.sensitive_feature, e.group, e.column) for e in dq.current.differential_missingness
               if e.p_value_adjusted < 0.05}
    assert ("sex", "F", "income") in flagged
    drift = on_dask.sections["drift"]
    assert drift.n_current == 20_300 and drift.domain.n_current_total == 20_300
    by_group = {(g.sensitive_feature, g.group): {f.feature: f for f in g.features} for g in drift.groups}
    assert by_group[("sex", "F")]["score"].p_value_adjusted < 1e-6
    assert by_group[("sex", "M")]["score"].p_value_adjusted > 0.01


def test_errors_name_the_argument(cluster, rows, model):
    X, y = (part.iloc[:2000] for part in rows)
    dX, dy = as_dask(cluster[1], X, y, 4)
    with pytest.raises(TypeError, match="Expected y to be a dask.dataframe.Series"):
        Auditor(model, dX, y, sensitive_features=["sex"])
    with pytest.raises(KeyError, match=r"sensitive_features names column\(s\) \['gender'\]"):
        Auditor(model, dX, dy, sensitive_features=["gender"])
    with pytest.raises(TypeError, match="column names of X when X is a Dask DataFrame"):
        Auditor(model, dX, dy, sensitive_features=X["sex"])
    with pytest.raises(AuditInputError, match="Expected y to have X's partitions"):
        Auditor(model, dX, dd.from_pandas(y, npartitions=2))
    holes = y.astype(float).where(np.arange(len(y)) != 1500)
    _, dholes = as_dask(cluster[1], X, holes, 4)
    with pytest.raises(AuditInputError, match="Expected no missing values in y. Got 1 "):
        Auditor(model, dX, dholes, sensitive_features=["sex"])
    missing_group = X.assign(sex=X["sex"].where(np.arange(len(X)) != 10))
    dmg, dy2 = as_dask(cluster[1], missing_group, y, 4)
    with pytest.raises(AuditInputError, match=r"sensitive feature\(s\) \['sex'\]"):
        Auditor(model, dmg, dy2, sensitive_features=["sex"])


def test_the_frame_and_model_are_left_as_they_were(cluster, rows, model):
    import pickle

    X, y = (part.iloc[:3000] for part in rows)
    dX, dy = as_dask(cluster[1], X, y, 3)
    before_model, before_rows = pickle.dumps(model), dX.compute()
    Auditor(model, dX, dy, sensitive_features=["sex"], sections=["performance"], n_bootstrap=20).run(progress=False)
    assert pickle.dumps(model) == before_model
    pd.testing.assert_frame_equal(dX.compute(), before_rows)


def test_a_worker_killed_mid_audit_is_retried_or_the_audit_fails_clearly(cluster, rows, model, small_on_dask):
    cl, client = cluster
    X, y = (part.iloc[:N_SMALL] for part in rows)
    dX, dy = as_dask(client, X, y, 8)
    auditor = Auditor(model, dX, dy, sensitive_features=["sex", "age_band"], sections=SECTIONS, n_bootstrap=N_BOOT)
    victim = sorted(client.scheduler_info()["workers"])[0]

    def exit_soon(delay):
        import os
        import threading

        threading.Timer(delay, os._exit, (1,)).start()

    client.run(exit_soon, 0.3, workers=[victim])
    try:
        result = auditor.run(progress=False)
    except AuditEngineError as exc:  # Dask gave up: one clear error, and no result at all
        assert "The Dask cluster failed while" in str(exc)
    else:  # Dask retried the lost tasks elsewhere: the very same numbers
        assert sections_json(result) == sections_json(small_on_dask)
    client.wait_for_workers(2, timeout=120)
    assert victim not in client.scheduler_info()["workers"]  # the worker did die during the audit


def test_the_command_line_audits_a_glob_of_parquet_files_on_the_cluster(cluster, rows, model, tmp_path, capsys):
    import joblib

    from auditor.cli import main

    X, y = (part.iloc[:3000] for part in rows)
    frame = pd.concat([X, y], axis=1)
    for i, start in enumerate(range(0, 3000, 1000)):
        frame.iloc[start:start + 1000].to_parquet(tmp_path / f"part-{i}.parquet")
    joblib.dump(model, tmp_path / "model.joblib")
    argv = ["run", "--model", str(tmp_path / "model.joblib"), "--trust-model-file", "--data",
            str(tmp_path / "part-*.parquet"), "--target", "approved", "--sensitive", "sex",
            "--sections", "performance", "fairness", "--n-bootstrap", "20", "--json", str(tmp_path / "a.json"),
            "--engine", "dask", "--scheduler", cluster[1].scheduler.address, "--quiet"]
    code = main(argv)
    assert code in (0, 1), capsys.readouterr().err
    from auditor import AuditResult

    result = AuditResult.from_json(tmp_path / "a.json")
    expected = Auditor(model, X, y, sensitive_features=["sex"], sections=["performance", "fairness"],
                       n_bootstrap=20).run(progress=False)
    assert result.summary.n_rows == 3000
    assert _metric(result, "roc_auc").value == pytest.approx(_metric(expected, "roc_auc").value, abs=1e-12)
    assert any("3 partitions" in note for note in result.summary.notes)


def test_a_bad_engine_exits_2_in_one_line(tmp_path, capsys):
    from auditor.cli import main

    code = main(["run", "--model", "m.skops", "--data", "d.csv", "--target", "t", "--engine", "spark"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err == "auditor run: error: Expected --engine to be one of memory, dask. Got 'spark'."


# -- TreeSHAP on the workers --------------------------------------------------------------
N_SHAP = 8000
SHAP_SECTIONS = [ShapSection(beeswarm_points=300, n_dependence=3), FairnessSection()]


def assert_close(got, want, path="", tol=1e-9):
    """The same JSON, every float within ``tol`` (sums merged from partitions differ in the last bits)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and set(got) == set(want), path
        for k in want:
            assert_close(got[k], want[k], f"{path}.{k}", tol)
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), path
        for i, (a, b) in enumerate(zip(got, want)):
            assert_close(a, b, f"{path}[{i}]", tol)
    elif isinstance(want, float) and not isinstance(got, bool):
        assert got == pytest.approx(want, abs=tol, rel=tol), path
    else:
        assert got == want, path


@pytest.fixture(scope="module")
def shap_rows(rows):
    return tuple(part.iloc[:N_SHAP].reset_index(drop=True) for part in rows)


@pytest.fixture(scope="module")
def shap_in_memory(shap_rows, model):
    X, y = shap_rows
    return Auditor(model, X, y, sensitive_features=["sex", "age_band"], sections=SHAP_SECTIONS, n_bootstrap=50,
                   random_state=1).run(progress=False)


def _shap_json(result) -> dict:
    d = sections_json(result)["shap"]
    d.pop("notes")
    return d


def test_treeshap_on_the_workers_equals_the_in_memory_audit(cluster, shap_rows, model, shap_in_memory):
    X, y = shap_rows
    dX, dy = as_dask(cluster[1], X, y, 4)
    result = Auditor(model, dX, dy, sensitive_features=["sex", "age_band"], sections=SHAP_SECTIONS, n_bootstrap=50,
                     random_state=1).run(progress=False)
    assert result.failures == ()
    # no sample: SHAP ran over every row, on the workers
    assert not [w for w in result.warnings if w.source == "shap" and w.message.startswith("Dask engine")]
    shap = result.sections["shap"]
    assert shap.route == "tree" and shap.n_explained == N_SHAP and shap.sample == f"every audited row ({N_SHAP:,})"
    # every number: mean |SHAP| and its intervals (the sample is every row), mean SHAP, transformed
    # columns, additivity, beeswarm, dependence and waterfall rows
    assert_close(_shap_json(result), _shap_json(shap_in_memory))
    # fairness' SHAP by group reads the same values
    assert_close(sections_json(result)["fairness"], sections_json(shap_in_memory)["fairness"])
    assert any("the workers; fairness, shap over every row" in note for note in result.summary.notes)


def test_treeshap_intervals_over_every_row_above_50k_rows(cluster, rows, model):
    # above EXACT_BOOTSTRAP_ROWS both audits give normal intervals: the workers send sums of squares
    X, y = (part.iloc[:N_SMALL].reset_index(drop=True) for part in rows)
    dX, dy = as_dask(cluster[1], X, y, 3)
    kw = dict(sensitive_features=["sex"], sections=[ShapSection(beeswarm_points=200, n_dependence=2)],
              n_bootstrap=50, random_state=1, max_samples=2000)
    on_dask = Auditor(model, dX, dy, **kw).run(progress=False)
    in_memory = Auditor(model, X, y, **kw).run(progress=False)
    got, want = on_dask.sections["shap"], in_memory.sections["shap"]
    for f, g in zip(got.features, want.features):
        assert f.feature == g.feature
        for a, b in zip(f.mean_abs, g.mean_abs):
            assert (a.ci_low, a.value, a.ci_high) == pytest.approx((b.ci_low, b.value, b.ci_high), abs=1e-9, rel=1e-9)
            assert a.ci_high - a.ci_low > 0
    assert any(f"normal intervals from the {N_SMALL:,} rows" in note for note in got.notes)
    assert not any("seeded sample" in note for note in got.notes)  # no interval from the engine's sample
    assert [n for n in got.notes] == [n for n in want.notes]


def test_treeshap_on_the_workers_with_a_smaller_sample(cluster, shap_rows, model, shap_in_memory):
    X, y = shap_rows
    dX, dy = as_dask(cluster[1], X, y, 4)
    result = Auditor(model, dX, dy, sensitive_features=["sex", "age_band"], sections=SHAP_SECTIONS, n_bootstrap=50,
                     random_state=1, max_samples=2000).run(progress=False)
    assert result.failures == ()
    got, want = _shap_json(result), _shap_json(shap_in_memory)
    # the intervals are the sample's; everything else is the whole frame's
    strip = [(f.pop("mean_abs"), f) for f in got["features"]], [(f.pop("mean_abs"), f) for f in want["features"]]
    assert_close(got, want)
    for (g, _), (w, _) in zip(*strip):
        assert [e["value"] for e in g] == pytest.approx([e["value"] for e in w], abs=1e-9)
    positions = sample_positions(N_SHAP, 2000, np.random.default_rng(stable_seed(1, "engine.sample")))
    alone = Auditor(model, X.iloc[positions], y.iloc[positions], sensitive_features=["sex", "age_band"],
                    sections=[SHAP_SECTIONS[0]], n_bootstrap=50, random_state=1).run(progress=False)
    intervals = {f.feature: [b for e in f.mean_abs for b in (e.ci_low, e.ci_high)] for f in alone.sections["shap"].features}
    for f in result.sections["shap"].features:
        assert [b for e in f.mean_abs for b in (e.ci_low, e.ci_high)] == pytest.approx(intervals[f.feature], abs=1e-12)
    assert any("bootstrap of the engine's seeded sample of 2,000 rows" in n for n in result.sections["shap"].notes)
    # fairness' SHAP by group: sums per group over every row, the in-memory numbers
    assert result.sections["fairness"].shap_by_group[0].n_rows == N_SHAP
    assert_close(sections_json(result)["fairness"], sections_json(shap_in_memory)["fairness"])


@pytest.mark.parametrize("task", ["regression", "multiclass"])
def test_treeshap_on_the_workers_for_regression_and_multiclass_with_weights(cluster, shap_rows, task):
    from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestClassifier

    X, _ = (part.iloc[:3000].reset_index(drop=True) for part in shap_rows)
    numeric = X[["income", "score", "tenure"]]
    rng = np.random.default_rng(5)
    if task == "regression":
        y = pd.Series(numeric["score"] * 2 + rng.normal(size=len(X)), name="target")
        model = HistGradientBoostingRegressor(max_iter=20, random_state=0).fit(numeric, y)
    else:
        y = pd.Series(np.digitize(numeric["score"] + rng.normal(scale=0.5, size=len(X)), [-0.5, 0.5]), name="target")
        model = RandomForestClassifier(n_estimators=10, max_depth=5, random_state=0).fit(numeric.fillna(0), y)
        numeric = numeric.fillna(0)
    data = numeric.assign(sex=X["sex"])
    w = pd.Series(rng.uniform(0.5, 2.0, size=len(X)), name="w")
    sections = [ShapSection(beeswarm_points=100, n_dependence=2)]
    frame = cluster[1].persist(dd.from_pandas(pd.concat([data, y, w], axis=1), npartitions=3, sort=False))
    result = Auditor(model, frame.drop(columns=["target", "w"]), frame["target"], sensitive_features=["sex"],
                     sample_weight=frame["w"], sections=sections, n_bootstrap=30).run(progress=False)
    expected = Auditor(model, data, y, sensitive_features=["sex"], sample_weight=w, sections=sections,
                       n_bootstrap=30).run(progress=False)
    assert result.failures == () and result.sections["shap"].route == "tree"
    assert_close(_shap_json(result), _shap_json(expected))


def test_the_agreement_compares_lime_rows_with_the_workers_treeshap(cluster, shap_rows, model):
    from auditor.sections.lime import LimeSection

    X, y = (part.iloc[:3000].reset_index(drop=True) for part in shap_rows)
    dX, dy = as_dask(cluster[1], X, y, 3)
    sections = ["shap", LimeSection(max_auto_rows=3, num_samples=500), "agreement"]
    result = Auditor(model, dX, dy, sensitive_features=["sex"], sections=sections, n_bootstrap=20, max_samples=1000,
                     random_state=2).run(progress=False)
    assert result.failures == ()
    assert result.sections["shap"].n_explained == 3000  # on the workers; LIME on the sample
    positions = sample_positions(3000, 1000, np.random.default_rng(stable_seed(2, "engine.sample")))
    alone = Auditor(model, X.iloc[positions], y.iloc[positions], sensitive_features=["sex"], sections=sections,
                    n_bootstrap=20, random_state=2).run(progress=False)
    # each LIME row meets the TreeSHAP values of that row: those of an in-memory audit of the sample
    got, want = sections_json(result)["agreement"]["rows"], sections_json(alone)["agreement"]["rows"]
    assert got and all(r["rank_correlation"] is not None for r in got)
    assert_close(got, want)
