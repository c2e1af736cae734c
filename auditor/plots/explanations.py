"""Figures of the explanation sections, drawn from their results alone."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import MaxNLocator

from auditor.plots._style import PALETTE, new_axes, style
from auditor.plots._text import figure_text
from auditor.results import AgreementResult, FeatureImportance, ImportanceResult, LimeResult, ShapResult

__all__ = [
    "plot_importance",
    "plot_shap_importance",
    "plot_shap_beeswarm",
    "plot_shap_dependence",
    "plot_shap_waterfall",
    "plot_lime",
    "plot_lime_vs_shap",
    "VALUE_CMAP",
]

#: Low to high feature value, blue to vermilion (Okabe-Ito ends, readable in grey).
VALUE_CMAP = LinearSegmentedColormap.from_list("auditor_value", [PALETTE[0], "#BBBBBB", PALETTE[3]])
_POS, _NEG, _GREY = PALETTE[3], PALETTE[0], "#999999"


def _bars(ax: Axes, labels, values, lows, highs, colour: str, xlabel: str, title: str) -> Axes:
    y = np.arange(len(labels))[::-1]
    ax.barh(y, values, color=colour, height=0.65)
    if any(lo is not None for lo in lows):
        v = np.asarray(values, dtype=float)
        lo = np.array([np.nan if x is None else x for x in lows], dtype=float)
        hi = np.array([np.nan if x is None else x for x in highs], dtype=float)
        ok = np.isfinite(lo) & np.isfinite(hi)
        err = np.vstack([np.clip(v - lo, 0, None), np.clip(hi - v, 0, None)])
        ax.errorbar(v[ok], y[ok], xerr=err[:, ok], fmt="none", ecolor="#222222", elinewidth=1, capsize=2.5)
    ax.set_yticks(y, [figure_text(label) for label in labels])
    ax.axvline(0, color="#555555", lw=0.8)
    ax.set_xlabel(figure_text(xlabel, max_len=None))
    ax.set_title(figure_text(title, max_len=None))
    return ax


def _height(n: int) -> float:
    return 1.0 + 0.28 * max(n, 1)


def plot_importance(result: ImportanceResult, *, kind: str = "permutation", max_display: int = 15,
                    ax: Axes | None = None) -> Axes:
    """Horizontal bars of permutation importance (with intervals) or native importance."""
    if kind == "permutation":
        feats: tuple[FeatureImportance, ...] = result.permutation.features
        xlabel = f"Drop in {result.permutation.scoring_label} when shuffled"
        title, colour = "Permutation importance", PALETTE[0]
    elif kind == "native":
        if result.native is None:
            raise ValueError(f"Expected a result with native importance. Got none ({result.native_reason}).")
        feats = result.native.features
        xlabel, title, colour = result.native.source, "Native importance", PALETTE[2]
    else:
        raise ValueError(f"Expected kind 'permutation' or 'native'. Got {kind!r} instead.")
    feats = feats[:max_display]
    ax = new_axes(ax, (5.6, _height(len(feats))))
    with style():
        _bars(ax, [f.feature for f in feats], [f.estimate.value or 0.0 for f in feats],
              [f.estimate.ci_low for f in feats], [f.estimate.ci_high for f in feats], colour, xlabel, title)
    return ax


def plot_shap_importance(result: ShapResult, *, output: int = 0, max_display: int = 15, ax: Axes | None = None) -> Axes:
    """Global mean |SHAP| per raw feature for one output, with bootstrap intervals."""
    feats = sorted(result.features, key=lambda f: -(f.mean_abs[output].value or 0.0))[:max_display]
    ax = new_axes(ax, (5.6, _height(len(feats))))
    with style():
        _bars(ax, [f.feature for f in feats], [f.mean_abs[output].value or 0.0 for f in feats],
              [f.mean_abs[output].ci_low for f in feats], [f.mean_abs[output].ci_high for f in feats], PALETTE[0],
              f"Mean |SHAP| ({result.output_space})", f"SHAP importance: {result.output_names[output]}")
    return ax


def plot_shap_beeswarm(result: ShapResult, *, output: int = 0, ax: Axes | None = None) -> Axes:
    """One row of points per feature: each point a sampled row's SHAP value,
    coloured by the feature's value (grey for categorical features)."""
    bs = result.beeswarm[output]
    ax = new_axes(ax, (6.2, _height(len(bs.features)) + 0.3))
    # fixed jitter: the figure is the same for the same result
    rng = np.random.default_rng(0)
    with style():
        for i, (vals, col) in enumerate(zip(bs.values, bs.colour)):
            y = len(bs.features) - 1 - i
            v = np.asarray(vals, dtype=float)
            jitter = _swarm_offsets(v, rng)
            c = [_GREY if x is None else VALUE_CMAP(x) for x in col]
            ax.scatter(v, y + jitter, s=5, c=c, linewidths=0, alpha=0.8, rasterized=True)
        ax.set_yticks(range(len(bs.features))[::-1], [figure_text(f) for f in bs.features])
        ax.axvline(0, color="#555555", lw=0.8)
        ax.set_xlabel(f"SHAP value ({figure_text(result.output_space)}) for {figure_text(bs.output)}")
        ax.set_title(f"SHAP values of {bs.n_points:,} rows")
        sm = ax.figure.colorbar(_mappable(), ax=ax, fraction=0.04, pad=0.01, ticks=[0, 1])
        sm.ax.set_yticklabels(["low", "high"])
        sm.set_label("Feature value (rank)")
    return ax


