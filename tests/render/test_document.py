"""The report as a document: executive summary first, numbered chapters picked up
from every section's declared view, contents that link, an appendix with methods,
policy and provenance, figures with captions and alt text, custom templates."""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest

from auditor import Auditor, AuditResult, PerformanceSection, Section, SectionResult, Status
from auditor.render import build_view, render_html, render_notebook_html
from auditor.render.viewmodel import VERDICT_SENTENCES, ViewError, _lede
from auditor.results import Finding


@pytest.fixture(scope="module")
def result(binary_data, binary_pipeline):
    X, y = binary_data
    # the document's structure is generic: one real section keeps these tests
    # about structure, whatever analyses the package has
    return Auditor(
        binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=40, model_name="Churn model", data_name="CRM extract",
        sections=["performance"],
    ).run()


def _finding(status: Status, check: str, section: str = "performance") -> Finding:
    return Finding(check=check, section=section, status=status, title=f"title {check}", message=f"Sentence about {check}.")


@pytest.fixture(scope="module")
def mixed(result):
    """A result with findings of every status, from a known and an unknown section."""
    findings = (
        _finding(Status.PASS, "a.pass"),
        _finding(Status.WARN, "b.warn", section="elsewhere"),
        _finding(Status.FAIL, "c.fail"),
        _finding(Status.INCONCLUSIVE, "d.inconclusive"),
    )
    return result.with_findings(findings)


