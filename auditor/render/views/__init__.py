"""Section views: each section's chapter as a plain dict for its template.

A section declares its view in its class (``view = "module:function"`` or a
callable) with the template that reads it; this package holds the built-in
views and :mod:`auditor.render.views.generic`, the view of a section that brings
none. The document (:mod:`auditor.render.viewmodel`) finds every view through
the section registry: a numbered chapter, a table-of-contents entry and appendix
rows each.

The view contract
-----------------
``view(section_result, audit_result, *, figures=True) -> dict``. The document
adds ``id`` (the section's name), ``title``, ``topic``, ``template`` and
``number`` from the section's declaration; the template reads the view as
``section`` and starts with ``<h2>{{ section.title }}</h2>``.

Optional keys the document reads:

``figures``
    List of ``Figure.as_dict()``; every figure needs a title, alt text and a caption.
``key_numbers``
    Rows ``{"label", "value", "ci"}`` shown in the executive summary (keep to the few
    numbers a manager should see; ``ci`` is the formatted interval or a reason).
``methods``
    Rows ``{"label", "value"}`` shown in the appendix under the chapter's title:
    explainers, sample sizes, seeds, bootstrap sizes.
``summary_notes``
    Sentences the executive summary must carry (an outcome so rare that accuracy
    misleads, what errors cost).
"""

from __future__ import annotations

__all__ = ["GENERIC_VIEW", "GENERIC_TEMPLATE"]

#: The view and template of a section that declares none.
GENERIC_VIEW = "auditor.render.views.generic:build"
GENERIC_TEMPLATE = "sections/generic.html.j2"