def _mappable():
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    return ScalarMappable(norm=Normalize(0, 1), cmap=VALUE_CMAP)


def _swarm_offsets(v: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Vertical spread proportional to the local density of points."""
    if len(v) < 2 or np.ptp(v) == 0:
        return rng.uniform(-0.3, 0.3, len(v))
    hist, edges = np.histogram(v, bins=40)
    dens = hist[np.clip(np.searchsorted(edges, v, side="right") - 1, 0, 39)] / hist.max()
    return rng.uniform(-0.38, 0.38, len(v)) * dens


def plot_shap_dependence(result: ShapResult, index: int = 0, *, ax: Axes | None = None) -> Axes:
    """A feature's SHAP value against its raw value: a scatter (numeric) or one
    strip per category."""
    dep = result.dependence[index]
    ax = new_axes(ax, (4.4, 3.2))
    with style():
        if dep.kind == "numeric":
            ax.scatter(dep.x, dep.shap, s=6, color=PALETTE[0], alpha=0.5, linewidths=0, rasterized=True)
            ax.set_xlabel(figure_text(dep.feature))
        else:
            cats = sorted(set(dep.categories))
            means = {c: np.mean([s for k, s in zip(dep.categories, dep.shap) if k == c]) for c in cats}
            cats = sorted(cats, key=lambda c: means[c])[-15:]
            pos = {c: i for i, c in enumerate(cats)}
            rng = np.random.default_rng(0)
            xs = [(pos[c] + rng.uniform(-0.25, 0.25), s) for c, s in zip(dep.categories, dep.shap) if c in pos]
            if xs:
                ax.scatter(*zip(*xs), s=6, color=PALETTE[0], alpha=0.4, linewidths=0, rasterized=True)
            ax.scatter(range(len(cats)), [means[c] for c in cats], marker="_", s=200, color=PALETTE[3], zorder=3)
            ax.set_xticks(range(len(cats)), [figure_text(c, max_len=30) for c in cats], rotation=40, ha="right", fontsize=7)
            ax.set_xlabel(figure_text(dep.feature))
        ax.axhline(0, color="#555555", lw=0.8)
        ax.set_ylabel(f"SHAP ({figure_text(result.output_space)})")
        ax.set_title(f"{figure_text(dep.feature)} → {figure_text(dep.output)}")
    return ax


def plot_shap_waterfall(result: ShapResult, index: int = 0, *, ax: Axes | None = None) -> Axes:
    """How one row's output is built from the base value, largest contributions first."""
    wf = result.waterfalls[index]
    items = [(f"{figure_text(c.feature, max_len=40)} = {figure_text(c.value, max_len=30)}", c.contribution) for c in wf.contributions]
    if wf.n_rest:
        items.append((f"{wf.n_rest} other feature{'s' if wf.n_rest != 1 else ''}", wf.rest))
    ax = new_axes(ax, (6.2, _height(len(items)) + 0.3))
    with style():
        start = wf.base_value
        n = len(items)
        for i, (_, v) in enumerate(items):
            y = n - 1 - i
            ax.barh(y, v, left=start, color=_POS if v >= 0 else _NEG, height=0.6)
            start += v
        ax.set_yticks(range(n)[::-1], [label for label, _ in items], fontsize=8)
        # each bar's value in a column of its own on the right: labels at the bar ends
        # ran into each other and into the feature names in small panels
        values = ax.twinx()
        values.set_ylim(ax.get_ylim())
        values.set_yticks(range(n)[::-1], [f"{v:+.3g}" for _, v in items], fontsize=7)
        values.tick_params(axis="y", length=0)
        for side in ("top", "right", "left", "bottom"):
            values.spines[side].set_visible(False)
        ax.axvline(wf.base_value, color="#777777", lw=0.8, ls="--")
        ax.axvline(wf.output_value, color="#222222", lw=1)
        ax.set_xlabel(f"{figure_text(result.output_space)} of {figure_text(wf.output)}: base {wf.base_value:.3g} → row {wf.output_value:.3g}")
        ax.set_title(f"Row {figure_text(wf.row)}")
        lo = min(wf.base_value, wf.output_value, *np.cumsum([v for _, v in items]) + wf.base_value)
        hi = max(wf.base_value, wf.output_value, *np.cumsum([v for _, v in items]) + wf.base_value)
        pad = 0.25 * (hi - lo or 1.0)
        ax.set_xlim(lo - pad, hi + pad)
        ax.xaxis.set_major_locator(MaxNLocator(4))  # narrow panels: fewer, unclipped ticks
        values.set_ylim(ax.get_ylim())
    return ax


def plot_lime(result: LimeResult, index: int = 0, *, max_display: int = 10, ax: Axes | None = None) -> Axes:
    """One row's LIME weights, labelled by the conditions LIME tested."""
    row = result.rows[index]
    terms = row.terms[:max_display]
    ax = new_axes(ax, (5.6, _height(len(terms))))
    with style():
        y = np.arange(len(terms))[::-1]
        ax.barh(y, [t.weight for t in terms], color=[_POS if t.weight >= 0 else _NEG for t in terms], height=0.6)
        ax.set_yticks(y, [figure_text(t.term) for t in terms], fontsize=8)
        ax.axvline(0, color="#555555", lw=0.8)
        ax.set_xlabel(f"LIME weight ({figure_text(result.output_space)} of {figure_text(row.output)})")
        ax.set_title(f"LIME, row {figure_text(row.row)}")
    return ax


def plot_lime_vs_shap(result: AgreementResult, index: int = 0, *, ax: Axes | None = None) -> Axes:
    """LIME and SHAP side by side for one row, each scaled to its largest
    magnitude (their units differ; ranks and signs are what compare)."""
    row = result.rows[index]
    feats = row.features
    if not feats:
        raise ValueError(f"Expected row {row.row} to have SHAP values to compare. Got none ({row.reason}).")
    ax = new_axes(ax, (5.6, _height(len(feats)) + 0.2))
    lmax = max(abs(f.lime) for f in feats) or 1.0
    smax = max(abs(f.shap) for f in feats) or 1.0
    with style():
        y = np.arange(len(feats))[::-1]
        ax.barh(y + 0.18, [f.lime / lmax for f in feats], height=0.36, color=PALETTE[1], label="LIME")
        ax.barh(y - 0.18, [f.shap / smax for f in feats], height=0.36, color=PALETTE[0], label="SHAP")
        ax.set_yticks(y, [figure_text(f.feature) for f in feats])
        ax.axvline(0, color="#555555", lw=0.8)
        ax.set_xlim(-1.1, 1.1)
        ax.set_xlabel("Contribution as a share of the method's largest")
        ax.set_title(f"Row {figure_text(row.row)}", loc="left")
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=8, frameon=False)
    return ax
