"""Page 1 lists the chapters no policy check judged, so an unjudged audit never reads as a pass."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor import Auditor, Policy, Status
from auditor.render import build_view, render_html, render_text
from auditor.results import FairnessPolicy, PerformancePolicy


def test_unjudged_chapters_are_listed_with_the_reason(diabetes):
    model, X, y = diabetes
    sex = pd.Series(np.where(X["sex"] > 0, "one", "two"), name="sex")
    # the policy of the old regression audit: nothing on for regression
    policy = Policy(performance=PerformancePolicy(min_r2=None), fairness=FairnessPolicy(max_error_ratio=None,
                                                                                        proxy_warning_strength=None))
    r = Auditor(model, X, y, sensitive_features=sex, n_bootstrap=30, policy=policy,
                sections=["performance", "fairness", "importance"]).run()
    assert r.findings == () and r.verdict is Status.PASS
    view = build_view(r, figures=False)
    listed = {n["title"]: n["reason"] for n in view["not_judged"]}
    assert set(listed) == {"Model performance", "Fairness across groups", "Feature importance"}
    assert "no check of the policy applies" in listed["Model performance"]
    assert "no policy checks" in listed["Feature importance"]
    assert "3 chapters were not judged" in view["verdict"]["sentence"]
    html = render_html(r)
    summary = html[html.index('id="summary"'):html.index('id="contents"')] if 'id="contents"' in html else html
    assert "Not judged" in summary and 'href="#performance"' in summary
    text = render_text(r)
    assert "Not judged (no policy check covers these chapters):" in text and "- Model performance:" in text


def test_a_judged_audit_lists_only_what_has_no_checks(diabetes):
    model, X, y = diabetes
    sex = pd.Series(np.where(X["sex"] > 0, "one", "two"), name="sex")
    r = Auditor(model, X, y, sensitive_features=sex, n_bootstrap=30, sections=["performance", "fairness", "importance"]).run()
    assert {f.section for f in r.findings} >= {"performance", "fairness"}  # regression is judged by default
    assert [n["title"] for n in build_view(r, figures=False)["not_judged"]] == ["Feature importance"]
