"""The "Data quality" and "Drift" chapters: their view models, their figures and
the rendered report (StrictUndefined), from a small audit with a planted shift."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from auditor import Auditor, AuditResult, DriftSection, ImportanceSection
from auditor.data_quality import missingness_table, quality_table
from auditor.drift import drift_table
from auditor.render import build_view, render_html
from auditor.render.views.drift import feature_rows


@pytest.fixture(scope="module")
def shifted(binary_data):
    X, y = binary_data
    cur = X.iloc[:300].copy()
    cur["num_0"] = cur["num_0"] + 1.5
    colour = cur["colour"].to_numpy(dtype=object)
    colour[np.random.default_rng(0).random(300) < 0.2] = "purple"
    cur["colour"] = colour
    return cur, y.iloc[:300], X.iloc[300:], y.iloc[300:]


@pytest.fixture(scope="module")
def audit(shifted, binary_pipeline):
    cur, y, ref, y_ref = shifted
    return Auditor(binary_pipeline, cur, y, X_reference=ref, y_reference=y_ref, sensitive_features=["group"],
                   n_bootstrap=0, n_jobs=1,
                   sections=["data_quality", DriftSection(n_resamples=50, domain_splits=3, min_group_rows=50),
                             ImportanceSection(n_repeats=2)]).run()


@pytest.fixture(scope="module")
def view(audit):
    return build_view(audit)


def _chapter(view, name):
    return next(s for s in view["sections"] if s["id"] == name)


def test_the_drift_chapter_leads_with_what_moved(audit, view):
    ch = _chapter(view, "drift")
    assert ch["summary"].startswith("2 of 6 features drifted: ")
    assert len(ch["lead"]) == 2 and all(" moved: " in s for s in ch["lead"])
    rows = ch["rows"]
    assert [r["drifted"] for r in rows] == sorted((r["drifted"] for r in rows), reverse=True)
    assert {r["feature"] for r in rows if r["drifted"]} == {"num_0", "colour"}
    num0 = next(r for r in rows if r["feature"] == "num_0")
    f = audit.drift.feature("num_0")
    assert num0["psi"] == f"{f.psi:.3f}" and num0["rank"].endswith("of 6")


def test_drifted_features_get_a_figure_each_and_every_figure_is_described(view):
    ch = _chapter(view, "drift")
    ids = [f["id"] for f in ch["figures"]]
    assert {"fig-drift-num-0", "fig-drift-colour", "fig-drift-domain", "fig-drift-importance"} <= set(ids)
    assert all(f["alt"] and f["caption"] and f["src"].startswith("data:image/svg+xml;base64,") for f in ch["figures"])
    assert [f["id"] for f in ch["domain_figures"]] == ["fig-drift-domain"]


def test_key_numbers_and_methods(view):
    ch = _chapter(view, "drift")
    labels = [k["label"] for k in ch["key_numbers"]]
    assert labels[0] == "Drifted features" and ch["key_numbers"][0]["value"] == "2 of 6"
    assert any("Domain classifier" in label for label in labels)
    assert any(m["label"] == "Drift rule" for m in ch["methods"])
    dq = _chapter(view, "data_quality")
    assert [d["role"] for d in dq["datasets"]] == ["Audited", "Reference"]
    colour = next(c for c in dq["columns"] if c["column"] == "colour")
    assert "purple" in colour["outside"]


def test_the_report_renders_both_chapters_and_round_trips(audit):
    html = render_html(audit)
    for needle in ('id="data_quality"', 'id="drift"', "Data quality and representation", "Drift against the reference data",
                   "Multivariate drift: the domain classifier", "Differential missingness"):
        assert needle in html, needle
    again = render_html(AuditResult.from_json(audit.to_json()))
    # the same report from the archive, apart from the timestamp-free parts being equal
    assert again.count("<figure") == html.count("<figure")


def test_an_unlabelled_audit_shows_the_estimate_as_an_estimate(shifted, binary_pipeline):
    cur, _, ref, y_ref = shifted
    r = Auditor(binary_pipeline, cur, None, X_reference=ref, y_reference=y_ref, n_bootstrap=0,
                sections=[DriftSection(n_resamples=50, domain_classifier=False)]).run()
    ch = _chapter(build_view(r, figures=False), "drift")
    assert [e["metric"] for e in ch["estimated"]] == ["ROC AUC", "Accuracy"]
    assert any("estimated, no labels" in k["label"] for k in ch["key_numbers"])
    html = render_html(r)
    assert '<span class="tag">estimate</span>' in html and "no labels yet" in html


def test_drift_table_is_tidy_and_follows_the_policy(audit):
    from auditor import Policy
    from auditor.results import DriftPolicy

    t = drift_table(audit)
    assert list(t.columns[:9]) == ["feature", "kind", "test", "statistic", "p_value", "p_adjusted", "effect_size",
                                   "effect_size_name", "psi"]
    assert "drifted" in t and "importance_rank" in t
    assert list(t["feature"]) == [f.feature for f in audit.drift.features]
    assert set(t.loc[t["drifted"], "feature"]) == {"num_0", "colour"}
    f = audit.drift.feature("num_0")
    row = t.set_index("feature").loc["num_0"]
    assert (row["statistic"], row["p_value"], row["effect_size"]) == (f.statistic, f.p_value, f.distance)
    assert row["importance_rank"] == audit.drift.importance_of("num_0").rank
    lenient = drift_table(audit.drift, policy=Policy(drift=DriftPolicy(psi_threshold=10.0, distance_threshold=10.0)))
    assert not lenient["drifted"].any()
    without = dataclasses.replace(audit, sections={k: v for k, v in audit.sections.items() if k != "drift"})
    with pytest.raises(ValueError, match="Expected an audit with a drift result"):
        drift_table(without)


def test_quality_tables(audit, shifted):
    cur = shifted[0]
    t = quality_table(audit)
    assert list(t["column"]) == list(cur.columns)
    colour = t.set_index("column").loc["colour"]
    assert colour["n_outside_reference"] == (cur["colour"] == "purple").sum()
    assert colour["n_missing"] == 0 and colour["kind"] == "categorical"
    ref = quality_table(audit, dataset="reference")
    assert ref["missing_share_reference"].isna().all()
    m = missingness_table(audit)
    assert list(m.columns[:4]) == ["dataset", "sensitive_feature", "group", "column"]


def test_feature_rows_sort_drifted_first_then_by_relevance(audit):
    rows = feature_rows(audit.drift, audit)
    drifted = [r for r in rows if r["drifted"]]
    assert rows[: len(drifted)] == drifted
