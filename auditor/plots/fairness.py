"""Figures of the fairness section, drawn from its result alone."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FixedFormatter, FixedLocator, NullFormatter

from auditor.plots._style import PALETTE, STATUS_COLOURS, STATUS_GLYPHS, STATUS_MARKERS, new_axes, style
from auditor.plots._text import figure_text
from auditor.results import FairnessResult

__all__ = ["plot_group_metric", "plot_reference_ratios", "plot_disparities"]


def plot_group_metric(
    result: FairnessResult, *, grouping: str, metric: str = "selection_rate", ax: Axes | None = None
) -> Axes:
    """One bar per group with its confidence interval.

    Groups too small for the metric (see ``result.excluded``) are drawn hatched and
    lighter; undefined values are left out and named in the axis label.
    """
    g = result.grouping(grouping)
    excluded = {e.group for e in result.excluded if e.grouping == grouping and e.metric == metric}
    labels, values, lo, hi, small = [], [], [], [], []
    undefined = []
    for grp in g.groups:
        est = grp.metrics.get(metric)
        if est is None:
            raise KeyError(f"No metric {metric!r} for {grouping}; available: {sorted(grp.metrics)}")
        if est.value is None:
            undefined.append(figure_text(grp.label, max_len=30))
            continue
        labels.append(f"{figure_text(grp.label)}  (n={grp.count:,})")
        values.append(est.value)
        # a percentile interval need not contain its estimate: draw it as given
        lo.append(est.ci_low if est.ci_low is not None else est.value)
        hi.append(est.ci_high if est.ci_high is not None else est.value)
        small.append(grp.label in excluded)
    ax = new_axes(ax, (5.6, 0.9 + 0.32 * max(len(labels), 1)))
    with style():
        y = np.arange(len(labels))[::-1]
        colours = [PALETTE[0] if not s else "#9ecae1" for s in small]
        bars = ax.barh(y, values, color=colours, height=0.6)
        ax.hlines(y, lo, hi, color="#333333", lw=1)
        for end in (lo, hi):
            ax.plot(end, y, "|", color="#333333", ms=5)
        for bar, s in zip(bars, small):
            if s:
                bar.set_hatch("///")
                bar.set_edgecolor("#4a6f8a")
        ax.set_yticks(y, labels)
        pretty = metric.replace("_", " ").replace(":", " of ")
        ax.set_xlabel(figure_text(pretty.capitalize(), max_len=None) + (f"  (undefined: {', '.join(undefined)})" if undefined else ""))
        ax.set_title(f"{pretty.capitalize()} by {figure_text(grouping)}")
        if values and max(values) <= 1 and min(values) >= 0:
            ax.set_xlim(0, min(1.0, max(max(values), max(hi)) * 1.15 + 0.02))
        if any(small):
            ax.text(1.0, -0.16 - 0.02 * len(labels) / 10, "hatched: too few rows to judge", transform=ax.transAxes,
                    ha="right", va="top", fontsize=7, color="#555555")
    return ax


def plot_reference_ratios(
    result: FairnessResult,
    *,
    family: str = "selection_rate",
    metrics: tuple[str, ...] | None = None,
    limit: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Every group's ratio to its reference group, with its simultaneous interval.

    One row per eligible comparison (grouping, group and, for a family of several
    metrics, the metric), on a log axis so that 0.5 and 2 lie equally far from 1.
    ``limit`` shades the acceptable band ``[limit, 1/limit]`` (for a limit above
    1, ``[1/limit, limit]``). Comparisons too small to judge are left out; so
    are those without a ratio or with a ratio of 0, which a log axis cannot
    show (both named in the axis label).

    Parameters
    ----------
    result : FairnessResult
    family : str, default="selection_rate"
        The stored family to draw (``"errors"`` for regression).
    metrics : tuple of str, optional
        Only these metrics of the family.
    limit : float, optional
    ax : matplotlib Axes, optional
    """
    rows, undefined, zero = [], [], []
    for g in result.groupings:
        fam = next((f for f in g.families if f.key == family), None)
        if fam is None:
            continue
        several = len(fam.metrics) > 1
        for c in fam.judged():
            if metrics is not None and c.metric not in metrics:
                continue
            what = c.metric.replace("_", " ").replace(":", " of ")
            label = figure_text(f"{c.group} / {fam.reference} ({g.name}{', ' + what if several else ''})", max_len=70)
            if c.ratio.value is None or c.ratio.value <= 0:
                # a log axis has no place for 0; say which groups are missing and why
                (undefined if c.ratio.value is None else zero).append(c.group)
                continue
            rows.append((label, c.ratio))
    if not rows and not undefined and not zero:
        raise KeyError(f"No eligible comparison in family {family!r}; the result has "
                       f"{sorted({f.key for g in result.groupings for f in g.families})}.")
    ax = new_axes(ax, (6.4, 1.5 + 0.28 * max(len(rows), 1)))
    with style():
        y = np.arange(len(rows))[::-1]
        band = None if limit is None else (min(limit, 1 / limit), max(limit, 1 / limit))
        values = [est.value for _, est in rows]
        ends = [v for _, est in rows for v in (est.ci_low, est.ci_high) if v is not None and v > 0]
        low = min(values + ends + ([band[0]] if band else []), default=0.5)
        high = max(values + ends + ([band[1]] if band else []), default=2.0)
        if band is not None:
            ax.axvspan(band[0], band[1], color="#009E73", alpha=0.10, lw=0)
            for x in band:
                ax.axvline(x, color="#D55E00", lw=1.2)
        ax.axvline(1.0, color="#555555", lw=0.8, ls=":")
        whiskers = [(yi, max(est.ci_low, low / 1.5), est.ci_high) for yi, (_, est) in zip(y, rows)
                    if est.ci_low is not None and est.ci_high is not None]
        if whiskers:
            wy, wlo, whi = (np.array(v) for v in zip(*whiskers))
            ax.hlines(wy, wlo, whi, color="#333333", lw=1)
            ax.plot(np.r_[wlo, whi], np.r_[wy, wy], "|", color="#333333", ms=5)
        seen = {}
        for yi, (_, est) in zip(y, rows):
            st = _band_status(est, band)
            colour = STATUS_COLOURS[st] if st else PALETTE[0]
            line = ax.plot([est.value], [yi], STATUS_MARKERS.get(st, "o"), color=colour, ms=5.5,
                           markeredgecolor="#222222", markeredgewidth=0.5)[0]
            if st:
                seen.setdefault(st, line)
        if seen:
            order = [st for st in ("FAIL", "INCONCLUSIVE", "PASS") if st in seen]
            ax.legend([seen[st] for st in order], [f"{STATUS_GLYPHS[st]} {st}" for st in order], fontsize=7,
                      loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=len(order), frameon=False)
        ax.set_xscale("log")
        left, right = low / 1.5, high * 1.5
        ax.set_xlim(left, right)
        # plain numbers at readable ratios: a log axis's default 2x10^-1 labels collide
        ticks = [t for t in (0.05, 0.1, 0.25, 0.5, 0.8, 1.0, 1.25, 2.0, 4.0, 10.0, 20.0) if left <= t <= right]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(FixedFormatter([f"{t:g}" for t in ticks]))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks(y, [r[0] for r in rows])
        level = round(100 * result.confidence_level)
        extra = f"\n(no ratio: {', '.join(dict.fromkeys(undefined))})" if undefined else ""
        extra += f"\n(ratio 0, off the log axis: {', '.join(dict.fromkeys(zero))})" if zero else ""
        ax.set_xlabel(f"Ratio to the reference group\n(whiskers: {level}% simultaneous interval){extra}", loc="right")
        ax.set_title("Ratios to the reference group")
    return ax


