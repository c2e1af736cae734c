"""SHAP: exact per-row contributions where the model allows it, an estimate on a
stated sample where it does not, always in raw-column terms (see
:mod:`auditor.explain._shap` for the routing)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from auditor.artifacts import ENGINE_SAMPLE, SHAP_GROUP_SUMS, SHAP_RUN, SHAP_SAMPLE_RUN, SHAP_VALUES
from auditor.bootstrap import bootstrap, normal_mean_intervals, normal_mean_intervals_from_sums, percentile_interval
from auditor.cells import EXACT_BOOTSTRAP_ROWS
from auditor.context import AuditContext
from auditor.explain import (
    SUM_BLOCK_ROWS,
    ShapAggregates,
    ShapOptions,
    ShapRun,
    automatic_rows,
    compute_shap,
    distributed_tree_shap,
    is_numeric,
    raw_column,
    raw_value,
    require_scores,
    route_for,
    row_label,
    sample_run,
)
from auditor.policy import shap_findings
from auditor.results import (
    Estimate,
    ShapBeeswarm,
    ShapContribution,
    ShapDependence,
    ShapFeature,
    ShapResult,
    ShapWaterfall,
    Status,
    TransformedShapFeature,
)
from auditor.sections._base import Section

__all__ = ["ShapSection"]

#: Outputs shown in beeswarm figures (a many-class model gets the first ones).
MAX_BEESWARM_OUTPUTS = 4


@dataclass(frozen=True)
class ShapSection(Section):
    """SHAP values for every audited row (tree and linear models) or a stratified
    sample (other models), folded to raw columns.

    Parameters
    ----------
    time_budget : float, default=60.0
        Seconds the model-agnostic explainer may take. Its cost is estimated from
        a timing of the model before it runs, and the sample sized to fit.
    n_samples : int or None, default=None
        Rows the model-agnostic explainer explains. ``None`` sizes the sample from
        the time budget, so it depends on the machine's speed; pass an int for a
        result that is identical on every machine.
    max_samples : int, default=500
        Largest sample the budget may buy.
    n_background : int, default=20
        Representative rows summarising the background of the model-agnostic
        explainer.
    linear_background : int, default=1000
        Rows averaged as the background of the linear explainer.
    kernel_nsamples : int or None, default=None
        Coalitions evaluated per row by Kernel SHAP (default: shap's
        ``2 * n_features + 2048``, or every coalition when that is fewer).
    n_bootstrap : int or None, default=None
        Resamples behind the interval of each global importance; ``None`` uses the
        audit's ``n_bootstrap``.
    max_display : int, default=10
        Features in the beeswarm and in each waterfall.
    beeswarm_points : int, default=1000
        Rows drawn (seeded) for the beeswarm and dependence figures.
    n_dependence : int, default=4
        Top features given a dependence figure.
    n_waterfalls : int, default=4
        Rows given a waterfall: the model's most confident mistakes (see
        :mod:`auditor.explain._rows`).
    save_values : str or path or None, default=None
        Also write every explained row's raw-column SHAP values to this ``.npz``
        file (compressed; arrays ``values``, ``base_values``, ``rows``,
        ``feature_names``, ``output_names``; ``.npz`` is appended if missing). The JSON never holds the per-row matrix: at 16,000 rows
        x 100 features it would dwarf everything else in an evidence file meant to
        be read, diffed and re-rendered; the file's SHA-256 is recorded instead.

    Notes
    -----
    TreeSHAP and Kernel SHAP use the audit's ``n_jobs`` worker processes; ``None``
    means every core (see :func:`auditor.explain.resolve_n_jobs`). Results never
    depend on it. Per-row values are kept in the context under
    :data:`auditor.artifacts.SHAP_VALUES` for later sections (fairness).

    Under the Dask engine a tree-based model is explained on the workers, every
    row (:mod:`auditor.explain._shap_dist`): the mean |SHAP| and mean SHAP of
    every raw and transformed column, the additivity check, the beeswarm,
    dependence and waterfall rows are those of an in-memory audit of the whole
    frame, and so is fairness' SHAP by group (sums per value of each sensitive
    column, :data:`auditor.artifacts.SHAP_GROUP_SUMS`). Above 50,000 rows the
    intervals of the mean |SHAP| are the in-memory audit's normal intervals,
    from sums of squares the partitions merge; at or below it they are the
    bootstrap of the engine's sample (``Auditor(max_samples=...)``): the
    multinomial bootstrap draws over every row at once and does not split into
    partitions. The rows the agreement section compares come from that sample.
    With ``save_values``, or any other model, the section runs on the sample.
    """

    name = "shap"
    reads_model_inputs = True
    title = "SHAP explanations"
    topic = "SHAP explanations"
    result_type = ShapResult
    requires_model = True
    findings = shap_findings
    # the explanations' checks only WARN, so a SHAP failure is a WARN too
    failure_status = Status.WARN
    view = "auditor.render.views.shap:build"
    template = "sections/shap.html.j2"

    time_budget: float = 60.0
    n_samples: int | None = None
    max_samples: int = 500
    n_background: int = 20
    linear_background: int = 1000
    kernel_nsamples: int | None = None
    n_bootstrap: int | None = None
    max_display: int = 10
    beeswarm_points: int = 1000
    n_dependence: int = 4
    n_waterfalls: int = 4
    save_values: str | PathLike[str] | None = None

    def __post_init__(self) -> None:
        if not self.time_budget > 0:
            raise ValueError(f"Expected time_budget > 0 seconds. Got {self.time_budget!r} instead.")
        if self.n_samples is not None and self.n_samples < 1:
            raise ValueError(f"Expected n_samples to be None or a positive int. Got {self.n_samples!r} instead.")

    def runs_distributed(self, ctx: AuditContext) -> bool:
        """TreeSHAP runs on the workers; every other route (and ``save_values``,
        which writes every row's values on the client) on the engine's sample."""
        return ctx.model is not None and self.save_values is None and route_for(ctx.model.final_estimator) == "tree"

    def compute(self, ctx: AuditContext) -> ShapResult:
        require_scores(ctx, "SHAP")
        if not isinstance(ctx.X, pd.DataFrame) and ctx.X is not None:
            return self._compute_distributed(ctx)
        options = ShapOptions(
            time_budget=self.time_budget,
            n_samples=self.n_samples,
            max_samples=self.max_samples,
            n_background=self.n_background,
            linear_background=self.linear_background,
            kernel_nsamples=self.kernel_nsamples,
        )
        run = ctx.memo(SHAP_RUN, lambda: compute_shap(ctx, options))
        ctx.memo(SHAP_VALUES, lambda: run.values)
        return self._summarise(ctx, run)

    # -----------------------------------------------------------------------------
    def _compute_distributed(self, ctx: AuditContext) -> ShapResult:
        """TreeSHAP on the workers (see the class notes): the rows the figures and
        the engine's sample need come back, and sums for everything else."""
        n = ctx.n_rows
        points = self._points_of(ctx, n)
        selected = automatic_rows(ctx, self.n_waterfalls)
        sample = ctx.peek(ENGINE_SAMPLE)
        sample = np.arange(n) if sample is None else np.asarray(sample, dtype=np.int64)
        shown = np.unique(np.concatenate([points, [r.position for r in selected]]).astype(np.int64))
        keep = np.unique(np.concatenate([shown, sample]).astype(np.int64))
        agg, extra = distributed_tree_shap(ctx, keep, shown)
        weights = ctx.weights
        sampled = sample_run(ctx, agg, sample, extra, weights[sample])
        # the sampled sections' context numbers the sample's rows 0..k-1; fairness reads positions
        ctx.memo(SHAP_SAMPLE_RUN, lambda: sampled)
        ctx.memo(SHAP_VALUES, lambda: _replace_rows(sampled.values, sample))
        ctx.memo(SHAP_GROUP_SUMS, lambda: extra["group_sums"])
        kept = ShapRun(
            values=agg.kept, route="tree", method="TreeExplainer", exact=True, output_space=extra["output_space"],
            background=sampled.background, sample=f"every audited row ({n:,})",
            additivity_max_deviation=extra["additivity_max_deviation"], additivity_scale=extra["additivity_scale"],
            row_weights=weights, strata=None, folding=extra["folding"], n_jobs=1,
        )
        notes = []
        if len(sample) < n and n <= EXACT_BOOTSTRAP_ROWS:
            notes.append(
                f"TreeSHAP ran on the Dask workers over every row: each mean |SHAP| is that of all {n:,} rows. Its "
                f"interval is the bootstrap of the engine's seeded sample of {len(sample):,} rows (max_samples), so "
                "it is wider than one over every row: the bootstrap draws over all rows at once and does not split "
                "into partitions."
            )
        return self._summarise(ctx, kept, aggregates=agg, interval_run=sampled, points=points, selected=selected,
                               extra_notes=notes)

    def _summarise(self, ctx: AuditContext, run: ShapRun, *, aggregates: ShapAggregates | None = None,
                   interval_run: ShapRun | None = None, points: np.ndarray | None = None,
                   selected: list | None = None, extra_notes: list[str] | None = None) -> ShapResult:
        """The result from an in-memory run or, with ``aggregates``, from a
        distributed one (``run`` then holds the kept rows only, ``interval_run``
        the rows the intervals resample)."""
        sv = run.values
        G, D = len(sv.feature_names), sv.values.shape[2]
        n_boot = ctx.n_bootstrap if self.n_bootstrap is None else self.n_bootstrap
        level = ctx.confidence_level
        if aggregates is None:
            n = sv.values.shape[0]
            w = run.row_weights
            A = np.abs(sv.values).reshape(n, G * D)
            if n > EXACT_BOOTSTRAP_ROWS:
                # large data: sums in row blocks, no second full-size temporary
                point_abs = _blocked_sum(lambda sl: w[sl] @ A[sl], n) / w.sum()
                point_mean = _blocked_sum(lambda sl: w[sl] @ sv.values[sl].reshape(-1, G * D), n) / w.sum()
            else:
                point_abs = (w @ A) / w.sum()
                point_mean = (w @ sv.values.reshape(n, G * D)) / w.sum()
            boot_run, A_boot = run, A
        else:
            n = ctx.n_rows
            point_abs = aggregates.abs_sum / aggregates.weight
            point_mean = aggregates.signed_sum / aggregates.weight
            boot_run = interval_run
            A_boot = np.abs(boot_run.values.values).reshape(len(boot_run.values.rows), G * D)
        interval_notes = []
        reps = normal = None
        n_boot_rows = A_boot.shape[0]
        if n_boot and aggregates is not None and n > EXACT_BOOTSTRAP_ROWS:
            # the in-memory audit's normal interval over every row, from sums the partitions merge
            normal = normal_mean_intervals_from_sums(aggregates.weight, aggregates.abs_sum, aggregates.abs_w2_sum,
                                                     aggregates.abs_w2_sq_sum, aggregates.weight_sq, level)
            interval_notes.append(
                f"Intervals of mean |SHAP|: {round(100 * level)}% normal intervals from the {n:,} rows' "
                f"standard deviation (above {EXACT_BOOTSTRAP_ROWS:,} rows; below, a {n_boot:,}-resample bootstrap)."
            )
        elif n_boot and n_boot_rows > EXACT_BOOTSTRAP_ROWS and boot_run.strata is None:
            # a mean over this many rows is normal to within O(1/sqrt(n)); resampling
            # rows would cost rows x resamples x features (minutes at a million rows)
            normal = normal_mean_intervals(A_boot, boot_run.row_weights, level)
            interval_notes.append(
                f"Intervals of mean |SHAP|: {round(100 * level)}% normal intervals from the {n_boot_rows:,} rows' "
                f"standard deviation (above {EXACT_BOOTSTRAP_ROWS:,} rows; below, a {n_boot:,}-resample bootstrap)."
            )
        elif n_boot:
            reps = bootstrap(lambda W: {"abs": (W @ A_boot) / W.sum(axis=1)[:, None]}, boot_run.row_weights, n_boot,
                             ctx.rng("shap.bootstrap"), tick=ctx.ticker("bootstrap resamples", n_boot),
                             strata=boot_run.strata).get("abs")
        features = []
        for g in range(G):
            ests = []
            for d in range(D):
                j = g * D + d
                if normal is not None:
                    ests.append(Estimate.of(point_abs[j], (float(normal[0][j]), float(normal[1][j]))))
                elif reps is None:
                    ests.append(Estimate.of(point_abs[j]))
                else:
                    iv = percentile_interval(reps[:, j], level)
                    ests.append(Estimate.of(point_abs[j], (iv.low, iv.high), reason=iv.reason))
            features.append(ShapFeature(sv.feature_names[g], tuple(ests), tuple(float(point_mean[g * D + d]) for d in range(D))))
        total = point_abs.reshape(G, D).sum(axis=1)
        order = sorted(range(G), key=lambda g: (-total[g], sv.feature_names[g]))
        features = [features[g] for g in order]

        transformed = ()
        if sv.transformed_mean_abs is not None or sv.transformed_values is not None:
            if aggregates is None and sv.transformed_mean_abs is not None:
                mt = sv.transformed_mean_abs  # summed in blocks as the explainer's chunks were folded
            elif aggregates is None:
                T = sv.transformed_values
                if n > EXACT_BOOTSTRAP_ROWS:
                    mt = _blocked_sum(lambda sl: np.einsum("n,npd->pd", w[sl], np.abs(T[sl])), n) / w.sum()
                else:
                    mt = np.einsum("n,npd->pd", w, np.abs(T)) / w.sum()
            else:
                mt = aggregates.transformed_abs_sum / aggregates.weight
            parents = [run.folding.names[g] for g in run.folding.column_group]
            transformed = tuple(
                TransformedShapFeature(sv.transformed_feature_names[j], parents[j], tuple(float(v) for v in mt[j]))
                for j in range(mt.shape[0])
            )

        if aggregates is None:
            points = self._points_of(ctx, n)
            at = points  # explained rows' indices
            raw = _RawRows(ctx.X, None)
            rows = sv.rows[points]
        else:
            at = np.searchsorted(sv.rows, points)
            raw = _RawRows(aggregates.kept_rows, aggregates.raw_positions)
            rows = points
        values_file = digest = None
        if self.save_values is not None:
            values_file, digest = _save_values(run, self.save_values)
        notes = list(run.notes) + list(extra_notes or ()) + _space_notes(ctx, run) + interval_notes
        return ShapResult(
            method=run.method,
            exact=run.exact,
            route=run.route,
            output_space=run.output_space,
            output_names=sv.output_names,
            background=run.background,
            n_rows=ctx.n_rows,
            n_explained=n,
            sample=run.sample,
            additivity_max_deviation=run.additivity_max_deviation,
            additivity_scale=run.additivity_scale,
            features=tuple(features),
            confidence_level=level,
            n_bootstrap=n_boot,
            transformed=transformed,
            beeswarm=self._beeswarm(sv, at, rows, raw, point_abs.reshape(G, D)),
            dependence=self._dependence(sv, at, rows, raw, point_abs.reshape(G, D), order),
            waterfalls=self._waterfalls(ctx, run, raw, selected),
            time_budget=run.time_budget,
            estimated_seconds=run.estimated_seconds,
            values_file=values_file,
            values_sha256=digest,
            notes=tuple(notes),
        )

    def _points_of(self, ctx: AuditContext, n: int) -> np.ndarray:
        """Indices (into the ``n`` explained rows) drawn for the beeswarm and dependence figures."""
        if n <= self.beeswarm_points:
            return np.arange(n)
        return np.sort(ctx.rng("shap.beeswarm").choice(n, size=self.beeswarm_points, replace=False))

    def _beeswarm(self, sv, at: np.ndarray, rows: np.ndarray, raw: _RawRows, mean_abs: np.ndarray) -> tuple[ShapBeeswarm, ...]:
        out = []
        for d in range(min(sv.values.shape[2], MAX_BEESWARM_OUTPUTS)):
            top = sorted(range(len(sv.feature_names)), key=lambda g: (-mean_abs[g, d], sv.feature_names[g]))[: self.max_display]
            out.append(ShapBeeswarm(
                output=sv.output_names[d],
                features=tuple(sv.feature_names[g] for g in top),
                values=tuple(tuple(float(v) for v in sv.values[at, g, d]) for g in top),
                colour=tuple(_colour(raw.column(sv.feature_names[g], rows), len(at)) for g in top),
                n_points=len(at),
            ))
        return tuple(out)

    def _dependence(self, sv, at, rows, raw: _RawRows, mean_abs, order) -> tuple[ShapDependence, ...]:
        out = []
        for g in order[: self.n_dependence]:
            values = raw.column(sv.feature_names[g], rows)
            if values is None:
                continue  # a joint group has no single value to plot against
            d = int(np.argmax(mean_abs[g]))
            shap_vals = sv.values[at, g, d]
            if is_numeric(values):
                x = values.to_numpy(dtype=float, na_value=np.nan)
                ok = np.isfinite(x)
                out.append(ShapDependence(sv.feature_names[g], sv.output_names[d], "numeric",
                                          tuple(float(v) for v in x[ok]), (), tuple(float(v) for v in shap_vals[ok])))
            else:
                labels = tuple("(missing)" if v is None or v != v else str(v) for v in values.astype(object))
                out.append(ShapDependence(sv.feature_names[g], sv.output_names[d], "categorical",
                                          (), labels, tuple(float(v) for v in shap_vals)))
        return tuple(out)

    def _waterfalls(self, ctx, run: ShapRun, raw: _RawRows, selected: list | None = None) -> tuple[ShapWaterfall, ...]:
        if selected is None:
            selected = automatic_rows(ctx, self.n_waterfalls)
        available = set(run.ensure_rows([r.position for r in selected]))
        sv = run.values
        out = []
        for r in selected:
            if r.position not in available:
                continue
            values, base = run.row(r.position)
            d = 0
            if ctx.task == "multiclass":
                d = int(ctx.y_pred_code[r.position])
            contrib = values[:, d]
            order = sorted(range(len(contrib)), key=lambda g: (-abs(contrib[g]), sv.feature_names[g]))
            shown = order[: self.max_display]
            rest = order[self.max_display :]
            out.append(ShapWaterfall(
                row=row_label(ctx, r.position),
                position=r.position,
                reason=r.reason,
                output=sv.output_names[d],
                base_value=float(base[d]),
                output_value=float(base[d] + contrib.sum()),
                contributions=tuple(
                    ShapContribution(sv.feature_names[g], raw.value(sv.feature_names[g], run.folding.members[g], r.position),
                                     float(contrib[g]))
                    for g in shown
                ),
                rest=float(contrib[rest].sum()) if rest else 0.0,
                n_rest=len(rest),
            ))
        return tuple(out)


@dataclass(frozen=True)
class _RawRows:
    """The raw features the figures show: every audited row in memory
    (``positions`` None), or the rows a cluster sent back, at ``positions``."""

    frame: pd.DataFrame | None
    positions: np.ndarray | None

    def _local(self, positions) -> np.ndarray:
        positions = np.asarray(positions, dtype=np.int64)
        return positions if self.positions is None else np.searchsorted(self.positions, positions)

    def column(self, feature: str, positions: np.ndarray) -> pd.Series | None:
        """The raw column ``feature`` at ``positions`` (None: a joint group or absent)."""
        col = raw_column(SimpleNamespace(X=self.frame), feature)
        return None if col is None else col.iloc[self._local(positions)]

    def value(self, feature: str, members: tuple[str, ...], position: int) -> str:
        return raw_value(SimpleNamespace(X=self.frame), feature, members, int(self._local([position])[0]))


def _replace_rows(sv, rows: np.ndarray):
    import dataclasses

    return dataclasses.replace(sv, rows=np.asarray(rows))


def _colour(x_col: pd.Series | None, n_points: int) -> tuple[float | None, ...]:
    """The feature's value of each point as a rank in [0, 1] (None: categorical or missing)."""
    if x_col is None or not is_numeric(x_col):
        return tuple(None for _ in range(n_points))
    x = x_col.to_numpy(dtype=float, na_value=np.nan)
    ok = np.isfinite(x)
    out = np.full(len(x), np.nan)
    if ok.sum() > 1:
        r = rankdata(x[ok], method="average")
        out[ok] = (r - 1) / (ok.sum() - 1)
    elif ok.sum() == 1:
        out[ok] = 0.5
    return tuple(None if not np.isfinite(v) else float(v) for v in out)


def _space_notes(ctx: AuditContext, run: ShapRun) -> list[str]:
    space = run.output_space
    names = run.values.output_names
    what = f"the positive class {names[0]!r}" if ctx.task == "binary" else (
        "each class" if ctx.task == "multiclass" else "the prediction")
    text = {
        "log-odds": f"Values are in log-odds of {what}: a contribution of +0.5 multiplies the odds by about 1.65.",
        "logit": f"Values are in the model's logit (softmax input) for {what}.",
        "probability": f"Values are in probability of {what}: +0.05 adds five percentage points.",
        "margin": f"Values are in the model's decision score (margin) for {what}.",
        "raw": "Values are in the units of the prediction.",
    }.get(space)
    return [text] if text else []


def _save_values(run: ShapRun, path) -> tuple[str, str]:
    sv = run.values
    arrays = {
        "values": np.ascontiguousarray(sv.values),
        "base_values": np.ascontiguousarray(sv.base_values),
        "rows": np.ascontiguousarray(sv.rows.astype(np.int64)),
    }
    digest = hashlib.sha256()
    for key in ("values", "base_values", "rows"):
        digest.update(arrays[key].tobytes())
    target = Path(path)
    if target.suffix != ".npz":  # numpy would add it silently; record the real name
        target = target.with_name(target.name + ".npz")
    np.savez_compressed(
        target,
        feature_names=np.asarray(sv.feature_names, dtype=str),
        output_names=np.asarray(sv.output_names, dtype=str),
        **arrays,
    )
    return str(target), digest.hexdigest()


#: Rows per block of the large-data sums (a block's temporaries stay a few MB).
_BLOCK_ROWS = SUM_BLOCK_ROWS


def _blocked_sum(term, n: int) -> np.ndarray:
    """``sum(term(rows))`` over consecutive row blocks: the sum without a full-size
    temporary (``np.abs`` of a million rows' values is half a gigabyte)."""
    total = None
    for start in range(0, n, _BLOCK_ROWS):
        part = term(slice(start, min(n, start + _BLOCK_ROWS)))
        total = part if total is None else total + part
    return total
