"""Signed comparisons of every group with a reference group, with simultaneous intervals.

Each group's metric is compared with the reference group's as a ratio
(group / reference, may exceed 1) and a difference (group - reference). The
intervals of all comparisons in one family (every group, and every metric of a
check such as equalized odds' TPR and FPR) hold *together* at the confidence
level, so a check can use all of them at once; :mod:`auditor.fairness.checks`
turns them into a verdict.

Method
------
A symmetric studentized max-t bootstrap on the log-ratio and difference scales.
With ``theta`` a comparison, ``theta*`` its bootstrap replicates (the same
stratified resamples for every group and metric) and ``se`` a standard error,

    T*_b = max_k |theta*_bk - theta_k| / se*_bk,    interval_k = theta_k +- c * se_k,

with ``c`` the ``confidence_level`` quantile of ``T*``. The max over the family
makes the intervals simultaneous while using the correlation of comparisons that
share the reference group (so they are narrower than Bonferroni's).

For a proportion (the caller passes its effective denominator) ``se*`` is the
binomial standard error recomputed in every resample (a bootstrap-t; delta
method on the log scale; half a row added to each count so that it stays
positive at rates of 0 or 1). Simulated, it covers 94-96% from groups of 20
rows up, where studentizing by the bootstrap's own standard deviation covers as
little as 90% (difference) and 63% (log ratio, rate 0.15, 20 rows)
(``tests/fairness/test_coverage.py``; ``bench/bench_fairness_power.py``).
Other metrics (errors) use the bootstrap standard deviation.

A rate of exactly 0 or 1 has no bootstrap spread (every resample repeats it), so
comparisons involving one take exact Clopper-Pearson bounds of both rates
instead, at a Bonferroni share ``alpha / K`` of the family's error; the max-t part
gets the rest, so the family still holds at the stated level.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import stats

from auditor.fairness.significance import proportion_pvalues

__all__ = [
    "GroupMetric",
    "IntervalEstimate",
    "Comparison",
    "Extremes",
    "ReferenceComparisons",
    "compare_to_reference",
    "MIN_DEFINED_SHARE",
]

#: A comparison defined in fewer than this share of the resamples gets no
#: bootstrap interval: the resamples left are a biased subset.
MIN_DEFINED_SHARE = 0.5

IntervalMethod = Literal["bootstrap-t", "bootstrap-se", "clopper-pearson"]


@dataclass(frozen=True, eq=False)
class GroupMetric:
    """One metric of every group of a grouping: the engine's input.

    Parameters
    ----------
    name : str
        The metric's key (``"selection_rate"``, ``"mean_absolute_error"``...).
    point : array of shape (G,)
        Value per group at the sample weights; NaN where undefined.
    eligible : array of bool of shape (G,)
        Groups large enough (and defined) to enter a verdict.
    replicates : array of shape (B, G), optional
        Bootstrap replicates; the same resamples for every metric of a family.
        ``None`` or ``B == 0``: no intervals.
    n_effective : array of shape (G,), optional
        Effective rows in the denominator (see
        :func:`auditor.fairness.counts.effective_denominators`). Given, the
        metric is treated as a proportion: binomial studentization, exact bounds
        at 0 and 1, and two-proportion tests.
    p_values : array of shape (G,), optional
        Tests against the reference computed elsewhere (for errors:
        :func:`auditor.fairness.significance.error_permutation_test`); they take
        precedence over the two-proportion tests.
    test : str, optional
        Name of the test behind ``p_values`` (e.g. ``"permutation"``).
    """

    name: str
    point: np.ndarray
    eligible: np.ndarray
    replicates: np.ndarray | None = None
    n_effective: np.ndarray | None = None
    p_values: np.ndarray | None = None
    test: str | None = None

    def __post_init__(self) -> None:
        point = np.asarray(self.point, dtype=float).reshape(-1)
        G = len(point)

        def vector(x, dtype=float):
            a = np.asarray(x, dtype=dtype).reshape(-1)
            if len(a) != G:
                raise ValueError(f"Expected {G} values (one per group) for {self.name!r}. Got {len(a)} instead.")
            return a

        object.__setattr__(self, "point", point)
        object.__setattr__(self, "eligible", vector(self.eligible, bool))
        if self.replicates is not None:
            reps = np.asarray(self.replicates, dtype=float)
            if reps.ndim != 2 or reps.shape[1] != G:
                raise ValueError(f"Expected replicates of shape (B, {G}) for {self.name!r}. Got {reps.shape} instead.")
            object.__setattr__(self, "replicates", reps)
        if self.n_effective is not None:
            object.__setattr__(self, "n_effective", vector(self.n_effective))
        if self.p_values is not None:
            object.__setattr__(self, "p_values", vector(self.p_values))

    @property
    def n_groups(self) -> int:
        return len(self.point)

    @property
    def n_resamples(self) -> int:
        return 0 if self.replicates is None else self.replicates.shape[0]


@dataclass(frozen=True)
class IntervalEstimate:
    """A value with its simultaneous interval; fields as ``auditor.results.Estimate``.

    ``value`` is ``None`` when undefined and ``ci_low``/``ci_high`` ``None`` when no
    interval was computed; ``reason`` says why in plain words.
    """

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Comparison:
    """One group against the reference group on one metric.

    ``eligible`` is False for a group (or reference) too small or undefined:
    its ratio and difference are described but carry no interval and never
    enter a verdict. ``p_value`` is unadjusted (``test`` names the test);
    ``ratio_method`` and ``difference_method`` say where each interval comes from.
    """

    metric: str
    group: int
    eligible: bool
    value: float | None
    reference_value: float | None
    ratio: IntervalEstimate
    difference: IntervalEstimate
    p_value: float | None = None
    test: str | None = None
    ratio_method: IntervalMethod | None = None
    difference_method: IntervalMethod | None = None


@dataclass(frozen=True)
class Extremes:
    """Described only (no verdict rests on it): lowest and highest eligible group."""

    metric: str
    lowest_group: int | None
    highest_group: int | None
    ratio: float | None
    difference: float | None


@dataclass(frozen=True)
class ReferenceComparisons:
    """Every group against the reference, on each metric of one family.

    ``comparisons`` run over metrics, then groups in index order (the reference
    left out). The intervals on each scale hold simultaneously over the
    eligible comparisons at ``confidence_level``. ``ratio_critical_value`` and
    ``difference_critical_value`` are the max-t multipliers ``c`` (``None``
    without a bootstrap part). ``reference_eligible`` says, per metric, whether
    the reference group itself is eligible.
    """

    reference: int
    metrics: tuple[str, ...]
    confidence_level: float
    n_resamples: int
    comparisons: tuple[Comparison, ...]
    extremes: tuple[Extremes, ...]
    ratio_critical_value: float | None = None
    difference_critical_value: float | None = None
    reference_eligible: tuple[bool, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def judged(self) -> tuple[Comparison, ...]:
        """The comparisons a verdict rests on."""
        return tuple(c for c in self.comparisons if c.eligible)


def _f(x) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def compare_to_reference(
    metrics: Sequence[GroupMetric],
    *,
    reference: int,
    confidence_level: float = 0.95,
) -> ReferenceComparisons:
    """Ratio and difference of every group to the reference, with simultaneous intervals.

    Parameters
    ----------
    metrics : sequence of GroupMetric
        The family: one metric for most checks, two (TPR and FPR) for equalized
        odds. All over the same groups and, for intervals, the same resamples.
    reference : int
        Index of the reference group.
    confidence_level : float, default=0.95
        Simultaneous coverage of the family's intervals, on each scale.

    Returns
    -------
    ReferenceComparisons

    Raises
    ------
    ValueError
        If the metrics disagree on the number of groups or resamples, or
        ``reference`` is not a group.
    """
    metrics = tuple(metrics)
    if not metrics:
        raise ValueError("Expected at least one GroupMetric. Got none.")
    G, B = metrics[0].n_groups, metrics[0].n_resamples
    for m in metrics:
        if m.n_groups != G or m.n_resamples != B:
            raise ValueError(
                f"Expected every metric over {G} groups and {B} resamples. Got {m.n_groups} and {m.n_resamples} "
                f"for {m.name!r} instead."
            )
    if not 0 <= reference < G:
        raise ValueError(f"Expected reference in 0..{G - 1}. Got {reference} instead.")
    if not 0 < confidence_level < 1:
        raise ValueError(f"Expected confidence_level in (0, 1). Got {confidence_level} instead.")
    fam = _Family(metrics, reference)
    alpha = 1.0 - confidence_level
    scales = {name: _Scale(name, fam) for name in ("ratio", "difference")}
    notes = [] if B else ["no bootstrap resamples, so no intervals: values only"]
    if B:
        for s in scales.values():
            s.intervals(alpha)
    p_values, tests = _tests(fam)
    comparisons = []
    for k in range(fam.K):
        m = metrics[fam.mi[k]]
        judged = bool(fam.eligible[k])
        comparisons.append(Comparison(
            metric=m.name, group=int(fam.gi[k]), eligible=judged, value=_f(fam.pg[k]), reference_value=_f(fam.pr[k]),
            ratio=scales["ratio"].estimate(k), difference=scales["difference"].estimate(k),
            p_value=_f(p_values[k]) if judged else None, test=tests[k] if judged else None,
            ratio_method=scales["ratio"].method[k], difference_method=scales["difference"].method[k],
        ))
    return ReferenceComparisons(
        reference=reference,
        metrics=tuple(m.name for m in metrics),
        confidence_level=confidence_level,
        n_resamples=B,
        comparisons=tuple(comparisons),
        extremes=tuple(_extremes(m) for m in metrics),
        ratio_critical_value=scales["ratio"].critical,
        difference_critical_value=scales["difference"].critical,
        reference_eligible=tuple(bool(m.eligible[reference]) for m in metrics),
        notes=tuple(notes),
    )


class _Family:
    """The family's comparisons as flat arrays: comparison ``k`` is group ``gi[k]`` on metric ``mi[k]``."""

    def __init__(self, metrics: tuple[GroupMetric, ...], reference: int) -> None:
        G = metrics[0].n_groups
        self.metrics, self.ref = metrics, reference
        others = np.array([g for g in range(G) if g != reference], dtype=np.int64)
        self.mi = np.repeat(np.arange(len(metrics)), len(others))
        self.gi = np.tile(others, len(metrics))
        self.K = len(self.gi)
        point = np.stack([m.point for m in metrics])
        ok = np.stack([m.eligible for m in metrics])
        self.pg, self.pr = point[self.mi, self.gi], point[self.mi, reference]
        self.defined = np.isfinite(self.pg) & np.isfinite(self.pr)
        self.eligible = ok[self.mi, self.gi] & ok[self.mi, reference] & self.defined
        self.proportion = np.array([m.n_effective is not None for m in metrics])[self.mi]
        n = np.stack([np.full(G, np.nan) if m.n_effective is None else m.n_effective for m in metrics])
        self.ng, self.nr = n[self.mi, self.gi], n[self.mi, reference]
        if metrics[0].n_resamples:
            reps = np.stack([m.replicates for m in metrics], axis=1)  # (B, M, G)
            self.rg, self.rr = reps[:, self.mi, self.gi], reps[:, self.mi, reference]
        else:
            self.rg = self.rr = None

    def name(self, k: int) -> str:
        return self.metrics[self.mi[k]].name


