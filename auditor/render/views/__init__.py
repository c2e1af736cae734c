"""One view builder per section, in report order.

A builder ``build(result, *, figures=True) -> dict | None`` turns the section's part
of an :class:`~auditor.results.AuditResult` into a plain dict for its template
(``None`` when the section was not computed). The document picks every view up by
itself: a numbered chapter, a table-of-contents entry and appendix rows.

The view contract
-----------------
Required keys:

``id``
    Anchor of the chapter (unique; not ``summary``, ``contents``, ``issues`` or
    ``appendix``).
``title``
    Chapter title, as a reader names it ("Model performance").
``template``
    The chapter's template, e.g. ``"sections/performance.html.j2"``. It reads the view
    as ``section`` and starts with ``<h2>{{ section.title }}</h2>``.

Optional keys the document reads:

``figures``
    List of ``Figure.as_dict()``; every figure needs a title, alt text and a caption.
``key_numbers``
    Rows ``{"label", "value", "ci"}`` shown in the executive summary (keep to the few
    numbers a manager should see; ``ci`` is the formatted interval or a reason).
``methods``
    Rows ``{"label", "value"}`` shown in the appendix under the chapter's title:
    explainers, sample sizes, seeds, bootstrap sizes.

The document adds ``number`` (the chapter number, a string) to each view.
"""

from __future__ import annotations

from collections.abc import Callable

from auditor.render.views import agreement, fairness, importance, lime, performance, shap

__all__ = ["SECTION_VIEWS", "SECTION_TITLES"]

SECTION_VIEWS: list[tuple[str, Callable[..., dict | None]]] = [
    ("performance", performance.build),
    ("fairness", fairness.build),
    ("importance", importance.build),
    ("shap", shap.build),
    ("lime", lime.build),
    ("agreement", agreement.build),
]

#: How the document names a section, e.g. in the list of analyses not run.
SECTION_TITLES: dict[str, str] = {
    "performance": performance.TITLE,
    "fairness": fairness.TITLE,
    "importance": importance.TITLE,
    "shap": shap.TITLE,
    "lime": lime.TITLE,
    "agreement": agreement.TITLE,
}
