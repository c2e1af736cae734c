"""Plot functions over results: ``plot_xxx(result, *, ax=None) -> Axes``.

They read frozen results only (so they also draw archived audits) and never use
pyplot's global state.
"""

from auditor.plots._style import PALETTE, STATUS_COLOURS
from auditor.plots.performance import (
    plot_calibration,
    plot_confusion_matrix,
    plot_residual_histogram,
    plot_residuals,
    plot_roc_curve,
)

__all__ = [
    "PALETTE",
    "STATUS_COLOURS",
    "plot_calibration",
    "plot_confusion_matrix",
    "plot_residual_histogram",
    "plot_residuals",
    "plot_roc_curve",
]
