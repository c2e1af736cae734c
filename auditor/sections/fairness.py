"""Fairness: group and intersectional metrics with intervals, disparities, and why
gaps may exist (proxies, SHAP by group), with a mitigation what-if."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from auditor.artifacts import SHAP_GROUP_SUMS, SHAP_VALUES
from auditor.bootstrap import bootstrap, canonical_order, content_rank, percentile_interval
from auditor.context import AuditContext, SkipSection
from auditor.fairness.cell_bootstrap import SCORE_CELL_ROWS, CellBootstrap, ScoreCellBootstrap
from auditor.fairness.counts import effective_denominators
from auditor.fairness.families import compare_groups, family_specs
from auditor.fairness.groups import Grouping, apply_bins, build_groupings
from auditor.fairness.labels import DEFAULT_MAX_GROUPS
from auditor.fairness.mitigation import threshold_optimizer_outcomes
from auditor.fairness.proxies import find_proxies, proxy_sample
from auditor.fairness.rates import GroupStats, binary_score_stats, binary_stats, multiclass_stats, regression_stats
from auditor.fairness.significance import error_permutation_test
from auditor.policy import fairness_findings
from auditor.results import (
    Estimate,
    ExcludedGroup,
    FairnessResult,
    GroupingResult,
    GroupMetrics,
    MitigationOutcome,
    ShapByGroup,
    ShapGroupDifference,
)
from auditor.sections._base import Section

__all__ = ["FairnessSection"]


@dataclass(frozen=True)
class FairnessSection(Section):
    """Compare groups defined by the sensitive features.

    Parameters
    ----------
    bins : dict of str to int or list of float, default={}
        Cuts for continuous sensitive features: cut points (``{"age": [25]}``
        gives "under 25" and "25 and over") or a number of quantile bins
        (``{"age": 4}``). A numeric sensitive feature with more than 20 distinct
        values and no bins is an error that says how to pass them.
    intersection_depth : int, default=2
        Intersections of up to this many sensitive features (1: none).
    n_bootstrap : int or None, default=None
        Resamples of the group-stratified bootstrap; ``None`` uses the audit's.
    proxies : bool, default=True
        Measure how much each feature reveals each sensitive attribute.
    mitigation : bool or None, default=None
        Run fairlearn's ThresholdOptimizer what-if; ``None`` runs it for binary
        tasks with scores (it reuses the cached scores: about a second on Adult).
    max_shap_features : int, default=10
        Features listed in the SHAP-by-group table.
    min_group_size : int, default=30
        Rows a group needs in the denominator of a rate (positives for the true
        positive rate, negatives for the false positive rate, predicted positives
        for precision, all its rows for the selection rate) to enter a
        disparity. Smaller groups are still shown, with their intervals, and
        listed as excluded; the policy makes a check they would cross
        INCONCLUSIVE rather than PASS.
    reference_groups : dict of str to str, default={}
        Reference group per sensitive feature (e.g. ``{"sex": "Male"}``); the
        largest group otherwise. Every group is compared with it, as a ratio and
        a difference with intervals that hold together over the groups (and the
        metrics) behind each check.
    n_permutations : int, default=999
        Random splits behind each permutation test of "this group's errors are
        like the reference group's" (regression).
    max_groups : int, default=50
        Most distinct values a non-numeric sensitive feature may have; more is an
        error when the audit is set up (see :mod:`auditor.fairness.labels`).
    """

    name = "fairness"
    reads_model_inputs = False
    title = "Fairness across groups"
    result_type = FairnessResult
    # reads the outcomes and the features only through ctx.row_hash,
    # ctx.missing_values and ctx.take_rows: every row under the Dask engine
    distributed = True
    # fairness reuses the per-row SHAP values for its by-group table
    after = ("shap",)
    findings = fairness_findings
    view = "auditor.render.views.fairness:build"
    template = "sections/fairness.html.j2"

    bins: Mapping[str, int | Sequence[float]] = field(default_factory=dict)
    intersection_depth: int = 2
    n_bootstrap: int | None = None
    proxies: bool = True
    mitigation: bool | None = None
    max_shap_features: int = 10
    min_group_size: int = 30
    reference_groups: Mapping[str, str] = field(default_factory=dict)
    max_groups: int = DEFAULT_MAX_GROUPS
    n_permutations: int = 999

    def __post_init__(self) -> None:
        size = self.min_group_size
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"Expected min_group_size to be a positive int. Got {size!r} instead.")
        if not isinstance(self.reference_groups, Mapping) or not all(
            isinstance(k, str) for k in self.reference_groups
        ):
            raise ValueError(
                "Expected reference_groups to map sensitive feature names to a group, e.g. {'sex': 'Male'}. "
                f"Got {self.reference_groups!r} instead."
            )
        n_perm = self.n_permutations
        if isinstance(n_perm, bool) or not isinstance(n_perm, int) or n_perm < 1:
            raise ValueError(f"Expected n_permutations to be a positive int. Got {n_perm!r} instead.")

    def compute(self, ctx: AuditContext) -> FairnessResult:
        if ctx.sensitive_features.shape[1] == 0:
            raise SkipSection("no sensitive_features were given, so there are no groups to compare")
        n_boot = ctx.n_bootstrap if self.n_bootstrap is None else self.n_bootstrap
        labels, bins = apply_bins(ctx.sensitive_features, self.bins)
        groupings = build_groupings(labels, self.intersection_depth)
        finest = build_groupings(labels, labels.shape[1])[-1] if labels.shape[1] > 1 else groupings[0]
        # Everything random here (bootstrap, proxy sample, mitigation draws) runs
        # over rows in an order defined by their content, and strata are ranked by
        # content, not label: the same data in any row order, with its groups
        # renamed, gives the same numbers.
        order = _canonical_rows(ctx)
        finest_strata = content_rank(finest.codes, *_row_values(ctx))
        strata = finest_strata[order]
        stats = [_stats(ctx, g, order) for g in groupings]

        def all_stats(W: np.ndarray) -> dict[str, np.ndarray]:
            return {f"{i}|{k}": v for i, st in enumerate(stats) for k, v in st(W).items()}

        w = ctx.weights[order]
        point = {k: v[0] for k, v in all_stats(w[None, :]).items()}
        # stratified by the finest groups: every group keeps its size in every
        # resample, so a small group's interval reflects its own noise only
        score_note = None
        if n_boot and ctx.sample_weight is None and ctx.task in ("binary", "multiclass"):
            reps, score_note = _cell_replicates(ctx, groupings, finest_strata, order, strata, n_boot)
        else:
            reps = bootstrap(all_stats, w, n_boot, ctx.rng("fairness.bootstrap"), strata=strata,
                             tick=ctx.ticker("bootstrap resamples", n_boot)) if n_boot else {}
        level = ctx.confidence_level
        results, excluded = [], []
        for i, (grouping, st) in enumerate(zip(groupings, stats)):
            res, exc = _grouping_result(ctx, grouping, st, i, point, reps, level, self, order)
            results.append(res)
            excluded += exc
        proxies, proxy_rows = self._proxies(ctx, labels, order)
        shap_by_group, shap_note = self._shap_by_group(ctx, groupings)
        mitigation, mitigation_note = self._mitigation(ctx, finest, strata, order)
        notes = [
            f"Intervals of group metrics: {round(100 * level)}% percentile intervals from {n_boot:,} bootstrap "
            f"resamples drawn within each group of {finest.name} (group sizes fixed"
            + ("; rates resampled as counts of each group's true × predicted cells, the same distribution as "
               "resampling rows" if ctx.sample_weight is None and ctx.task != "regression" else "")
            + ")." if n_boot
            else "No intervals (n_bootstrap=0): every verdict rests on the values alone.",
            f"A group enters a verdict on a rate when it has at least {self.min_group_size} rows in that rate's "
            "denominator; smaller groups are shown but listed as excluded.",
        ]
        if score_note:
            notes.append(score_note)
        if n_boot:
            notes.append(
                f"Comparisons with the reference group: {round(100 * level)}% simultaneous intervals (studentized "
                "max-t bootstrap over the same resamples; binomial standard errors for rates; exact Clopper-Pearson "
                "bounds for a rate of 0 or 1), holding together over every group and metric behind a check."
            )
        return FairnessResult(
            task=ctx.task,
            sensitive_features=tuple(labels.columns),
            groupings=tuple(results),
            min_group_size=self.min_group_size,
            confidence_level=level,
            n_bootstrap=n_boot,
            excluded=tuple(excluded),
            bins={k: tuple(v) for k, v in bins.items()} or None,
            proxies=tuple(proxies),
            proxy_rows=proxy_rows,
            shap_by_group=tuple(shap_by_group),
            shap_note=shap_note,
            mitigation=tuple(mitigation),
            mitigation_note=mitigation_note,
            notes=tuple(notes),
            n_permutations=self.n_permutations if ctx.task == "regression" else 0,
        )

    # -- why is there a gap? ----------------------------------------------------------
    def _proxies(self, ctx: AuditContext, labels: pd.DataFrame, order: np.ndarray):
        if not self.proxies or ctx.X is None:
            return [], 0
        sensitive = set(labels.columns)
        features = [c for c in (ctx.model.feature_names if ctx.model else ctx.X.columns) if c not in sensitive]
        if not features:
            return [], 0
        # the sample is drawn over rows in canonical order, then only its rows are
        # read: the same rows in memory or pulled from a cluster
        rows = order[proxy_sample(ctx.n_rows, ctx.rng("fairness.proxies"))]
        return find_proxies(ctx.take_rows(rows), labels.iloc[rows], features, None, ctx.seed("fairness.proxies.mi"))

    def _shap_by_group(self, ctx: AuditContext, groupings: list[Grouping]):
        sums = ctx.peek(SHAP_GROUP_SUMS)
        if sums is not None:  # TreeSHAP on a cluster: every row, as sums per group
            return [self._shap_group_result(g, *_group_means(sums, g), sums.feature_names, sums.output_names,
                                            sums.n_rows) for g in groupings if not g.is_intersection], None
        sv = ctx.peek(SHAP_VALUES)
        if sv is None:
            reason = (
                "the SHAP section was not run, so attributions by group are not available"
                if ctx.model is not None
                else "no model: attributions need the fitted model"
            )
            return [], reason
        single = sv.values.shape[2] == 1
        out = []
        for grouping in (g for g in groupings if not g.is_intersection):
            codes = grouping.codes[sv.rows]
            counts, abs_means, signed_means = {}, {}, {}
            for gi in range(len(grouping.labels)):
                mask = codes == gi
                if not mask.any():
                    continue
                counts[gi] = int(mask.sum())
                # one group's rows at a time, |SHAP| taken in place: no |SHAP| of
                # every row beside the values (half a gigabyte at a million rows)
                rows = sv.values[mask]
                if single:
                    signed_means[gi] = rows[:, :, 0].mean(axis=0)
                np.abs(rows, out=rows)
                abs_means[gi] = rows.mean(axis=2).mean(axis=0)  # mean over outputs, then rows
                del rows
            out.append(self._shap_group_result(grouping, counts, abs_means, signed_means, sv.feature_names,
                                               sv.output_names, len(sv.rows)))
        return out, None

    def _shap_group_result(self, grouping: Grouping, counts: dict, abs_means: dict, signed_means: dict,
                           feature_names, output_names, n_rows: int) -> ShapByGroup:
        """One grouping's SHAP by group from each group's row count and means
        (group index to ``(n_features,)``; absent groups left out)."""
        mean_abs, mean_signed, big = {}, {}, []
        for gi, label in enumerate(grouping.labels):
            if gi not in counts:
                continue
            mean_abs[label] = {f: float(v) for f, v in zip(feature_names, abs_means[gi])}
            if gi in signed_means:
                mean_signed[label] = {f: float(v) for f, v in zip(feature_names, signed_means[gi])}
            if counts[gi] >= self.min_group_size:
                big.append(label)
        diffs = []
        if len(big) >= 2:
            table = np.array([[mean_abs[g][f] for f in feature_names] for g in big])
            spread = table.max(axis=0) - table.min(axis=0)
            for j in np.argsort(-spread, kind="stable")[: self.max_shap_features]:
                diffs.append(ShapGroupDifference(
                    feature=feature_names[j], difference=float(spread[j]),
                    highest_group=big[int(np.argmax(table[:, j]))], lowest_group=big[int(np.argmin(table[:, j]))],
                ))
        return ShapByGroup(
            grouping=grouping.name,
            output=output_names[0] if len(output_names) == 1 else "mean over classes",
            mean_abs=mean_abs, mean_signed=mean_signed,
            largest_differences=tuple(diffs), n_rows=n_rows,
        )

    def _mitigation(self, ctx: AuditContext, finest: Grouping, strata: np.ndarray, order: np.ndarray):
        run = self.mitigation
        if run is None:
            run = ctx.task == "binary" and ctx.y_score is not None
        if not run:
            return [], None
        if ctx.task != "binary" or ctx.y_score is None:
            return [], "The mitigation what-if needs a binary task with scores."
        if finest.n_groups < 2:
            return [], "The mitigation what-if needs at least two groups."
        # group codes ranked by content and rows in canonical order: the randomised
        # thresholds draw the same way whatever the labels and row order
        try:
            predictions = threshold_optimizer_outcomes(
                ctx.y_true_pos[order], ctx.y_score[order], ctx.score_kind == "probability", strata,
                ctx.seed("fairness.mitigation"),
            )
        except ValueError as exc:
            # an optional what-if: its failure (e.g. a group with one outcome
            # class, which ThresholdOptimizer cannot threshold) is a note, not a
            # failure of the whole fairness analysis
            return [], f"The mitigation what-if could not run: fairlearn's ThresholdOptimizer said “{exc}”."
        finest = dataclasses.replace(finest, codes=finest.codes[order])
        t, w = ctx.y_true_pos[order], ctx.weights[order]
        min_size = self.min_group_size
        before = _summary(t, ctx.y_pred_pos[order], w, finest, min_size)
        out = []
        for constraint, pred in predictions.items():
            after = _summary(t, pred, w, finest, min_size)
            out.append(MitigationOutcome(
                constraint=constraint.replace("_", " "),
                accuracy_before=before["accuracy"], accuracy_after=after["accuracy"],
                disparities_before={k: before[k] for k in ("demographic_parity_difference", "equalized_odds_difference")},
                disparities_after={k: after[k] for k in ("demographic_parity_difference", "equalized_odds_difference")},
                selection_rate_after=after["selection_rates"],
            ))
        note = (
            f"fairlearn's ThresholdOptimizer chose a threshold per group of {finest.name}, fitted and measured on the "
            "same audited rows: this shows the trade-off, not a deployable fix, which must be fitted on data held out "
            "from its evaluation. Thresholds are randomised between two values for some groups (seeded). Gaps count "
            f"only groups with at least {min_size} rows in the rate's denominator, as the verdicts do."
        )
        return out, note


def _row_values(ctx: AuditContext) -> list[np.ndarray]:
    """The per-row values the fairness statistics read."""
    if ctx.task == "binary":
        score = [] if ctx.y_score is None else [ctx.y_score]
        return [ctx.y_true_pos, ctx.y_pred_pos, *score, ctx.weights]
    if ctx.task == "multiclass":
        return [ctx.y_true_code, ctx.y_pred_code, ctx.weights]
    return [np.asarray(ctx.y_true, dtype=float), np.asarray(ctx.y_pred, dtype=float), ctx.weights]


def _cell_replicates(ctx: AuditContext, groupings: list[Grouping], finest_strata: np.ndarray, order: np.ndarray,
                     strata: np.ndarray, n_boot: int) -> tuple[dict[str, np.ndarray], str | None]:
    """Bootstrap replicates of unweighted classification metrics, and a note for the
    reader when the scores were binned.

    Rates come from resampled confusion cells (equal in distribution to the row
    bootstrap, at a cost free of the number of rows). ROC AUC and the mean score,
    which read more than a row's cell, come from the row bootstrap up to
    ``SCORE_CELL_ROWS`` rows and from resampled score-bin counts above (rows x
    resamples would dominate the audit at a million rows)."""
    if ctx.task == "binary":
        t, p, k = ctx.y_true_pos.astype(np.int64), ctx.y_pred_pos.astype(np.int64), 2
    else:
        t, p, k = ctx.y_true_code, ctx.y_pred_code, len(ctx.labels)
    cells = CellBootstrap(finest_strata, t, p, k, n_boot, ctx.rng("fairness.bootstrap.cells"))
    classes = tuple(str(c) for c in ctx.labels)
    reps: dict[str, np.ndarray] = {}
    for i, g in enumerate(groupings):
        rates = (cells.binary_rates(g.codes, g.n_groups) if ctx.task == "binary"
                 else cells.multiclass_rates(g.codes, g.n_groups, classes))
        reps.update({f"{i}|{m}": v for m, v in rates.items()})
    note = None
    if ctx.task == "binary" and ctx.y_score is not None and ctx.n_rows > SCORE_CELL_ROWS:
        mean_score = ctx.score_kind == "probability"
        sc = ScoreCellBootstrap(finest_strata, ctx.y_true_pos, ctx.y_score, n_boot, ctx.rng("fairness.bootstrap.scores"))
        coded = [(g.codes, g.n_groups) for g in groupings]
        for i, r in enumerate(sc.replicates(coded, mean_score=mean_score)):
            reps.update({f"{i}|{k}": v for k, v in r.items()})
        what = "ROC AUC" + (" and mean score" if mean_score else "")
        if sc.exact:
            note = (f"Intervals of {what} by group: resampled as counts of each group's rows per true label and "
                    f"score ({sc.n_bins:,} distinct scores), the same distribution as resampling rows.")
        else:
            bound = max(sc.auc_bound(c, G) for c, G in coded)
            note = (f"Intervals of {what} by group: resampled as counts of each group's rows per true label and "
                    f"score bin ({sc.n_bins:,} quantile bins, {ctx.n_rows:,} rows); a resampled AUC differs from "
                    f"its row-level value by at most {bound:.6f} (ties within a bin); the values themselves are "
                    "computed from every row's score.")
    elif ctx.task == "binary" and ctx.y_score is not None:
        score_stats = [binary_score_stats(g.codes[order], g.n_groups, ctx.y_true_pos[order], ctx.y_score[order],
                                          ctx.score_kind == "probability") for g in groupings]

        def scores(W: np.ndarray) -> dict[str, np.ndarray]:
            return {f"{i}|{k}": v for i, st in enumerate(score_stats) for k, v in st(W).items()}

        reps.update(bootstrap(scores, ctx.weights[order], n_boot, ctx.rng("fairness.bootstrap"), strata=strata))
    return reps, note


def _canonical_rows(ctx: AuditContext) -> np.ndarray:
    """Rows ordered by the values the section uses, then by the model's inputs
    (the proxies read them), so that ties are rows equal in everything used."""
    keys = _row_values(ctx)
    if ctx.X is not None:
        cols = list(ctx.model.feature_names) if ctx.model is not None else list(ctx.X.columns)
        keys.append(ctx.row_hash(cols))
    return canonical_order(*keys)


def _stats(ctx: AuditContext, grouping: Grouping, order: np.ndarray) -> GroupStats:
    codes = grouping.codes[order]
    if ctx.task == "binary":
        score = None if ctx.y_score is None else ctx.y_score[order]
        return binary_stats(codes, grouping.n_groups, ctx.y_true_pos[order], ctx.y_pred_pos[order], score,
                            ctx.score_kind == "probability")
    if ctx.task == "multiclass":
        return multiclass_stats(codes, grouping.n_groups, ctx.y_true_code[order], ctx.y_pred_code[order],
                                tuple(str(c) for c in ctx.labels))
    return regression_stats(codes, grouping.n_groups, np.asarray(ctx.y_true)[order], np.asarray(ctx.y_pred)[order],
                            ctx.weights[order])


def _denominators(ctx: AuditContext, grouping: Grouping) -> dict[str, np.ndarray]:
    G = grouping.n_groups
    count = lambda mask: np.bincount(grouping.codes[mask], minlength=G)  # noqa: E731
    out = {"rows": np.bincount(grouping.codes, minlength=G)}
    if ctx.task == "binary":
        out["positives"] = count(ctx.y_true_pos)
        out["negatives"] = count(~ctx.y_true_pos)
        out["predicted_positives"] = count(ctx.y_pred_pos)
    elif ctx.task == "multiclass":
        for i, c in enumerate(ctx.labels):
            out[f"positives:{c}"] = count(ctx.y_true_code == i)
            out[f"negatives:{c}"] = count(ctx.y_true_code != i)
            out[f"predicted_positives:{c}"] = count(ctx.y_pred_code == i)
    return out


def _effective_sizes(ctx: AuditContext, grouping: Grouping) -> dict[str, np.ndarray]:
    """Effective rows in each rate's denominator (Kish's with weights), by metric key."""
    G, w = grouping.n_groups, ctx.weights
    if ctx.task == "binary":
        return effective_denominators(ctx.y_true_pos, ctx.y_pred_pos, grouping.codes, G, sample_weight=w)
    if ctx.task != "multiclass":
        return {}
    out: dict[str, np.ndarray] = {}
    for i, c in enumerate(ctx.labels):
        # one class against the rest is a binary problem: its denominators per class
        n = effective_denominators(ctx.y_true_code == i, ctx.y_pred_code == i, grouping.codes, G, sample_weight=w)
        out["accuracy"] = n["accuracy"]
        for m in ("selection_rate", "true_positive_rate", "false_positive_rate", "precision"):
            out[f"{m}:{c}"] = n[m]
    return out


def _error_tests(ctx: AuditContext, grouping: Grouping, reference: int, n_permutations: int) -> dict[str, np.ndarray]:
    """Permutation p-values of every group's errors against the reference's (regression)."""
    y, yhat = np.asarray(ctx.y_true, dtype=float), np.asarray(ctx.y_pred, dtype=float)
    return {
        m: error_permutation_test(y, yhat, grouping.codes, reference=reference, metric=m, sample_weight=ctx.weights,
                                  n_permutations=n_permutations,
                                  random_state=ctx.rng(f"fairness.permutation.{grouping.name}.{m}"))
        for m in ("mean_absolute_error", "root_mean_squared_error")
    }


def _grouping_result(ctx, grouping: Grouping, st: GroupStats, i: int, point, reps, level, options: FairnessSection,
                     order: np.ndarray):
    dens = _denominators(ctx, grouping)
    w = ctx.weights[order]
    share = np.bincount(grouping.codes[order], weights=w, minlength=grouping.n_groups) / w.sum()
    missing = _missing(ctx, grouping)
    groups, excluded, eligible, pt, rp = [], [], {}, {}, {}
    for m in st.metrics:
        key = f"{i}|{m.key}"
        pt[m.key] = point[key]
        rp[m.key] = reps.get(key) if reps else None
        size = dens[m.denominator]
        eligible[m.key] = ~np.isnan(pt[m.key]) & (size >= options.min_group_size)
    for g, label in enumerate(grouping.labels):
        metrics = {}
        for m in st.metrics:
            value = pt[m.key][g]
            if np.isnan(value):
                metrics[m.key] = Estimate.undefined(m.undefined.format(group=label))
                continue
            if rp[m.key] is None:
                metrics[m.key] = Estimate(value=float(value))
                continue
            iv = percentile_interval(rp[m.key][:, g], level)
            metrics[m.key] = Estimate(value=float(value), ci_low=iv.low, ci_high=iv.high, reason=iv.reason)
        groups.append(GroupMetrics(
            label=label, values=grouping.values[g], count=int(dens["rows"][g]), share=float(share[g]),
            metrics=metrics, denominators={k: int(v[g]) for k, v in dens.items()}, missing_values=missing[g],
        ))
    for m in st.metrics:
        if m.key in ("roc_auc", "mean_score", "mean_target", "mean_prediction", "r2") or m.key.startswith("base_rate"):
            continue  # descriptive: no verdict rests on them
        size = dens[m.denominator]
        for g in np.flatnonzero(~eligible[m.key]):
            label = grouping.labels[g]
            what = m.denominator.replace("_", " ").replace(":", " of class ")
            reason = (
                f"{m.label} is undefined ({m.undefined.format(group=label)})" if np.isnan(pt[m.key][g])
                else f"{int(size[g])} {what} < minimum {options.min_group_size}"
            )
            excluded.append(ExcludedGroup(grouping=grouping.name, group=label, metric=m.key,
                                          denominator=m.denominator, size=int(size[g]), reason=reason))
    reference, source = _reference(grouping, options.reference_groups, share)
    families = ()
    if reference is not None and grouping.n_groups >= 2:
        n_eff = _effective_sizes(ctx, grouping)
        tests = _error_tests(ctx, grouping, reference, options.n_permutations) if ctx.task == "regression" else {}
        families = tuple(
            compare_groups(spec, labels=grouping.labels, point=pt, replicates=rp, eligible=eligible,
                           reference=reference, confidence_level=level, n_effective=n_eff, p_values=tests,
                           test="permutation")
            for spec in family_specs(ctx.task, tuple(str(c) for c in ctx.labels))
        )
    return GroupingResult(
        name=grouping.name, features=grouping.features, groups=tuple(groups),
        reference_group=None if reference is None else grouping.labels[reference], reference_source=source,
        is_intersection=grouping.is_intersection, families=families,
    ), excluded


def _reference(grouping: Grouping, refs: Mapping[str, str], share: np.ndarray):
    if all(f in refs for f in grouping.features):
        wanted = tuple(str(refs[f]) for f in grouping.features)
        if wanted in grouping.values:
            return grouping.values.index(wanted), "given"
        if not grouping.is_intersection:
            raise ValueError(
                f"Expected reference_groups[{grouping.features[0]!r}] to be one of its groups. Got {wanted[0]!r}; the groups are "
                f"{list(grouping.labels)!r}."
            )
    if grouping.n_groups == 0:
        return None, "largest group"
    return int(np.argmax(share)), "largest group"


def _missing(ctx: AuditContext, grouping: Grouping) -> list[dict[str, int]]:
    if ctx.X is None:
        return [{} for _ in range(grouping.n_groups)]
    names, na = ctx.missing_values()
    counts = np.zeros((grouping.n_groups, len(names)), dtype=np.int64)
    np.add.at(counts, grouping.codes, na.astype(np.int64))
    return [{n: int(v) for n, v in zip(names, row) if v} for row in counts]


def _summary(t: np.ndarray, p: np.ndarray, w: np.ndarray, grouping: Grouping, min_size: int) -> dict:
    """Accuracy, selection rates and the two headline gaps of 0/1 predictions.

    Gaps count only groups with at least ``min_size`` rows in each rate's
    denominator, the rule the verdicts follow: a group with three positives would
    otherwise dominate the equalized-odds gap with noise.
    """
    G = grouping.n_groups
    codes = grouping.codes

    def wsum(mask):
        return np.bincount(codes, weights=w * mask, minlength=G)

    def n(mask):
        return np.bincount(codes[mask], minlength=G)

    tot, pos, tp, fp, sel_w = wsum(np.ones_like(w)), wsum(t), wsum(t & p), wsum(~t & p), wsum(p)
    neg = tot - pos
    with np.errstate(invalid="ignore", divide="ignore"):
        sel = np.where(tot > 0, sel_w / tot, np.nan)
        tpr = np.where(pos > 0, tp / pos, np.nan)
        fpr = np.where(neg > 0, fp / neg, np.nan)
    rows, positives, negatives = np.bincount(codes, minlength=G), n(t), n(~t)

    def gap(v, size):
        v = v[~np.isnan(v) & (size >= min_size)]
        return float(v.max() - v.min()) if len(v) >= 2 else None

    eo = [g for g in (gap(tpr, positives), gap(fpr, negatives)) if g is not None]
    return {
        "accuracy": float(np.average(t == p, weights=w)),
        "demographic_parity_difference": gap(sel, rows),
        "equalized_odds_difference": max(eo) if eo else None,
        "selection_rates": {label: (None if np.isnan(s) else float(s)) for label, s in zip(grouping.labels, sel)},
    }


def _group_means(sums, grouping: Grouping) -> tuple[dict, dict, dict]:
    """Each group's row count and mean |SHAP| (and SHAP) from sums per value of
    its sensitive column: a group (a bin, say) adds up the values it holds."""
    first, counts, abs_sums, signed_sums = sums.columns[grouping.features[0]]
    group_of = grouping.codes[first]  # every row of a value falls in one group
    k = len(grouping.labels)
    n = np.bincount(group_of, weights=counts, minlength=k)
    a = np.zeros((k, abs_sums.shape[1]))
    np.add.at(a, group_of, abs_sums)
    s = None
    if signed_sums is not None:
        s = np.zeros_like(a)
        np.add.at(s, group_of, signed_sums)
    present = [gi for gi in range(k) if n[gi] > 0]
    return ({gi: int(n[gi]) for gi in present}, {gi: a[gi] / n[gi] for gi in present},
            {} if s is None else {gi: s[gi] / n[gi] for gi in present})
