"""Figures of the performance section, drawn from its result alone."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from auditor.plots._style import PALETTE, new_axes, style
from auditor.plots._text import figure_text, legend_label
from auditor.results import PerformanceResult

__all__ = [
    "plot_roc_curve",
    "plot_precision_recall",
    "plot_cost_curve",
    "plot_calibration",
    "plot_confusion_matrix",
    "plot_residuals",
    "plot_residual_histogram",
]


def plot_roc_curve(result: PerformanceResult, *, ax: Axes | None = None) -> Axes:
    """ROC curve(s): true positive rate against false positive rate."""
    ax = new_axes(ax, (4.2, 3.8))
    with style():
        for i, curve in enumerate(result.roc_curves):
            auc = "" if curve.auc is None else f" (AUC {curve.auc:.3f})"
            ax.plot(curve.fpr, curve.tpr, color=PALETTE[i % len(PALETTE)], lw=1.6, label=legend_label(f"{curve.label}{auc}"))
        ax.plot([0, 1], [0, 1], ls="--", lw=1, color="#777777", label="chance")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.01)
        ax.set_xlabel("False positive rate")
        ax.set_ylabel("True positive rate")
        ax.set_title("ROC curve")
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    return ax


def plot_precision_recall(result: PerformanceResult, *, ax: Axes | None = None) -> Axes:
    """Precision against recall, with the base rate a model flagging everyone reaches."""
    if not result.pr_curves:
        raise ValueError("Expected a binary result with scores (a precision-recall curve). Got none.")
    ax = new_axes(ax, (4.2, 3.8))
    with style():
        for i, curve in enumerate(result.pr_curves):
            ap = "" if curve.average_precision is None else f" (AP {curve.average_precision:.3f})"
            ax.step(curve.recall, curve.precision, where="post", color=PALETTE[i % len(PALETTE)], lw=1.6,
                    label=f"model{ap}")
            ax.axhline(curve.base_rate, ls="--", lw=1, color="#777777", label=f"flag everyone ({curve.base_rate:.1%})")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.01)
        ax.set_xlabel("Recall (share of true positives found)")
        ax.set_ylabel("Precision (share of flags that are right)")
        ax.set_title("Precision-recall curve")
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    return ax


def plot_cost_curve(result: PerformanceResult, *, ax: Axes | None = None) -> Axes:
    """Expected cost per 1,000 decisions against the score threshold, with the
    current and the cost-minimising thresholds marked."""
    costs = result.costs
    if costs is None or not costs.curve:
        raise ValueError("Expected a binary result with costs and scores. Got none.")
    ax = new_axes(ax, (5.0, 3.4))
    with style():
        ax.plot(costs.thresholds, costs.curve, color=PALETTE[0], lw=1.6, label="cost at each threshold")
        if costs.current_threshold is not None and costs.cost_per_1000.value is not None:
            ax.scatter([costs.current_threshold], [costs.cost_per_1000.value], color=PALETTE[3], zorder=3, s=30,
                       label="current")
        if costs.best_threshold is not None and costs.best_cost_per_1000 is not None:
            ax.scatter([costs.best_threshold], [costs.best_cost_per_1000], color=PALETTE[2], zorder=3, s=30,
                       marker="D", label="lowest cost")
        ax.set_xlabel(f"Threshold on {figure_text(costs.score_label, max_len=30)} (flag when at or above)")
        ax.set_ylabel("Cost per 1,000 decisions")
        ax.set_title("What errors cost at each threshold")
        ax.legend(loc="best", fontsize=8, frameon=False)
    return ax


def plot_calibration(result: PerformanceResult, *, ax: Axes | None = None) -> Axes:
    """Reliability diagram: observed rate against mean predicted probability per bin,
    marker area proportional to the bin's weight."""
    ax = new_axes(ax, (4.2, 3.8))
    with style():
        ax.plot([0, 1], [0, 1], ls="--", lw=1, color="#777777", label="perfect calibration")
        for i, curve in enumerate(result.calibration):
            w = np.asarray(curve.bin_weight)
            sizes = 15 + 150 * w / w.max() if len(w) else []
            colour = PALETTE[i % len(PALETTE)]
            ax.plot(curve.mean_predicted, curve.fraction_positive, color=colour, lw=1.4, label=legend_label(curve.label))
            ax.scatter(curve.mean_predicted, curve.fraction_positive, s=sizes, color=colour, zorder=3)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("Mean predicted probability")
        ax.set_ylabel("Observed rate")
        ax.set_title("Calibration")
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    return ax


def plot_confusion_matrix(result: PerformanceResult, *, ax: Axes | None = None) -> Axes:
    """Confusion matrix with counts and row shares in each cell."""
    cm = result.confusion_matrix
    if cm is None:
        raise ValueError("Expected a classification result with a confusion matrix. Got none.")
    counts = np.asarray(cm.counts)
    k = len(cm.labels)
    ax = new_axes(ax, (1.6 + 0.7 * k, 1.3 + 0.6 * k))
    with style():
        row = counts.sum(axis=1, keepdims=True)
        share = np.divide(counts, row, out=np.zeros_like(counts), where=row > 0)
        ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
        for i in range(k):
            for j in range(k):
                text = f"{counts[i, j]:,.0f}\n{100 * share[i, j]:.0f}%"
                ax.text(j, i, text, ha="center", va="center", fontsize=8,
                        color="white" if share[i, j] > 0.6 else "black")
        ax.set_xticks(range(k), [figure_text(c, max_len=30) for c in cm.labels], rotation=30 if k > 3 else 0)
        ax.set_yticks(range(k), [figure_text(c, max_len=30) for c in cm.labels])
        ax.set_xlabel("Predicted")
        ax.set_ylabel("True")
        ax.set_title("Confusion matrix")
        ax.spines[:].set_visible(False)
    return ax


def plot_residuals(result: PerformanceResult, *, ax: Axes | None = None) -> Axes:
    """Residual (true − predicted) against prediction, for a seeded sample of rows."""
    res = result.residuals
    if res is None:
        raise ValueError("Expected a regression result with residuals. Got none.")
    ax = new_axes(ax, (5.2, 3.4))
    with style():
        ax.scatter(res.sample_y_pred, res.sample_residual, s=8, alpha=0.5, color=PALETTE[0], linewidths=0)
        ax.axhline(0, color="#555555", lw=1)
        ax.set_xlabel("Predicted value")
        ax.set_ylabel("Residual (true − predicted)")
        shown = len(res.sample_residual)
        ax.set_title("Residuals" + ("" if shown == res.n_rows else f" ({shown:,} of {res.n_rows:,} rows)"))
    return ax


def plot_residual_histogram(result: PerformanceResult, *, ax: Axes | None = None) -> Axes:
    """Distribution of residuals over every row."""
    res = result.residuals
    if res is None:
        raise ValueError("Expected a regression result with residuals. Got none.")
    ax = new_axes(ax, (5.2, 3.0))
    with style():
        edges = np.asarray(res.histogram_edges)
        ax.bar(edges[:-1], res.histogram_counts, width=np.diff(edges), align="edge", color=PALETTE[0], edgecolor="white", lw=0.5)
        ax.axvline(0, color="#555555", lw=1)
        ax.set_xlabel("Residual (true − predicted)")
        ax.set_ylabel("Rows")
        ax.set_title("Residual distribution")
    return ax

