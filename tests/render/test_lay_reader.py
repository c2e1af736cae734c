"""What a lay reader meets on the Adult demo's report: plain decimals (no
scientific notation), every finding a sentence starting with a capital, one
formatted value per number, column headers in words, and four status colours
that also read in greyscale."""

from __future__ import annotations

import re
from html import unescape

import pytest

from auditor import AuditResult
from auditor.plots._style import STATUS_COLOURS, STATUS_GLYPHS, STATUS_MARKERS
from auditor.render import build_view
from auditor.render._format import fmt_num

SCIENTIFIC = re.compile(r"\b\d(?:\.\d+)?[eE][-+]?\d+\b")


def test_four_status_colours_each_with_its_icon():
    assert len(set(STATUS_COLOURS.values())) == 4 and len(set(STATUS_MARKERS.values())) == 4
    assert len(set(STATUS_GLYPHS.values())) == 4
    from auditor.render import default_template_dir

    css = (default_template_dir() / "styles" / "report.css").read_text(encoding="utf-8")
    colours = {st: re.search(rf"--{st}: (#[0-9a-fA-F]{{6}})", css).group(1).lower()
               for st in ("pass", "warn", "inconclusive", "fail")}
    assert len(set(colours.values())) == 4
    # greyscale: besides the icon, each badge has its own border style or fill
    for rule in (".badge-warn {", ".badge-inconclusive {", ".badge-fail {"):
        assert rule in css


@pytest.mark.slow
def test_adult_report_reads_for_a_lay_reader(adult_demo_run):
    html_path, json_path, _ = adult_demo_run
    result = AuditResult.from_json(json_path)
    html = html_path.read_text(encoding="utf-8")
    text = unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", "", html, flags=re.S)))
    text = re.sub(r"data:[^\s\"]+", "", text)
    assert SCIENTIFIC.findall(text) == []
    for f in result.findings:
        assert f.message[0].isupper() or f.message[0] in "“\"", f.message
        assert not SCIENTIFIC.search(f.message), f.message
    # column headers in words
    assert "|SHAP| ·" not in html and "Mean |SHAP| (class 1)" in html
    # one formatted value per number: the additivity check's value reads the same on page 1 and in its chapter
    view = build_view(result, figures=False)
    add = next(f for f in view["findings"] if f["title"].startswith("SHAP values add up"))
    shap = next(s for s in view["sections"] if s["id"] == "shap")
    fact = next(x["value"] for x in shap["facts"] if x["label"].startswith("Additivity"))
    assert add["value"] == fact == fmt_num(result.shap.additivity_max_deviation) == "< 0.001"
    assert "less than 0.001" in add["message"]
