"""Figures of the drift and data-quality sections, drawn from their results alone."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
from matplotlib.axes import Axes

from auditor.plots._style import PALETTE, new_axes, style
from auditor.results import DataQualityResult, DriftResult

__all__ = [
    "plot_feature_drift",
    "plot_domain_classifier",
    "plot_drift_importance",
    "plot_representation",
    "plot_group_missingness",
]

_REFERENCE = "#9a9a9a"
_CURRENT = PALETTE[0]
#: Categories drawn in a bar chart; the rest are named in the axis label.
MAX_CATEGORIES = 12


def _text(s: str) -> str:
    # a "$" in a category ("$50K") would start matplotlib's mathtext
    return str(s).replace("$", r"\$")


def _psi(f) -> str:
    return "" if f.psi is None else f"PSI {f.psi:.3g}"


def _short(s: str, n: int = 28) -> str:
    s = str(s)
    return s if len(s) <= n else s[: n - 1] + "…"


def plot_feature_drift(result: DriftResult, feature: str, *, ax: Axes | None = None) -> Axes:
    """One feature on the reference and on the audited rows, side by side.

    Numbers: equal-width histograms of both sides as shares of their rows (grey
    filled: reference; blue outline: audited), with each side's mean marked.
    Categories: paired horizontal bars of each category's share (the largest
    categories; the others are counted in the axis label).
    """
    f = result.feature(feature)
    hist = next((h for h in result.histograms if h.feature == feature), None)
    if f.kind == "numeric" and hist is not None and hist.edges:
        return _numeric(f, hist, ax)
    return _categorical(f, ax)


def _numeric(f, hist, ax: Axes | None) -> Axes:
    ax = new_axes(ax, (4.6, 3.0))
    edges = np.asarray(hist.edges)
    ref = np.asarray(hist.counts_reference, dtype=float)
    cur = np.asarray(hist.counts_current, dtype=float)
    ref = ref / ref.sum() if ref.sum() else ref
    cur = cur / cur.sum() if cur.sum() else cur
    with style():
        ax.stairs(ref, edges, fill=True, color=_REFERENCE, alpha=0.55, label="reference")
        ax.stairs(cur, edges, color=_CURRENT, lw=1.8, label="audited")
        for mean, colour, ls in ((f.mean_reference, "#555555", "--"), (f.mean_current, _CURRENT, ":")):
            if mean is not None and edges[0] <= mean <= edges[-1]:
                ax.axvline(mean, color=colour, ls=ls, lw=1.2)
        ax.set_ylabel("Share of rows")
        clipped = hist.n_clipped_reference + hist.n_clipped_current
        ax.set_xlabel(_text(f.feature) + (f"  ({clipped:,} extreme values in the end bars)" if clipped else ""))
        ax.set_title(_text(_short(f.feature, 40)))
        ax.legend(fontsize=8, frameon=False, loc="best", title=_psi(f), title_fontsize=8)
        ax.set_ylim(0, max(ref.max(initial=0), cur.max(initial=0)) * 1.25 or 1)
    return ax


def _categorical(f, ax: Axes | None) -> Axes:
    ref = np.asarray(f.shares_reference, dtype=float)
    cur = np.asarray(f.shares_current, dtype=float)
    labels = list(f.bins)
    order = np.lexsort((np.arange(len(labels)), -np.maximum(ref, cur)))
    shown = order[:MAX_CATEGORIES]
    rest = len(labels) - len(shown)
    ax = new_axes(ax, (4.6, 1.0 + 0.34 * max(len(shown), 1)))
    with style():
        y = np.arange(len(shown))[::-1]
        ax.barh(y + 0.2, ref[shown], height=0.38, color=_REFERENCE, label="reference")
        ax.barh(y - 0.2, cur[shown], height=0.38, color=_CURRENT, label="audited")
        ax.set_yticks(y, [_text(_short(labels[i], 22)) for i in shown])
        ax.set_xlabel("Share of rows" + (f"  ({rest} smaller categories not shown)" if rest > 0 else ""))
        ax.set_title(_text(_short(f.feature, 40)))
        ax.legend(fontsize=8, frameon=False, loc="best", title=_psi(f), title_fontsize=8)
        ax.set_xlim(0, max(ref.max(initial=0), cur.max(initial=0)) * 1.35 or 1)
    return ax


def plot_domain_classifier(result: DriftResult, *, max_features: int = 10, ax: Axes | None = None) -> Axes:
    """The features the domain classifier used to tell the audited rows from the
    reference rows: mean drop of its ROC AUC when each is shuffled."""
    d = result.domain
    if d is None:
        raise ValueError("Expected a drift result with a domain classifier. Got none.")
    items = list(d.importances[:max_features])
    ax = new_axes(ax, (4.8, 1.1 + 0.3 * max(len(items), 1)))
    with style():
        y = np.arange(len(items))[::-1]
        ax.barh(y, [max(i.importance, 0.0) for i in items], xerr=[i.std for i in items], color=PALETTE[1],
                height=0.6, error_kw={"lw": 0.8, "ecolor": "#555555"})
        ax.set_yticks(y, [_text(_short(i.feature, 22)) for i in items])
        ax.set_xlabel("Drop in the domain classifier's ROC AUC when shuffled")
        auc = d.auc
        title = "Domain classifier"
        if auc.value is not None:
            ci = f" ({auc.ci_low:.3f}–{auc.ci_high:.3f})" if auc.ci_low is not None else ""
            title += f": ROC AUC {auc.value:.3f}{ci}"
        ax.set_title(title)
        ax.axvline(0, color="#555555", lw=0.8)
    return ax


def plot_drift_importance(
    result: DriftResult, *, drifted: Collection[str] = (), psi_threshold: float | None = None,
    max_labels: int = 8, ax: Axes | None = None,
) -> Axes:
    """Drift that matters: each feature's PSI against the model's reliance on it.

    Points in the upper right moved and matter; ``drifted`` features are drawn in
    orange, the others in blue; ``psi_threshold`` draws the policy's line.
    """
    if not result.importance:
        raise ValueError("Expected a drift result with feature importances. Got none.")
    share = {i.feature: i.share for i in result.importance}
    points = [(f.feature, share[f.feature], f.psi) for f in result.features if f.feature in share and f.psi is not None]
    floor = 1e-4
    ax = new_axes(ax, (4.8, 3.4))
    with style():
        xs = np.array([p[1] for p in points])
        ys = np.array([max(p[2], floor) for p in points])
        colours = [PALETTE[3] if p[0] in drifted else PALETTE[0] for p in points]
        ax.scatter(xs, ys, c=colours, s=28, zorder=3)
        ax.set_yscale("log")
        if psi_threshold is not None:
            ax.axhline(max(psi_threshold, floor), color=PALETTE[3], ls="--", lw=1)
            ax.text(1.0, max(psi_threshold, floor), "PSI threshold", transform=ax.get_yaxis_transform(), ha="right",
                    va="bottom", fontsize=7, color=PALETTE[3])
        # label the features a reader looks for: the most important and the most moved
        by_weight = sorted(points, key=lambda p: -(p[1] * max(p[2], floor)))[:max_labels]
        for name, x, y in by_weight:
            ax.annotate(_text(_short(name, 18)), (x, max(y, floor)), xytext=(4, 3), textcoords="offset points", fontsize=7)
        ax.set_xlabel(f"Share of the model's reliance ({_text(result.importance_label)})")
        ax.set_ylabel("PSI (log scale)")
        ax.set_ylim(floor * 0.8, max(float(ys.max(initial=floor)) * 3, 1.0))
        ax.set_xlim(0, max(float(xs.max(initial=0)) * 1.25, 0.05))
        ax.set_title("Drift against importance")
    return ax


def plot_representation(result: DataQualityResult, sensitive_feature: str, *, ax: Axes | None = None) -> Axes:
    """Each group's share of the reference and of the audited rows, with the
    interval of the audited share's difference from the reference's."""
    rep = next((r for r in result.representation if r.sensitive_feature == sensitive_feature), None)
    if rep is None:
        raise KeyError(f"Expected one of {[r.sensitive_feature for r in result.representation]}. Got {sensitive_feature!r}.")
    groups = list(rep.groups)
    ax = new_axes(ax, (4.6, 1.0 + 0.36 * max(len(groups), 1)))
    with style():
        y = np.arange(len(groups))[::-1]
        ref = [g.share_reference or 0.0 for g in groups]
        cur = [g.share_current or 0.0 for g in groups]
        ax.barh(y + 0.2, ref, height=0.38, color=_REFERENCE, label="reference")
        ax.barh(y - 0.2, cur, height=0.38, color=_CURRENT, label="audited")
        ax.set_yticks(y, [_text(_short(g.group, 22)) for g in groups])
        ax.set_xlabel("Share of rows")
        ax.set_title(_text(f"Groups of {_short(sensitive_feature, 30)}"))
        ax.legend(fontsize=8, frameon=False, loc="best")
        ax.set_xlim(0, max(max(ref, default=0), max(cur, default=0)) * 1.35 or 1)
    return ax


def plot_group_missingness(
    result: DataQualityResult, column: str, sensitive_feature: str, *, role: str = "current", ax: Axes | None = None
) -> Axes:
    """Share of rows missing ``column`` in each group of ``sensitive_feature``, with
    the share among all rows as a dashed line."""
    dataset = result.current if role == "current" else result.reference
    if dataset is None:
        raise ValueError(f"Expected the {role} dataset in the result. Got none.")
    groups = [g for g in dataset.groups if g.sensitive_feature == sensitive_feature]
    if not groups:
        raise KeyError(f"Expected groups of {sensitive_feature!r} in the {role} data. Got none.")
    overall = dataset.column(column).missing_share
    ax = new_axes(ax, (4.6, 1.0 + 0.32 * len(groups)))
    with style():
        y = np.arange(len(groups))[::-1]
        shares = [g.missing_share.get(column, 0.0) for g in groups]
        ax.barh(y, shares, height=0.6, color=PALETTE[4])
        ax.set_yticks(y, [_text(f"{_short(g.group, 20)} (n={g.n_rows:,})") for g in groups])
        if overall is not None:
            ax.axvline(overall, color="#555555", ls="--", lw=1)
        where = "audited" if role == "current" else "reference"
        ax.set_xlabel("Share of the group's rows\n(dashed line: all rows)")
        ax.set_title(_text(f"{_short(column, 24)} missing, by {_short(sensitive_feature, 20)}\n({where} data)"))
        ax.set_xlim(0, max(max(shares, default=0), overall or 0) * 1.2 or 1)
    return ax