class _Scale:
    """The family's comparisons on one scale: ratio (bootstrapped as log ratio) or difference."""

    def __init__(self, name: str, fam: _Family) -> None:
        self.name, self.fam = name, fam
        K = fam.K
        self.low, self.high = np.full(K, np.nan), np.full(K, np.nan)
        self.reason: list[str | None] = [None] * K
        self.interval_reason: list[str | None] = [None] * K
        self.method: list[IntervalMethod | None] = [None] * K
        self.critical: float | None = None
        pg, pr = fam.pg, fam.pr
        with np.errstate(divide="ignore", invalid="ignore"):
            if name == "difference":
                self.value = np.where(fam.defined, pg - pr, np.nan)
            else:
                self.value = np.where(fam.defined & (pr > 0) & (pg >= 0), pg / pr, np.nan)
        for k in np.flatnonzero(~np.isfinite(self.value)):
            if not np.isfinite(pr[k]):
                self.reason[k] = f"the reference group's {fam.name(k)} is undefined"
            elif not np.isfinite(pg[k]):
                self.reason[k] = f"this group's {fam.name(k)} is undefined"
            elif pr[k] == 0:
                # never 0 and never a cap: a ratio to a zero rate has no value
                self.reason[k] = f"the reference group's {fam.name(k)} is 0, so a ratio to it is undefined"
            else:
                self.reason[k] = f"a ratio of negative {fam.name(k)} values is not meaningful"
        for k in np.flatnonzero(~fam.eligible):
            self.interval_reason[k] = "not judged: the group or the reference is too small or undefined"

    def _t(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x) if self.name == "ratio" else x

    def _binomial_se(self, pg, pr, ng, nr):
        # half a row added to the successes and to the failures keeps the standard error
        # positive in a resample whose rates hit 0 or 1: with an exact 0 such a resample's
        # pivot would be infinite, and a few percent of them make the whole family unbounded
        with np.errstate(divide="ignore", invalid="ignore"):
            pg, pr = (pg * ng + 0.5) / (ng + 1), (pr * nr + 0.5) / (nr + 1)
            if self.name == "ratio":  # delta method: var(log p) = (1 - p) / (n p)
                v = (1 - pg) / (ng * pg) + (1 - pr) / (nr * pr)
            else:
                v = pg * (1 - pg) / ng + pr * (1 - pr) / nr
        return np.sqrt(v)

    def intervals(self, alpha: float) -> None:
        fam = self.fam
        judged = np.flatnonzero(fam.eligible & np.isfinite(self.value))
        if len(judged) == 0:
            return
        prop = fam.proportion[judged]
        edge = prop & (np.isin(fam.pg[judged], (0.0, 1.0)) | np.isin(fam.pr[judged], (0.0, 1.0)))
        with np.errstate(invalid="ignore"):  # inf - inf: undefined, handled as NaN
            theta = self._t(fam.pg[judged]) - self._t(fam.pr[judged])
            star = self._t(fam.rg[:, judged]) - self._t(fam.rr[:, judged])
        finite_star = np.isfinite(star)
        share = finite_star.mean(axis=0)
        sd = np.full(len(judged), np.nan)
        if not prop.all():
            with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # a column with < 2 defined replicates: NaN, handled
                sd = np.sqrt(np.nanvar(np.where(finite_star, star, np.nan), axis=0, ddof=1))
        se = np.where(prop, self._binomial_se(fam.pg[judged], fam.pr[judged], fam.ng[judged], fam.nr[judged]), sd)
        trouble = ~edge & (~np.isfinite(theta) | (share < MIN_DEFINED_SHARE) | ~(se > 0))
        for j in np.flatnonzero(trouble & ~prop):
            k = judged[j]
            if not np.isfinite(theta[j]):
                self.interval_reason[k] = f"{fam.name(k)} is 0, so the bootstrap cannot bound its log ratio"
            elif share[j] < MIN_DEFINED_SHARE:
                self.interval_reason[k] = (f"the comparison is undefined in {int((~finite_star[:, j]).sum())} of "
                                           f"{star.shape[0]} bootstrap resamples")
            else:
                self.interval_reason[k] = "the bootstrap replicates do not vary, so they cannot bound the comparison"
        # a proportion the bootstrap cannot handle still has exact bounds
        exact = edge | (trouble & prop)
        boot = ~edge & ~trouble
        K = len(judged)
        # Bonferroni split of alpha: each exact comparison alpha / K, the max-t family the rest
        if exact.any():
            self._exact(judged[exact], alpha / K)
        if boot.any():
            b = np.flatnonzero(boot)
            ks = judged[b]
            if prop[b].any():
                se_star = np.where(prop[b], self._binomial_se(fam.rg[:, ks], fam.rr[:, ks], fam.ng[ks], fam.nr[ks]), se[b])
            else:
                se_star = np.broadcast_to(se[b], star[:, b].shape)
            self._max_t(ks, theta[b], star[:, b], se[b], se_star, alpha * len(b) / K)

    def _max_t(self, ks, theta, star, se, se_star, alpha_part) -> None:
        dev = np.abs(star - theta)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = dev / se_star
        t[~np.isfinite(star)] = np.nan  # undefined there (a log of 0): left out of that resample's max
        defined = ~np.isnan(t).all(axis=1)
        if not defined.any():
            for k in ks:
                self.interval_reason[k] = "no bootstrap resample defines the comparisons"
            return
        T = np.nanmax(t[defined], axis=1)
        # an order statistic ("higher"): interpolating towards an infinite T is meaningless
        c = float(np.quantile(T, 1.0 - alpha_part, method="higher"))
        if not np.isfinite(c):
            for k in ks:
                self.interval_reason[k] = "the bootstrap's pivots are unbounded, so they cannot bound the comparisons"
            return
        self.critical = c
        lo, hi = theta - c * se, theta + c * se
        if self.name == "ratio":
            lo, hi = np.exp(lo), np.exp(hi)
        self.low[ks], self.high[ks] = lo, hi
        for k in ks:
            self.method[k] = "bootstrap-t" if self.fam.proportion[k] else "bootstrap-se"

    def _exact(self, ks, alpha_k: float) -> None:
        """Clopper-Pearson bounds of both rates, each at ``alpha_k / 2``, combined."""
        f = self.fam
        lg, ug = _clopper_pearson(f.pg[ks], f.ng[ks], alpha_k / 2)
        lr, ur = _clopper_pearson(f.pr[ks], f.nr[ks], alpha_k / 2)
        if self.name == "difference":
            self.low[ks], self.high[ks] = lg - ur, ug - lr
        else:
            self.low[ks], self.high[ks] = lg / ur, ug / lr
        for k in ks:
            self.method[k] = "clopper-pearson"

    def estimate(self, k: int) -> IntervalEstimate:
        if not np.isfinite(self.value[k]):
            return IntervalEstimate(None, reason=self.reason[k])
        lo, hi = _f(self.low[k]), _f(self.high[k])
        reason = None
        if lo is None:
            reason = self.interval_reason[k] or ("no bootstrap resamples" if self.fam.rg is None else None)
        return IntervalEstimate(float(self.value[k]), lo, hi, reason)