class _Doc(HTMLParser):
    """Ids, links, images (with the figure they sit in) and text in order."""

    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.images, self.stack, self.text = [], [], [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "img":
            self.images.append({**a, "in_figure": "figure" in self.stack})
        if tag not in ("img", "meta", "br", "hr", "link", "input"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Doc:
    doc = _Doc()
    doc.feed(html)
    return doc


def test_summary_comes_first_and_says_what_was_audited(result):
    html = render_html(result)
    body = html[html.index("<main") :]
    order = [body.index(s) for s in ('id="summary"', 'id="contents"', 'id="performance"', 'id="appendix"')]
    assert order == sorted(order)
    summary = body[body.index('id="summary"') : body.index('id="contents"')]
    for text in ("Churn model", "CRM extract", "600 rows", "group", VERDICT_SENTENCES[result.verdict], "ROC AUC"):
        assert text in summary, text


def test_summary_names_chapters_as_a_sentence_would(result):
    views = [
        {"title": "Model performance", "topic": "model performance"},
        {"title": "SHAP explanations", "topic": "SHAP explanations"},
        {"title": "Do the explanations agree?", "topic": "whether the explanation methods agree"},
        {"title": "Custom Checks"},  # a user's view without a topic: its title, lowercased
    ]
    second = _lede(result, views)[1]
    assert second.startswith(
        "This report covers model performance, SHAP explanations, whether the explanation methods agree and "
        "custom checks, comparing groups defined by group,"
    )


def test_page_one_order_verdict_attention_key_numbers_then_passes(mixed):
    html = render_html(mixed)
    summary = html[html.index('id="summary"') : html.index('id="contents"')]
    heads = ["Overall verdict", "Findings that need attention", "Key numbers", "Checks passed", "What was audited"]
    positions = [summary.index(h) for h in heads]
    assert positions == sorted(positions)


def test_findings_are_sorted_by_severity_with_links(mixed):
    view = build_view(mixed, figures=False)
    assert [f["status"] for f in view["findings"]] == ["FAIL", "INCONCLUSIVE", "WARN", "PASS"]
    links = {f["section"]: f["link"] for f in view["findings"]}
    assert links == {"performance": "#performance", "elsewhere": ""}
    html = render_html(mixed)
    summary = html[html.index('id="summary"') : html.index('id="contents"')]
    positions = [summary.index(f"Sentence about {c}.") for c in ("c.fail", "d.inconclusive", "b.warn", "a.pass")]
    assert positions == sorted(positions)
    assert VERDICT_SENTENCES[Status.FAIL] in summary
    assert "4 checks" in summary and "1 FAIL" in summary


def test_key_numbers_are_the_performance_metrics_with_intervals(result):
    view = build_view(result, figures=False)
    perf = result.performance
    rows = {k["label"]: k for k in view["key_numbers"]}
    auc = perf.metric("roc_auc").estimate
    assert rows["ROC AUC"]["value"] == f"{auc.value:.3f}"
    assert rows["ROC AUC"]["ci"] == f"95% interval {auc.ci_low:.3f} – {auc.ci_high:.3f}"
    assert rows["ROC AUC"]["link"] == "#performance"


def test_contents_link_to_every_chapter_and_numbers_follow_order(result):
    html = render_html(result)
    doc = _parse(html)
    toc_links = re.findall(r'<nav id="contents".*?</nav>', html, re.S)[0]
    targets = re.findall(r'href="#([^"]+)"', toc_links)
    assert targets[0] == "summary" and targets[-1] == "appendix"
    for t in targets:
        assert t in doc.ids, t
    for href in doc.hrefs:
        assert href.startswith("#") and href[1:] in doc.ids, href
    assert len(doc.ids) == len(set(doc.ids)), "ids must be unique"
    view = build_view(result, figures=False)
    assert [s["number"] for s in view["sections"]] == [str(i + 1) for i in range(len(view["sections"]))]


def test_appendix_has_methods_policy_provenance(result):
    view = build_view(result, figures=False)
    groups = {g["title"]: g["rows"] for g in view["methods"]}
    assert "General" in groups and "Model performance" in groups
    general = {r["label"]: r["value"] for r in groups["General"]}
    assert "40 resamples" in general["Confidence intervals"]
    assert general["random_state"].startswith("0 ")
    policy = {r["name"]: r for r in view["policy"]}
    assert policy["performance.min_roc_auc"]["value"] == "0.7"
    assert policy["performance.max_expected_calibration_error"]["value"] == "off"
    assert "confidence_level" not in policy  # the policy holds thresholds only
    assert general["Confidence intervals"].startswith("95% ")
    perf = {r["label"]: r["value"] for r in groups["Model performance"]}
    assert "n_calibration_bins=10" in perf["Options"] and "n_bootstrap=None" in perf["Options"]
    prov = {r["label"]: r["value"] for r in view["provenance"]}
    assert prov["Data fingerprint"] == result.provenance.data_fingerprint
    html = render_html(result)
    appendix = html[html.index('id="appendix"') :]
    for text in ("A.1 Methods", "A.2 Policy", "A.4 Provenance", result.provenance.data_fingerprint, "scikit-learn"):
        assert text in appendix


@dataclass(frozen=True)
class ExtraResult(SectionResult):
    body: str


def _fake_view(section, result, *, figures=True):
    return {
        "body": section.body,
        "key_numbers": [{"label": "Extra number", "value": "0.123", "ci": "95% interval 0.1 – 0.2"}],
        "methods": [{"label": "Extra explainer", "value": "500 rows, seed 7"}],
    }


class ExtraSection(Section):
    """A new section declared the way the built-in ones are."""

    name = "extra"
    title = "Extra analysis"
    result_type = ExtraResult
    view = _fake_view
    template = "sections/extra.html.j2"

    def compute(self, ctx):
        return ExtraResult(body="extra body text")


_BROKEN = {}


@dataclass(frozen=True)
class BrokenResult(SectionResult):
    n: int


class BrokenViewSection(Section):
    name = "broken_view"
    title = "Broken"
    result_type = BrokenResult
    template = "sections/extra.html.j2"

    @staticmethod
    def view(section, result, *, figures=True):
        return _BROKEN["view"]

    def compute(self, ctx):
        return BrokenResult(n=1)


@pytest.fixture(scope="module")
def extra_result(binary_data, binary_pipeline):
    X, y = binary_data
    return Auditor(
        binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=40, model_name="Churn model", data_name="CRM extract",
        sections=[PerformanceSection(), ExtraSection()],
    ).run()


@pytest.fixture
def extra_section(tmp_path):
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "extra.html.j2").write_text("<h2>{{ section.title }}</h2><p>{{ section.body }}</p>")
    return tmp_path


def test_a_new_section_view_is_picked_up_everywhere(extra_result, extra_section):
    result = extra_result
    view = build_view(result, figures=False)
    assert [s["id"] for s in view["sections"]] == ["performance", "extra"]
    assert view["sections"][1]["number"] == "2"
    assert {"id": "extra", "number": "2", "title": "Extra analysis"} in view["toc"]
    assert view["key_numbers"][-1] == {
        "label": "Extra number", "value": "0.123", "ci": "95% interval 0.1 – 0.2",
        # the summary's column header states the level once
        "interval": "0.1 – 0.2", "section": "Extra analysis", "number": "2", "link": "#extra",
    }
    assert {"title": "Extra analysis", "rows": [{"label": "Extra explainer", "value": "500 rows, seed 7"}]} in view["methods"]
    assert "model performance and extra analysis" in view["lede"][1]
    html = render_html(result, template_dir=extra_section)
    assert 'id="extra" class="section chapter"' in html and "extra body text" in html
    assert "Extra explainer" in html[html.index('id="appendix"') :]
    assert "Extra number" in html[html.index('id="summary"') : html.index('id="contents"')]


@pytest.mark.parametrize(
    "broken, match",
    [
        (["not", "a", "dict"], "return a dict"),
        ({"figures": [{"id": "f", "title": "F", "alt": "", "caption": "c"}]}, "alt"),
        ({"methods": [{"label": "only"}]}, "methods row"),
    ],
)
def test_a_broken_view_fails_loudly(binary_data, binary_pipeline, broken, match):
    X, y = binary_data
    res = Auditor(binary_pipeline, X, y, n_bootstrap=0, sections=[BrokenViewSection()]).run()
    _BROKEN["view"] = broken
    with pytest.raises(ViewError, match=match):
        build_view(res, figures=False)


def test_every_figure_has_alt_text_a_caption_and_decodes(result):
    html = render_html(result)
    doc = _parse(html)
    assert doc.images, "the performance section draws figures"
    figures = re.findall(r"<figure.*?</figure>", html, re.S)
    assert len(figures) == len(doc.images)
    for fig in figures:
        assert re.search(r"<figcaption>.*\S.*</figcaption>", fig, re.S)
    for img in doc.images:
        assert img["alt"].strip() and img["in_figure"]
        mime, data = re.match(r"data:(image/[a-z+]+);base64,(.*)", img["src"]).groups()
        raw = base64.b64decode(data, validate=True)
        if mime == "image/svg+xml":
            root = ET.fromstring(raw)
            assert root.tag.endswith("svg")
            # namespace names and the DTD identifier are names, not requests; every
            # reference an SVG renderer would follow must stay inside the figure
            for el in root.iter():
                for k, v in el.attrib.items():
                    if k.endswith("href"):
                        assert v.startswith(("#", "data:")), v
            assert not re.search(rb"url\(\s*['\"]?(?!#|data:)", raw)
        else:
            from PIL import Image

            Image.open(io.BytesIO(raw)).verify()


def test_status_is_never_colour_alone(mixed):
    html = render_html(mixed)
    for status, icon in (("PASS", "✓"), ("WARN", "!"), ("INCONCLUSIVE", "?"), ("FAIL", "✗")):
        assert re.search(rf'<span class="badge badge-{status.lower()}"><span class="badge-icon" aria-hidden="true">'
                         rf"{re.escape(icon)}</span> {status}</span>", html)


def test_print_styles_paginate(result):
    html = render_html(result)
    print_css = re.search(r'<style media="print">(.*?)</style>', html, re.S).group(1)
    for rule in ('counter(page) " of " counter(pages)', "string-set: model-name", "table-header-group",
                 "break-before: page", "break-inside: avoid"):
        assert rule in print_css


def test_report_renders_without_sections_or_findings(result):
    from dataclasses import replace

    bare = replace(result, sections={}).with_findings(())
    html = render_html(bare)
    assert "No policy check applied to this audit." in html
    assert 'id="performance"' not in html and "Key numbers" not in html


def test_custom_template_extends_blocks_and_adds_css(result, tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "custom.css").write_text(".auditor-report { --accent: #4b0082; }")
    (tmp_path / "report.html.j2").write_text(
        '{% extends "auditor/report.html.j2" %}'
        '{% block header %}<div class="brand">ACME Risk Office</div>{{ super() }}{% endblock %}'
        '{% block appendix %}<section id="signoff"><h2>Sign-off</h2></section>{{ super() }}{% endblock %}'
    )
    html = render_html(result, template_dir=tmp_path)
    assert html.index("ACME Risk Office") < html.index('class="report-header"')
    assert html.index('id="signoff"') < html.index('id="appendix"')
    assert "--accent: #4b0082" in html
    assert render_html(result) != html  # the bundled templates are untouched


def test_notebook_fragment_has_the_same_body(result):
    frag = render_notebook_html(result)
    page = render_html(result)
    body = page[page.index('<header class="report-header">') : page.index("</main>")]
    assert body.strip() in frag


def test_rendering_from_archived_json_is_identical(mixed, tmp_path):
    again = AuditResult.from_json(mixed.save(tmp_path / "audit.json"))
    assert render_html(again) == render_html(mixed)
    assert render_notebook_html(again) == render_notebook_html(mixed)


def test_warnings_and_omissions_are_a_numbered_chapter(result):
    from dataclasses import replace

    from auditor.results import SectionFailure, SkippedSection

    r = replace(result, failures=(SectionFailure("shap", "MemoryError", "too big"),),
                skipped=(SkippedSection("lime", "needs the model"), SkippedSection("my_check", "no data")))
    view = build_view(r, figures=False)
    assert view["toc"][-2] == {"id": "issues", "number": "2", "title": "Warnings and omissions"}
    html = render_html(r)
    issues = html[html.index('id="issues"') : html.index('id="appendix"')]
    # sections are named as their chapters are; a section the document does not know, by its name
    assert "<strong>SHAP explanations</strong>: MemoryError: too big" in issues
    assert "<strong>LIME explanations of single rows</strong>: needs the model" in issues
    assert "<strong>my_check</strong>: no data" in issues


def test_summary_gives_sentences_to_attention_and_one_line_to_passes(mixed):
    view = build_view(mixed, figures=False)
    assert [f["status"] for f in view["attention"]] == ["FAIL", "INCONCLUSIVE", "WARN"]
    assert [f["title"] for f in view["passed"]] == ["title a.pass"]
    html = render_html(mixed)
    summary = html[html.index('id="summary"'):html.index('id="contents"')]
    assert summary.index("Findings that need attention") < summary.index("Checks passed")
    assert summary.index("title c.fail") < summary.index("Checks passed") < summary.index("title a.pass")


def test_html_and_pdf_of_one_result_draw_its_figures_once(binary_data, binary_pipeline, monkeypatch):
    import auditor.render.views.performance as perf_view
    from auditor.render import render_pdf

    X, y = binary_data
    result = Auditor(binary_pipeline, X, y, n_bootstrap=0, sections=["performance"]).run()
    drawn = []
    original = perf_view.encode_figure
    monkeypatch.setattr(perf_view, "encode_figure", lambda *a, **k: drawn.append(1) or original(*a, **k))
    render_html(result)
    n = len(drawn)
    assert n >= 3
    render_pdf(result)
    render_html(result)
    assert len(drawn) == n  # the view model is built once per result
    other = Auditor(binary_pipeline, X, y, n_bootstrap=0, sections=["performance"]).run()
    render_html(other)
    assert len(drawn) == 2 * n  # another result gets its own
