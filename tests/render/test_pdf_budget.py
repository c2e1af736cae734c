"""The Adult demo's PDF is a document a reviewer reads (issue 14): the body
before the appendix in at most 16 A4 pages and the whole in at most 22, the
executive summary on at most two with the contents right after, and no figure
caption said twice. Pages are read with pypdf (no poppler in the suite)."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.slow

MAX_BODY_PAGES = 16
MAX_PAGES = 22
MAX_SUMMARY_PAGES = 2


def _text(s: str) -> str:
    return re.sub(r"\s+", " ", s)


@pytest.fixture(scope="module")
def pages(adult_demo_run):
    _, _, pdf = adult_demo_run
    return [_text(p.extract_text()) for p in PdfReader(pdf).pages]


def _first_page(pages: list[str], pattern: str) -> int:
    """1-based number of the first page whose text matches ``pattern``."""
    return next(i for i, t in enumerate(pages, start=1) if re.search(pattern, t))


def test_adult_pdf_fits_the_page_budget(pages):
    appendix = _first_page(pages, r"Appendix: methods, policy and provenance A\.1 Methods")
    assert appendix - 1 <= MAX_BODY_PAGES, f"body is {appendix - 1} pages"
    assert len(pages) <= MAX_PAGES
    assert all(f"Page {i} of {len(pages)}" in t for i, t in enumerate(pages, start=1))


def test_executive_summary_takes_two_pages_and_the_contents_follow(pages):
    contents = _first_page(pages, r"Contents Executive summary\s*\.*\s*1 ")
    chapter_one = _first_page(pages, r"1\. Model performance")
    assert pages[0].count("Executive summary") and "Overall verdict".upper() in pages[0].upper()
    # the summary ends on page 2 at the latest: the contents open the page after it, or share its last
    assert contents <= MAX_SUMMARY_PAGES + 1 and contents <= chapter_one
    summary = " ".join(pages[:contents])
    summary = summary[: summary.index("Contents Executive summary")]
    for part in ("Model card", "Findings that need attention", "Key numbers", "Checks passed"):
        assert part in summary


def test_no_caption_is_repeated_and_pointers_give_pages(adult_demo_run, pages):
    html = adult_demo_run[0].read_text(encoding="utf-8")
    captions = [_text(unescape(re.sub(r"<[^>]+>", "", c))).strip()
                for c in re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)]
    assert len(captions) >= 8
    repeated = {c: n for c, n in Counter(captions).items() if n > 1}
    assert repeated == {}
    # ...nor the explanation after a caption's title ("Row 3605. Where a pair ..." ten times)
    bodies = Counter(c.split(". ", 1)[1] for c in captions if ". " in c)
    assert [b for b, n in bodies.items() if n > 1] == []
    # per-row explanations are small multiples: one group each, not a figure per row
    assert html.count('class="figure-group"') >= 2 and 'id="fig-agreement-rows"' in html
    # a chapter that moved its long tables says where they are, with the page in print
    body = " ".join(pages[:_first_page(pages, r"Appendix: methods, policy and provenance A\.1")])
    assert re.search(r"appendix A\.\d+, page \d+", body)
