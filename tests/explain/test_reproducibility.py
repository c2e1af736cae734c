"""Every explanation section together: the same seed gives the same JSON, and
n_jobs changes nothing (parallel TreeSHAP chunks, threaded permutation importance)."""

from __future__ import annotations

from auditor import AgreementSection, Auditor, ImportanceSection, LimeSection, ShapSection
from tests.explain.models import frame, hgb_pipeline
from tests.helpers import json_without_timestamp


def _audit(n_jobs, random_state=0):
    X, y = frame(5000)  # more than one TreeSHAP chunk
    sections = ["performance", ImportanceSection(n_repeats=2), ShapSection(beeswarm_points=200),
                LimeSection(max_auto_rows=3, num_samples=300), AgreementSection()]
    return Auditor(hgb_pipeline(5000), X, y, sensitive_features=["group"], pos_label="yes", n_bootstrap=50,
                   n_jobs=n_jobs, random_state=random_state, sections=sections, errors="raise").run()


def test_same_seed_same_json_whatever_n_jobs(monkeypatch):
    import auditor.explain._importance as imp

    monkeypatch.setattr(imp, "SERIAL_BELOW", 0)  # threads for permutation importance too
    serial, parallel, again = _audit(1), _audit(2), _audit(1)
    assert json_without_timestamp(serial) == json_without_timestamp(parallel) == json_without_timestamp(again)
    other = _audit(1, random_state=1)
    assert other.lime.rows[0].terms != serial.lime.rows[0].terms