def _clopper_pearson(p: np.ndarray, n: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact two-sided (1 - alpha) bounds of proportions ``p`` of ``n`` (effective) rows."""
    x = p * n
    with np.errstate(invalid="ignore"):
        low = np.where(p <= 0, 0.0, stats.beta.ppf(alpha / 2, x, n - x + 1))
        high = np.where(p >= 1, 1.0, stats.beta.ppf(1 - alpha / 2, x + 1, n - x))
    return low, high


def _tests(fam: _Family) -> tuple[np.ndarray, list[str | None]]:
    """Unadjusted p-values of "no difference" per comparison: given ones, else two-proportion tests."""
    p = np.full(fam.K, np.nan)
    tests: list[str | None] = [None] * fam.K
    for k in np.flatnonzero(fam.eligible):
        m = fam.metrics[fam.mi[k]]
        if m.p_values is not None:
            p[k], tests[k] = m.p_values[fam.gi[k]], m.test
    prop = (fam.eligible & fam.proportion & np.array([fam.metrics[i].p_values is None for i in fam.mi])
            & (np.nan_to_num(fam.ng) > 0) & (np.nan_to_num(fam.nr) > 0))
    if prop.any():
        ng, nr = fam.ng[prop], fam.nr[prop]
        p[prop], names = proportion_pvalues(np.minimum(fam.pg[prop] * ng, ng), ng, np.minimum(fam.pr[prop] * nr, nr), nr)
        for k, name in zip(np.flatnonzero(prop), names):
            tests[k] = name
    return p, tests


def _extremes(m: GroupMetric) -> Extremes:
    ok = np.flatnonzero(m.eligible & np.isfinite(m.point))
    if len(ok) < 2:
        return Extremes(m.name, None, None, None, None)
    lo, hi = ok[np.argmin(m.point[ok])], ok[np.argmax(m.point[ok])]
    a, b = m.point[lo], m.point[hi]
    return Extremes(m.name, int(lo), int(hi), float(a / b) if b > 0 else None, float(b - a))
