from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from auditor import Auditor
from auditor.render import build_view, render_html


def _result():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=400)})
    y = (X["a"] + rng.normal(size=400) > 0).astype(int)
    groups = pd.Series(np.where(rng.random(400) < 0.5, "<b>x</b>", "<script>s</script>"), name="<i>grp</i>")
    return Auditor(LogisticRegression().fit(X, y), X, y, sensitive_features=groups, n_bootstrap=30).run()


def test_group_labels_are_escaped():
    html = render_html(_result())
    assert "<b>x</b>" not in html and "<script>s</script>" not in html and "<i>grp</i>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "&lt;i&gt;grp&lt;/i&gt;" in html


def test_fairness_chapter_content():
    result = _result()
    view = next(s for s in build_view(result)["sections"] if s["id"] == "fairness")
    assert [g["name"] for g in view["groupings"]] == ["<i>grp</i>"]
    assert {f["title"] for f in view["findings"]} >= {"Four-fifths rule — <i>grp</i>", "Equalized odds — <i>grp</i>"}
    assert all(fig["alt"] and fig["caption"] for fig in view["figures"])
    assert view["mitigation"] and "held out" in view["mitigation_note"]
    html = render_html(result)
    start = html.index('id="fairness"')
    chapter = html[start:html.index('class="section chapter"', start + 30)]
    assert "Verdicts" in chapter and "Why might there be a gap?" in chapter
    assert len(re.findall(r'<img src="data:image/svg\+xml;base64,', chapter)) == len(view["figures"])


def test_group_tables_fit_the_page_and_keep_every_metric():
    result = _result()
    view = next(s for s in build_view(result)["sections"] if s["id"] == "fairness")
    f = result.fairness
    for g_view, g in zip(view["groupings"], f.groupings):
        tables = g_view["tables"]
        # at most four metric columns a table (plus Group, Rows, Share): fits A4 and Letter
        assert len(tables) == 2 and all(len(t["columns"]) <= 4 for t in tables)
        assert [t["first"] for t in tables] == [True, False]
        labels = [c for t in tables for c in t["columns"]]
        assert labels == ["Base rate", "Selection rate", "True positive rate", "False positive rate",
                          "Precision", "Accuracy", "ROC AUC"]
        for t in tables:
            assert [r["label"] for r in t["rows"]] == [grp.label for grp in g.groups]
            assert all(len(r["cells"]) == len(t["columns"]) for r in t["rows"])
        # a cell shows the group's own number: selection rate of the first group
        first = g.groups[0]
        assert tables[0]["rows"][0]["cells"][1]["value"] == f"{100 * first.metrics['selection_rate'].value:.1f}%"
    html = render_html(result)
    # the chapter shows each single grouping's first panel; the appendix every panel
    body, appendix = html[: html.index('id="appendix"')], html[html.index('id="appendix"'):]
    assert body.count('<table class="groups">') == sum(not g.is_intersection for g in f.groupings)
    assert appendix.count('<table class="groups">') == 2 * len(f.groupings)
    assert 'href="#appendix-fairness"' in body
    assert "<caption>Quality of the predictions</caption>" in html
