"""The PDF: the same report laid out for print, page numbers, a running header,
repeated table headers, A4 and Letter, and a renderer that fetches nothing and
never drops a resource silently."""

from __future__ import annotations

import io
import logging
import re
import warnings
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from auditor import Auditor, AuditResult, PerformanceSection, Section, SectionResult
from auditor.render import PdfEnvironmentWarning, PdfRenderError, PdfRenderWarning, build_view, render_pdf, write_pdf
from auditor.render.pdf import html_to_pdf

PNG_1PX = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def result(binary_data, binary_pipeline):
    X, y = binary_data
    return Auditor(
        binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=40, model_name="Churn model", data_name="CRM extract",
        sections=["performance"],
    ).run()


@pytest.fixture(scope="module")
def pdf_pages(result):
    with warnings.catch_warnings():
        # the bundled templates must lay out without a single WeasyPrint complaint
        warnings.simplefilter("error", PdfRenderWarning)
        data = render_pdf(result)
    reader = PdfReader(io.BytesIO(data))
    return data, [page.extract_text() for page in reader.pages], reader


def _text(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def test_pdf_has_page_numbers_and_a_running_header(pdf_pages, result):
    data, pages, reader = pdf_pages
    assert data.startswith(b"%PDF-")
    n = len(pages)
    assert n >= 4  # summary, contents, performance, appendix each start a page
    for i, text in enumerate(pages, start=1):
        t = _text(text)
        assert f"Page {i} of {n}" in t
        assert "Churn model" in t
        assert result.provenance.created_at[:10] in t


def test_pdf_page_one_is_the_executive_summary(pdf_pages, result):
    _, pages, _ = pdf_pages
    first = _text(pages[0])
    view = build_view(result, figures=False)
    assert "Executive summary" in first
    assert _text(view["verdict"]["sentence"]) in first
    for f in view["findings"]:
        assert _text(f["message"])[:60] in first
    # the contents follow the summary at once (same page when it is short)
    assert first.index("Executive summary") < first.index("Contents")


def test_pdf_contents_give_page_numbers_and_chapters_are_numbered(pdf_pages):
    _, pages, _ = pdf_pages
    contents = _text(next(p for p in pages if "Contents" in p))
    contents = contents[contents.index("Contents"):]
    m = re.search(r"1\s*Model performance[ .]*(\d+)", contents)
    assert m, contents
    page = int(m.group(1))
    assert "1. Model performance" in _text(pages[page - 1])


def test_layout_text_sees_the_verdict(result, pdf_pages):
    """The PDF read as a text extractor lays it out (pypdf's layout mode, the way
    poppler's pdftotext reads it), with nothing but the test extras installed."""
    reader = pdf_pages[2]
    text = reader.pages[0].extract_text(extraction_mode="layout")
    view = build_view(result, figures=False)
    assert _text(view["verdict"]["sentence"]) in _text(text)
    assert "Page 1 of" in text


def test_page_sizes(result, pdf_pages):
    for reader, points in ((pdf_pages[2], (595, 842)), (PdfReader(io.BytesIO(render_pdf(result, page_size="Letter"))), (612, 792))):
        for page in reader.pages:
            assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == points


def test_unknown_page_size_is_an_error(result, tmp_path):
    with pytest.raises(ValueError, match="Expected page_size to be one of"):
        write_pdf(result, tmp_path / "r.pdf", page_size="A5")
    assert not (tmp_path / "r.pdf").exists()


@dataclass(frozen=True)
class LongResult(SectionResult):
    rows: tuple[str, ...]


class LongTableSection(Section):
    name = "long_table"
    title = "Long table"
    result_type = LongResult
    template = "sections/long.html.j2"

    @staticmethod
    def view(section, result, *, figures=True):
        return {"rows": list(section.rows)}

    def compute(self, ctx):
        return LongResult(rows=tuple(str(i) for i in range(150)))


def test_a_split_table_repeats_its_header(binary_data, binary_pipeline, tmp_path):
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "long.html.j2").write_text(
        "<h2>{{ section.title }}</h2><table><thead><tr><th>Header cell XYZ</th></tr></thead><tbody>"
        "{% for r in section.rows %}<tr><td>row {{ r }}</td></tr>{% endfor %}</tbody></table>"
    )
    X, y = binary_data
    result = Auditor(binary_pipeline, X, y, n_bootstrap=0, sections=[PerformanceSection(), LongTableSection()]).run()
    reader = PdfReader(io.BytesIO(render_pdf(result, template_dir=tmp_path)))
    pages = [p.extract_text() for p in reader.pages]
    with_rows = [p for p in pages if re.search(r"\brow \d+\b", p)]
    assert len(with_rows) >= 2, "the table should span pages"
    for p in with_rows:
        assert "Header cell XYZ" in p


