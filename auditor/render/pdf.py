"""PDF rendering: the HTML report with its print styles, laid out by WeasyPrint.

The renderer fetches nothing. Every figure of a report is a ``data:`` URI, so the
URL fetcher refuses every other URL (``http``, ``file``, relative paths) and the
refusal stops the rendering. WeasyPrint reports a resource it could not use (an
unreadable image, a stylesheet) by logging, not raising; those log records are
captured while rendering and raised as :class:`PdfRenderError`, so a PDF is never
written with a silent hole in it. Lesser problems WeasyPrint logs as warnings (a
CSS property it does not support, in a custom template) are re-issued as
:class:`PdfRenderWarning`. What it logs about the machine rather than the
document (fonts subset with fontTools because HarfBuzz-Subset is missing) is
re-issued as :class:`PdfEnvironmentWarning`, which is not a
``PdfRenderWarning``: code and tests that treat document warnings as errors do
not fail because of the fonts library a machine happens to have.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from os import PathLike
from pathlib import Path
from typing import Literal

from auditor.results import AuditResult

__all__ = [
    "render_pdf",
    "write_pdf",
    "html_to_pdf",
    "PdfRenderError",
    "PdfRenderWarning",
    "PdfEnvironmentWarning",
    "PAGE_SIZES",
]

PageSize = Literal["A4", "Letter"]
#: Accepted ``page_size`` values and their CSS ``@page`` size.
PAGE_SIZES: dict[str, str] = {"A4": "A4", "Letter": "letter"}


class PdfRenderError(RuntimeError):
    """WeasyPrint could not render the report completely (e.g. a refused URL or an
    image it could not load)."""


class PdfRenderWarning(UserWarning):
    """A non-fatal problem WeasyPrint reported (e.g. an unsupported CSS property)."""


class PdfEnvironmentWarning(UserWarning):
    """WeasyPrint's note about the machine, not the document (e.g. the HarfBuzz-Subset
    library is missing, so fonts are subset with fontTools); the PDF is complete."""


#: WeasyPrint's warnings about the machine's font libraries (pdf/fonts.py):
#: the document is laid out and embedded all the same.
_ENVIRONMENT = re.compile(r"harfbuzz|fonttools|emoji font|variable font", re.IGNORECASE)


def _check_page_size(page_size: str) -> str:
    if page_size not in PAGE_SIZES:
        raise ValueError(f"Expected page_size to be one of {list(PAGE_SIZES)}. Got {page_size!r} instead.")
    return PAGE_SIZES[page_size]


def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class DataOnlyFetcher(URLFetcher):
        """Serves ``data:`` URIs and refuses everything else, fatally."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, fail_on_errors=True, timeout=1)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if not str(url).lower().startswith("data:"):
                self.refused.append(str(url))
                # a BaseException subclass: WeasyPrint lets it through instead of
                # logging it and leaving the image out
                raise FatalURLFetchingError(f"the PDF renderer fetches nothing; refused {str(url)[:200]!r}")
            return super().fetch(url, headers)

    return DataOnlyFetcher


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record still counts
            message = str(record.msg)
        (self.errors if record.levelno >= logging.ERROR else self.warnings).append(message)


@contextmanager
def _captured_weasyprint_log() -> Iterator[_Capture]:
    logger = logging.getLogger("weasyprint")
    handler = _Capture()
    old_level = logger.level
    logger.addHandler(handler)
    # make sure WARNING records reach the handler even if the host lowered it
    if logger.level == logging.NOTSET or logger.level > logging.WARNING:
        logger.setLevel(logging.WARNING)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def html_to_pdf(html: str, *, page_size: PageSize = "A4") -> bytes:
    """Lay out ``html`` (a complete document) as a PDF, fetching nothing.

    Raises
    ------
    PdfRenderError
        If the document references anything but a ``data:`` URI, or WeasyPrint
        logs an error (e.g. an image it could not decode).
    """
    size = _check_page_size(page_size)
    from weasyprint import CSS, HTML
    from weasyprint.urls import FatalURLFetchingError

    fetcher = _fetcher_class()()
    with _captured_weasyprint_log() as log:
        try:
            document = HTML(string=html, base_url=None, url_fetcher=fetcher)
            # !important: the page_size argument wins over the template's own @page size
            page = CSS(string=f"@page {{ size: {size} !important; }}", url_fetcher=fetcher)
            pdf = document.write_pdf(stylesheets=[page], pdf_tags=True)
        except FatalURLFetchingError as exc:
            raise PdfRenderError(
                f"Expected a self-contained report (figures as data: URIs). The template references "
                f"{fetcher.refused or [str(exc)]}, which the PDF renderer does not fetch."
            ) from None
    if fetcher.refused or log.errors:
        problems = [f"refused URL {u!r}" for u in fetcher.refused] + log.errors
        raise PdfRenderError("WeasyPrint could not render the report completely: " + "; ".join(problems))
    for message in dict.fromkeys(log.warnings):  # one per distinct message (WeasyPrint repeats per font)
        category = PdfEnvironmentWarning if _ENVIRONMENT.search(message) else PdfRenderWarning
        warnings.warn(f"WeasyPrint: {message}", category, stacklevel=3)
    return pdf


def render_pdf(
    result: AuditResult,
    *,
    template_dir: str | PathLike[str] | None = None,
    page_size: PageSize = "A4",
) -> bytes:
    """Render the PDF report of ``result`` and return its bytes.

    The PDF is the HTML report of :func:`~auditor.render.render_html` laid out with
    its print styles: a running header with the model name and audit date, "Page X
    of Y" numbers, table headers repeated across page breaks.

    Parameters
    ----------
    result : AuditResult
    template_dir : path, optional
        A folder searched before the bundled templates (see ``render_html``).
    page_size : {"A4", "Letter"}, default="A4"

    Raises
    ------
    PdfRenderError
        If the rendering was incomplete (an unreadable image), or a template or
        stylesheet references a URL (the HTML writer's rule and message, naming
        the user's file).
    """
    _check_page_size(page_size)
    from auditor.render._offline import ExternalURLError, ScriptError
    from auditor.render.html import render_html

    try:
        html = render_html(result, template_dir=template_dir)
    except (ExternalURLError, ScriptError) as exc:
        # the HTML writer's rule and message; PdfRenderError is what PDF callers catch
        raise PdfRenderError(str(exc)) from None
    return html_to_pdf(html, page_size=page_size)


def write_pdf(
    result: AuditResult,
    path: str | PathLike[str],
    *,
    template_dir: str | PathLike[str] | None = None,
    page_size: PageSize = "A4",
    overwrite: bool = True,
) -> Path:
    """Write the PDF report of ``result`` to ``path`` atomically.

    Nothing is written when rendering fails; an existing file is left as it was.

    Parameters
    ----------
    result : AuditResult
    path : path
    template_dir : path, optional
        A folder searched before the bundled templates.
    page_size : {"A4", "Letter"}, default="A4"
    overwrite : bool, default=True
        ``False`` refuses to replace an existing file (``OutputExistsError``).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    from auditor.render import save_result

    if Path(path).suffix.lower() != ".pdf":
        raise ValueError(f"Expected a path ending in .pdf. Got {str(path)!r}.")
    return save_result(result, path, template_dir=template_dir, page_size=page_size, overwrite=overwrite)
