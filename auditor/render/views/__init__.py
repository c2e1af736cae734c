"""One view builder per section, in report order.

A builder turns the section's part of an :class:`~auditor.results.AuditResult` into
a plain dict for its template (``None`` when the section was not computed).
"""

from __future__ import annotations

from collections.abc import Callable

from auditor.render.views import agreement, importance, lime, performance, shap

__all__ = ["SECTION_VIEWS"]

SECTION_VIEWS: list[tuple[str, Callable[..., dict | None]]] = [
    ("performance", performance.build),
    ("importance", importance.build),
    ("shap", shap.build),
    ("lime", lime.build),
    ("agreement", agreement.build),
]
