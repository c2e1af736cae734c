"""What an explainer needs from a model, checked before it starts.

SHAP and LIME explain a classifier through a continuous output: probabilities or
a decision score. A classifier with only ``predict`` gives labels, which no
explainer here can attribute, so those sections are skipped with the reason
instead of failing inside the explainer with an ``AttributeError``.
"""

from __future__ import annotations

from auditor.context import AuditContext, SkipSection

__all__ = ["require_scores"]


def require_scores(ctx: AuditContext, method: str) -> None:
    """Raise :class:`~auditor.context.SkipSection` when ``method`` cannot explain the model.

    Parameters
    ----------
    ctx : AuditContext
    method : str
        The explainer's name, for the reason ("SHAP", "LIME").
    """
    model = ctx.model
    if model is None or not ctx.is_classification or model.response_method is not None:
        return
    raise SkipSection(
        f"{method} explains a classifier through its probabilities or decision scores, and "
        f"{model.name} has neither predict_proba nor decision_function (only predict, which gives labels); "
        "permutation importance (accuracy) still explains it"
    )