def plot_disparities(
    result: FairnessResult,
    *,
    keys: tuple[str, ...] = (),
    thresholds: dict[str, float] | None = None,
    compare: str = "between_groups",
    ax: Axes | None = None,
) -> Axes:
    """Each disparity of each grouping with its interval, and the policy's threshold.

    For archives written before schema 2.1, which stored gaps between the
    extreme groups (:attr:`GroupingResult.disparities`); newer audits compare
    every group with the reference group (:func:`plot_reference_ratios`).
    ``keys`` selects disparities (default: all; ratios and differences share an
    axis, so pass one kind); ``thresholds`` maps a disparity key to the line to draw.
    """
    thresholds = thresholds or {}
    rows = []
    for g in result.groupings:
        for d in g.disparities:
            if keys and d.key not in keys:
                continue
            est = d.vs_reference if compare == "reference" else d.between
            rows.append((f"{figure_text(d.label.split(' (')[0])} — {figure_text(g.name)}", d.key, est))
    ax = new_axes(ax, (6.4, 1.0 + 0.3 * max(len(rows), 1)))
    with style():
        y = np.arange(len(rows))[::-1]
        for yi, (_, key, est) in zip(y, rows):
            if est.value is None:
                ax.text(0, yi, "  undefined", va="center", fontsize=7, color="#777777")
                continue
            colour = (STATUS_COLOURS["FAIL"] if key in thresholds and _violates(est.value, key, thresholds[key])
                      else PALETTE[0])
            ax.barh(yi, est.value, color=colour, height=0.6)
            if est.ci_low is not None and est.ci_high is not None:
                ax.hlines(yi, est.ci_low, est.ci_high, color="#333333", lw=1)
                ax.plot([est.ci_low, est.ci_high], [yi, yi], "|", color="#333333", ms=5)
            if key in thresholds:
                ax.plot([thresholds[key]] * 2, [yi - 0.42, yi + 0.42], color="#222222", lw=2)
        ax.set_yticks(y, [r[0] for r in rows])
        ax.axvline(0, color="#555555", lw=0.8)
        ax.set_xlabel("Bar: value; whiskers: 95% interval;\nblack tick: the policy's limit")
        ax.set_title("Disparities")
    return ax


def _band_status(est, band) -> str:
    """A comparison's status against the acceptable band, as its whisker shows it."""
    if band is None:
        return ""
    lo, hi = est.ci_low, est.ci_high
    if lo is None or hi is None:
        lo = hi = est.value
    if band[0] <= lo and hi <= band[1]:
        return "PASS"
    if hi < band[0] or lo > band[1]:
        return "FAIL"
    return "INCONCLUSIVE"


def _violates(value: float, key: str, threshold: float) -> bool:
    return value < threshold if key.endswith("ratio") and key != "error_ratio" else value > threshold