@pytest.mark.parametrize(
    "src",
    [
        "https://example.com/logo.png",
        "http://127.0.0.1:9/logo.png",
        "file:///etc/hostname",
        "logo.png",  # relative: no base URL, nothing to resolve against
    ],
)
def test_an_external_image_fails_loudly_and_writes_nothing(result, tmp_path, src):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "_header.html.j2").write_text(f'<header class="report-header"><img src="{src}" alt="logo"><h1 class="report-title">{{{{ model_name }}}}</h1></header>')
    target = tmp_path / "report.pdf"
    with pytest.raises(PdfRenderError, match="logo.png|hostname"):
        write_pdf(result, target, template_dir=folder)
    assert list(tmp_path.iterdir()) == [folder]


def test_an_external_stylesheet_url_fails_loudly(result, tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "custom.css").write_text(".auditor-report { background: url(https://example.com/bg.png); }")
    with pytest.raises(PdfRenderError, match="example.com"):
        render_pdf(result, template_dir=tmp_path)


def test_an_unreadable_data_image_is_an_error_not_a_hole(result, tmp_path):
    (tmp_path / "_header.html.j2").write_text('<img src="data:image/png;base64,bm90IGEgcG5n" alt="broken">')
    with pytest.raises(PdfRenderError, match="image"):
        render_pdf(result, template_dir=tmp_path)


def test_a_data_image_is_allowed(result, tmp_path):
    (tmp_path / "_header.html.j2").write_text(f'<img src="{PNG_1PX}" alt="logo"><h1 class="report-title">x</h1>')
    assert render_pdf(result, template_dir=tmp_path).startswith(b"%PDF-")


def test_weasyprint_warnings_are_recorded_not_dropped():
    with pytest.warns(PdfRenderWarning, match="no-such-property"):
        html_to_pdf("<html lang=\"en\"><body><p style='no-such-property: 1'>x</p></body></html>")


def test_font_library_notes_are_not_document_warnings(monkeypatch):
    """WeasyPrint's note that a machine lacks HarfBuzz-Subset says nothing about the
    document: it is a PdfEnvironmentWarning, which a caller (this suite included)
    that turns PdfRenderWarning into an error does not fail on."""
    import weasyprint

    original = weasyprint.HTML.write_pdf

    def noisy(self, *args, **kwargs):
        for _ in range(2):  # WeasyPrint repeats it for every font
            logging.getLogger("weasyprint").warning(
                'Using fontTools instead of HarfBuzz-Subset for font "%s". This will be unsupported in future '
                "versions of WeasyPrint. Please install HarfBuzz-Subset >= 4.1.0 with your package manager.", "Test Sans")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", noisy)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", PdfRenderWarning)
        pdf = html_to_pdf('<html lang="en"><body><p>x</p></body></html>')
    assert pdf.startswith(b"%PDF-")
    ours = [w for w in caught if issubclass(w.category, (PdfRenderWarning, PdfEnvironmentWarning))]
    # the machine's own fonts may add their notes: every one is an environment note
    assert ours and all(w.category is PdfEnvironmentWarning for w in ours)
    assert sum('HarfBuzz-Subset for font "Test Sans"' in str(w.message) for w in ours) == 1  # once, not per call


def test_failed_render_keeps_the_old_file(result, tmp_path):
    target = write_pdf(result, tmp_path / "report.pdf")
    old = target.read_bytes()
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "_header.html.j2").write_text('<img src="https://example.com/x.png" alt="x">')
    with pytest.raises(PdfRenderError):
        write_pdf(result, target, template_dir=tmp_path / "tpl")
    assert target.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf", "tpl"]


def test_save_pdf_and_refuse_overwrite(result, tmp_path):
    from auditor._io import OutputExistsError

    path = result.save(tmp_path / "report.pdf")
    assert path.read_bytes().startswith(b"%PDF-")
    with pytest.raises(OutputExistsError):
        result.save(path, overwrite=False)


def test_pdf_from_archived_json_has_the_same_text(result, pdf_pages, tmp_path):
    again = AuditResult.from_json(result.save(tmp_path / "a.json"))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(again))).pages]
    assert pages == pdf_pages[1]


def test_pdf_is_tagged_and_figures_keep_their_alt_text(pdf_pages, result):
    _, _, reader = pdf_pages
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en" and root["/MarkInfo"]["/Marked"]
    alts = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if "/Alt" in node:
                alts.append(str(node["/Alt"]))
            if "/K" in node:
                walk(node["/K"])
        elif isinstance(node, list):
            for x in node:
                walk(x)

    walk(root["/StructTreeRoot"])
    expected = [f["alt"] for s in build_view(result)["sections"] for f in s.get("figures", ())]
    assert expected and alts == expected
