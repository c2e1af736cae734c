"""Plot functions over results: ``plot_xxx(result, *, ax=None) -> Axes``.

They read frozen results only (so they also draw archived audits) and never use
pyplot's global state.
"""

from auditor.plots._grid import PANELS_PER_FIGURE, small_multiples
from auditor.plots._style import PALETTE, STATUS_COLOURS
from auditor.plots._text import figure_text
from auditor.plots.drift import (
    plot_domain_classifier,
    plot_drift_importance,
    plot_feature_drift,
    plot_group_missingness,
    plot_representation,
)
from auditor.plots.explanations import (
    plot_importance,
    plot_lime,
    plot_lime_vs_shap,
    plot_shap_beeswarm,
    plot_shap_dependence,
    plot_shap_importance,
    plot_shap_waterfall,
)
from auditor.plots.performance import (
    plot_calibration,
    plot_confusion_matrix,
    plot_cost_curve,
    plot_precision_recall,
    plot_residual_histogram,
    plot_residuals,
    plot_roc_curve,
)

__all__ = [
    "PANELS_PER_FIGURE",
    "small_multiples",
    "figure_text",
    "PALETTE",
    "STATUS_COLOURS",
    "plot_calibration",
    "plot_domain_classifier",
    "plot_drift_importance",
    "plot_feature_drift",
    "plot_group_missingness",
    "plot_representation",
    "plot_importance",
    "plot_lime",
    "plot_lime_vs_shap",
    "plot_shap_beeswarm",
    "plot_shap_dependence",
    "plot_shap_importance",
    "plot_shap_waterfall",
    "plot_confusion_matrix",
    "plot_cost_curve",
    "plot_precision_recall",
    "plot_residual_histogram",
    "plot_residuals",
    "plot_roc_curve",
]
