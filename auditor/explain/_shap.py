"""SHAP values in raw-column terms, with the explainer chosen by cost.

- **tree** models: exact TreeSHAP (``shap.TreeExplainer``, tree-path-dependent)
  on every audited row, split into row chunks computed in parallel. Each row's
  values are computed independently of the others, so the chunking and
  ``n_jobs`` never change a value.
- **linear** models: the exact linear explainer (``shap.LinearExplainer``) on
  every row, against a seeded sample of rows as background.
- anything else: Kernel SHAP (``shap.KernelExplainer``) on a seeded sample
  stratified by sensitive group x true label, against a summarised background (a
  few real rows standing for k-means clusters). The transformed columns of each
  raw column are switched on and off *together* (Kernel SHAP's feature groups), so
  the players are the raw columns: no invalid half-one-hot rows are evaluated and
  the cost scales with the raw, not the one-hot, width. The sample size is chosen
  before running, from a timing of the model, to fit the time budget.

A pipeline's final estimator is explained on the transformed matrix the context
already holds; contributions are then folded to raw columns (:mod:`._fold`).
Binary models are explained for the positive class (a single margin for
``classes_[1]`` changes sign when the positive class is ``classes_[0]``).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from auditor.artifacts import ShapValues
from auditor.context import AuditContext
from auditor.explain._codec import RawCodec
from auditor.explain._fold import Folding, folding_from_lineage
from auditor.explain._parallel import resolve_n_jobs, run_chunks
from auditor.explain._routing import (
    Route,
    candidate_outputs,
    match_output_space,
    output_in_space,
    route_for,
    space_name,
)
from auditor.explain._rows import automatic_rows
from auditor.explain._sampling import (
    design_weights,
    explanation_strata,
    medoid_background,
    regression_label_code,
    stratified_sample,
)

__all__ = ["ShapOptions", "ShapRun", "compute_shap"]  # and the helpers the distributed route shares (._shap_dist)

#: Memo key of the :class:`ShapRun` (values plus what is needed to explain more rows).

#: Rows per chunk of TreeSHAP / dense conversion. Small enough that a sparse
#: design matrix is densified a chunk at a time, large enough that per-chunk
#: overhead (building the explainer, pickling) is negligible.
CHUNK_ROWS = 2048

#: Share of the time budget planned for; the rest absorbs estimation error.
BUDGET_SAFETY = 0.8


@dataclass(frozen=True)
class ShapOptions:
    time_budget: float = 60.0
    n_samples: int | None = None
    max_samples: int = 500
    min_samples: int = 50
    n_background: int = 20
    linear_background: int = 1000
    kernel_nsamples: int | None = None
    extra_rows: int = 10


@dataclass
class ShapRun:
    """Everything the SHAP computation produced; lives in the context's memo."""

    values: ShapValues
    route: Route
    method: str
    exact: bool
    output_space: str
    background: str
    sample: str
    additivity_max_deviation: float
    additivity_scale: float
    row_weights: np.ndarray
    strata: np.ndarray | None
    folding: Folding
    n_jobs: int
    time_budget: float | None = None
    estimated_seconds: float | None = None
    notes: list[str] = field(default_factory=list)
    extra: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    explain_more: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None
    seconds_per_row: float | None = None

    def row(self, position: int) -> tuple[np.ndarray, np.ndarray] | None:
        """``(values (n_features, n_outputs), base (n_outputs,))`` of one row, or None."""
        hit = np.flatnonzero(self.values.rows == position)
        if len(hit):
            i = int(hit[0])
            return self.values.values[i], self.values.base_values[i]
        return self.extra.get(position)

    def ensure_rows(self, positions, budget: float | None = None) -> list[int]:
        """Explain the given rows if not yet done (model-agnostic route); return the
        positions that have values. With ``budget``, rows that would not fit are left out."""
        missing = [p for p in dict.fromkeys(int(p) for p in positions) if self.row(p) is None]
        if missing and self.explain_more is not None:
            if budget is not None and self.seconds_per_row:
                missing = missing[: max(0, int(budget / self.seconds_per_row))]
            if missing:
                vals, base = self.explain_more(np.asarray(missing))
                for i, p in enumerate(missing):
                    self.extra[p] = (vals[i], base[i])
        return [int(p) for p in positions if self.row(int(p)) is not None]


# ---------------------------------------------------------------------------------
def compute_shap(ctx: AuditContext, options: ShapOptions) -> ShapRun:
    """Compute SHAP values for the audited rows (see the module docstring)."""
    model = ctx.model
    est = model.final_estimator
    X = ctx.transformed
    p = X.shape[1]
    folding = folding_from_lineage(model.lineage(p), model.feature_names)
    names_t = model.transformed_feature_names(p)
    n_jobs = resolve_n_jobs(ctx.n_jobs)
    route = route_for(est)
    notes: list[str] = []
    if route == "tree":
        try:
            return _tree(ctx, est, X, folding, names_t, n_jobs, notes)
        except Exception as exc:  # noqa: BLE001 - fall back rather than lose the section
            notes.append(
                f"TreeSHAP could not explain {type(est).__name__} ({type(exc).__name__}: {exc}); "
                "the model-agnostic explainer was used instead."
            )
    elif route == "linear" and not isinstance(X, pd.DataFrame):
        return _linear(ctx, est, X, folding, names_t, options, notes)
    return _kernel(ctx, est, X, folding, options, n_jobs, notes)


# -- shared helpers ----------------------------------------------------------------
def row_chunks(n: int, size: int = CHUNK_ROWS) -> list[slice]:
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


def dense_rows(X: Any, rows) -> Any:
    part = X.iloc[rows] if isinstance(X, pd.DataFrame) else X[rows]
    if sp.issparse(part):
        return part.toarray()
    return part


def as_3d(values: Any) -> np.ndarray:
    if isinstance(values, list):  # older shap: one array per output
        values = np.stack([np.asarray(v) for v in values], axis=-1)
    values = np.asarray(values, dtype=float)
    return values[:, :, None] if values.ndim == 2 else values


def _orientation(ctx: AuditContext, d: int) -> tuple[int | None, float]:
    """For a binary task: which output column to keep (two outputs) or the sign
    of the single margin (which explains ``classes_[1]``)."""
    if ctx.task != "binary":
        return None, 1.0
    pos = ctx.model.pos_index
    if d == 2:
        return pos, 1.0
    return None, (1.0 if pos == 1 else -1.0)


def orient_outputs(arr: np.ndarray, keep: int | None, sign: float) -> np.ndarray:
    """Apply :func:`_orientation` to the last axis of ``arr``."""
    if keep is not None:
        return arr[..., [keep]]
    return arr * sign


def explained_output_names(ctx: AuditContext, d: int) -> tuple[str, ...]:
    if ctx.task == "binary":
        return (_plain(ctx.pos_label),)
    if ctx.task == "multiclass":
        return tuple(_plain(c) for c in ctx.classes)[:d]
    return ("prediction",)


def _plain(v: Any) -> str:
    return str(v.item() if hasattr(v, "item") else v)


def _finish(
    ctx: AuditContext,
    *,
    values_t: np.ndarray | None,
    folded: np.ndarray,
    transformed_mean_abs: np.ndarray | None = None,
    base: np.ndarray,
    output: np.ndarray,
    rows: np.ndarray,
    folding: Folding,
    names_t: tuple[str, ...],
    route: Route,
    method: str,
    exact: bool,
    space: str,
    background: str,
    sample: str,
    row_weights: np.ndarray,
    strata: np.ndarray | None,
    n_jobs: int,
    notes: list[str],
    **extra: Any,
) -> ShapRun:
    totals = base + folded.sum(axis=1)
    dev = float(np.max(np.abs(totals - output))) if output.size else 0.0
    scale = float(np.max(np.abs(output))) if output.size else 0.0
    sv = ShapValues(
        values=folded,
        base_values=base,
        feature_names=folding.names,
        rows=rows,
        output_names=explained_output_names(ctx, folded.shape[2]),
        output_space=space,
        method=method,
        transformed_values=values_t,
        transformed_mean_abs=transformed_mean_abs,
        transformed_feature_names=names_t if values_t is not None or transformed_mean_abs is not None else (),
    )
    return ShapRun(
        values=sv,
        route=route,
        method=method,
        exact=exact,
        output_space=space,
        background=background,
        sample=sample,
        additivity_max_deviation=dev,
        additivity_scale=scale,
        row_weights=row_weights,
        strata=strata,
        folding=folding,
        n_jobs=n_jobs,
        notes=notes,
        **extra,
    )


# -- tree route ----------------------------------------------------------------------
def known_outputs(ctx: AuditContext) -> dict[str, np.ndarray]:
    """The model's outputs on every audited row that the audit already computed:
    explainers check their additivity against these instead of scoring again."""
    p = ctx.predictions
    if ctx.task == "regression":
        return {"raw": np.asarray(p.y_pred, dtype=float).reshape(-1, 1)}
    return {} if p.proba is None else {"probability": np.asarray(p.proba, dtype=float)}


def _chunk_rows(n: int, n_jobs: int) -> int:
    """Rows per chunk: a few chunks per worker (an explainer is built per chunk),
    within bounds that keep memory small. Exact explainers give every row the same
    values whatever the chunking."""
    return int(min(65536, max(CHUNK_ROWS, -(-n // (4 * max(1, n_jobs))))))


def _tree_chunk(X_chunk: Any, est: Any, task: str, skip: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """TreeSHAP of one chunk of rows, and the model's outputs on it in every space
    (which one the values live in is decided afterwards, on all rows at once)."""
    import shap

    explainer = shap.TreeExplainer(est)
    with warnings.catch_warnings():
        # shap announces a change of LightGBM's output shape; as_3d handles both
        warnings.filterwarnings("ignore", message="LightGBM binary classifier", category=UserWarning)
        values = as_3d(explainer.shap_values(X_chunk, check_additivity=False))
    base = np.broadcast_to(np.atleast_1d(np.asarray(explainer.expected_value, dtype=float)), (len(values), values.shape[2]))
    return values, np.array(base), candidate_outputs(est, X_chunk, task, skip=skip)


#: Rows per block of the weighted sums of |SHAP| over the transformed columns
#: (the sections' large-data sums use the same blocks, so the numbers agree).
SUM_BLOCK_ROWS = 65_536


class _ExactChunks:
    """An exact explainer's chunks of rows, taken in row order as they arrive.

    Each chunk is oriented to the audit's outputs and folded to raw columns at
    once, and its transformed-column values are added to the weighted sums of
    |SHAP| per transformed column in blocks of :data:`SUM_BLOCK_ROWS` rows: the
    per-row matrix over the transformed columns (one-hot children included) is
    never held for every row. At a million rows x 66 columns it was half a
    gigabyte, held twice more while concatenated and oriented. With at most
    :data:`SUM_BLOCK_ROWS` rows the one block is every row, kept as
    :attr:`ShapValues.transformed_values`. Folding and the totals are computed
    row by row, so every value is the same as that of the whole matrix at once.
    """

    def __init__(self, ctx: AuditContext, n: int, folding: Folding, weights: np.ndarray) -> None:
        self.ctx, self.n, self.folding, self.weights = ctx, n, folding, weights
        self.at = 0
        self.folded: np.ndarray | None = None
        self.totals: np.ndarray | None = None
        self.block: np.ndarray | None = None
        self.abs_sum: np.ndarray | None = None
        self.orientation: tuple[int | None, float] = (None, 1.0)

    def add(self, part: tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Take one chunk's ``(values, base, candidates)``; return what is kept of it."""
        values, base, candidates = part
        m, p, d = values.shape
        if self.folded is None:
            self.orientation = _orientation(self.ctx, d)
            d_out = orient_outputs(values[:1], *self.orientation).shape[2]
            self.folded = np.empty((self.n, self.folding.n_groups, d_out))
            self.totals = np.empty((self.n, d))
            self.block = np.empty((min(self.n, SUM_BLOCK_ROWS), p, d_out))
        rows = slice(self.at, self.at + m)
        self.totals[rows] = values.sum(axis=1)
        oriented = orient_outputs(values, *self.orientation)
        self.folded[rows] = self.folding.fold(oriented)
        size = len(self.block)
        done = 0
        while done < m:  # copy into the block, summing each block once it is full
            start = self.at + done
            offset = start % size
            take = min(m - done, size - offset)
            self.block[offset:offset + take] = oriented[done:done + take]
            done += take
            if offset + take == size or start + take == self.n:
                self._sum_block(start + take - (offset + take), offset + take)
        self.at += m
        return base, candidates

    def _sum_block(self, first: int, length: int) -> None:
        sl = slice(first, first + length)
        part = np.einsum("n,npd->pd", self.weights[sl], np.abs(self.block[:length]))
        self.abs_sum = part if self.abs_sum is None else self.abs_sum + part

    def transformed_mean_abs(self) -> np.ndarray:
        """Weighted mean |SHAP| per transformed column and output, ``(p, d)``."""
        return self.abs_sum / self.weights.sum()

    def transformed_values(self) -> np.ndarray | None:
        """Every row's transformed-column values when they fit in one block, else None."""
        return self.block if self.n <= SUM_BLOCK_ROWS else None


def _tree(ctx, est, X, folding, names_t, n_jobs, notes) -> ShapRun:
    n = X.shape[0]
    slices = row_chunks(n, _chunk_rows(n, n_jobs))
    known = known_outputs(ctx)
    chunks = _ExactChunks(ctx, n, folding, ctx.weights)
    # one chunk is not worth starting worker processes for
    parts = run_chunks(_tree_chunk, (dense_rows(X, sl) for sl in slices), n_jobs if len(slices) > 1 else 1, est, ctx.task,
                       tuple(known), tick=ctx.ticker(f"TreeSHAP, {n:,} rows in chunks", len(slices)), consume=chunks.add)
    return _exact_run(
        ctx, chunks, parts, known, folding, names_t, route="tree", method="TreeExplainer",
        background="the training data as recorded in the trees (tree-path-dependent TreeSHAP)",
        n_jobs=n_jobs, notes=notes,
    )


def _exact_run(ctx, chunks: _ExactChunks, parts, known, folding, names_t, *, route, method, background, n_jobs,
               notes) -> ShapRun:
    """The run of an exact explainer over every audited row: values oriented to the
    audit's outputs, in the space their totals match, folded to raw columns."""
    base = np.concatenate([b for b, _ in parts])
    candidates = {k: np.concatenate([c[k] for _, c in parts]) for k in parts[0][1]}
    candidates.update(known)
    space, output = match_output_space(candidates, base + chunks.totals)
    keep, sign = chunks.orientation
    base, output = orient_outputs(base, keep, sign), orient_outputs(output, keep, sign)
    n = chunks.n
    return _finish(
        ctx,
        values_t=chunks.transformed_values(),
        transformed_mean_abs=chunks.transformed_mean_abs(),
        folded=chunks.folded,
        base=base,
        output=output,
        rows=np.arange(n),
        folding=folding,
        names_t=names_t,
        route=route,
        method=method,
        exact=True,
        space=space_name(space, candidates),
        background=background,
        sample=f"every audited row ({n:,})",
        row_weights=ctx.weights,
        strata=None,
        n_jobs=n_jobs,
        notes=notes,
    )


# -- linear route ---------------------------------------------------------------------
def _linear(ctx, est, X, folding, names_t, options: ShapOptions, notes) -> ShapRun:
    import shap

    n = X.shape[0]
    rng = ctx.rng("shap.linear.background")
    k = min(n, options.linear_background)
    bg_rows = np.sort(rng.choice(n, size=k, replace=False)) if k < n else np.arange(n)
    background = dense_rows(X, bg_rows)
    explainer = shap.LinearExplainer(est, background)
    known = known_outputs(ctx)
    chunks = _ExactChunks(ctx, n, folding, ctx.weights)
    parts = []
    for sl in row_chunks(n, _chunk_rows(n, 1)):
        chunk = dense_rows(X, sl)
        v = as_3d(explainer.shap_values(chunk))
        b = np.broadcast_to(np.atleast_1d(np.asarray(explainer.expected_value, dtype=float)), (len(v), v.shape[2]))
        parts.append(chunks.add((v, b, candidate_outputs(est, chunk, ctx.task, skip=tuple(known)))))
    return _exact_run(
        ctx, chunks, parts, known, folding, names_t, route="linear", method="LinearExplainer",
        background=f"the mean of {k:,} randomly chosen audited rows (seeded); features treated as independent",
        n_jobs=1, notes=notes,
    )


# -- model-agnostic route --------------------------------------------------------------
class _Output:
    """The explained output of the model as a function of a numeric matrix:
    the positive class's probability (binary), every class's probability
    (multiclass), the prediction (regression); margins when there are no
    probabilities. Picklable, so worker processes can rebuild the explainer."""

    def __init__(self, est: Any, space: str, task: str, keep: int | None, sign: float, codec: RawCodec | None, columns):
        self.est, self.space, self.task = est, space, task
        self.keep, self.sign, self.codec, self.columns = keep, sign, codec, columns

    def __call__(self, Z: np.ndarray) -> np.ndarray:
        X = self.codec.decode(Z) if self.codec is not None else Z
        out = output_in_space(self.est, X, self.space, self.task)
        if self.task == "binary" and self.space == "margin" and out.shape[1] == 2:
            out = out[:, [1]]
        out = orient_outputs(out, self.keep, self.sign)
        return out[:, 0] if out.shape[1] == 1 else out


def _kernel_rows(batch: tuple[np.ndarray, list[int]], f: _Output, background: np.ndarray, bg_weights: np.ndarray,
                 folding: Folding, nsamples: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kernel SHAP of a few rows ``(rows, seeds)``, each with its own seed, so a
    row's values do not depend on which other rows are explained, or where."""
    import shap
    from shap.utils._legacy import DenseData

    rows, seeds = batch
    groups = [folding.columns(g) for g in range(folding.n_groups)]
    data = DenseData(background, list(folding.names), groups, bg_weights.copy())
    explainer = shap.KernelExplainer(f, data)
    base = np.atleast_1d(np.asarray(explainer.expected_value, dtype=float))
    vals = []
    state = np.random.get_state()
    try:
        for x, seed in zip(rows, seeds):
            # KernelExplainer samples coalitions from numpy's global generator
            np.random.seed(seed)
            vals.append(as_3d(explainer.shap_values(x[None, :], nsamples=nsamples, silent=True, l1_reg=False))[0])
    finally:
        np.random.set_state(state)
    out = np.asarray(f(rows), dtype=float).reshape(len(rows), -1)
    return np.stack(vals), np.broadcast_to(base, (len(rows), len(base))).copy(), out


def _kernel(ctx, est, X, folding: Folding, options: ShapOptions, n_jobs: int, notes) -> ShapRun:
    n = X.shape[0]
    codec = None
    matrix = X
    if isinstance(X, pd.DataFrame):
        codec = RawCodec.fit(X, nan_numeric_as_categorical=False)
        matrix = codec.encode(X)
    if ctx.task == "regression":
        space = "raw"
    elif hasattr(est, "predict_proba"):
        space = "probability"
    else:
        space = "margin"
    keep, sign = None, 1.0
    if ctx.task == "binary":
        # probabilities: keep the positive class's column; a margin explains classes_[1]
        keep, sign = _orientation(ctx, 2 if space == "probability" else 1)
    f = _Output(est, space, ctx.task, keep, sign, codec, None)

    # background: a few real rows standing for k-means clusters
    rng = ctx.rng("shap.kernel.background")
    dense_pool = np.asarray(dense_rows(matrix, slice(0, n)), dtype=float) if not sp.issparse(matrix) or n <= 50_000 else None
    if dense_pool is None:
        pool = np.sort(rng.choice(n, size=50_000, replace=False))
        dense_pool, offset = np.asarray(dense_rows(matrix, pool), dtype=float), pool
    else:
        offset = np.arange(n)
    bg_pos, bg_w = medoid_background(dense_pool, options.n_background, rng)
    background = dense_pool[bg_pos]
    bg_rows = offset[bg_pos]

    M = folding.n_groups
    nsamples = options.kernel_nsamples or min(2 * M + 2048, 2**M - 2 if M < 30 else 2**30)
    nsamples = max(nsamples, 2 * M + 2)

    # rows: the stratified sample, plus the rows the report explains one by one
    label_code = regression_label_code(ctx.y_true) if ctx.task == "regression" else ctx.y_true_code
    strata = explanation_strata(ctx.sensitive_features, label_code)
    extra_rows = [r.position for r in automatic_rows(ctx, options.extra_rows)]

    seconds_per_row = _estimate_cost(f, background, bg_w, folding, nsamples)
    if options.n_samples is not None:
        n_sample = min(n, int(options.n_samples))
        estimated = None
    else:
        per_row = seconds_per_row / n_jobs
        affordable = int(BUDGET_SAFETY * options.time_budget / per_row) - len(extra_rows)
        shrunk = False
        if affordable < options.min_samples and nsamples > 2 * M + 2:
            shrunk = True
            # fewer coalitions per row before fewer rows: a small sample says little
            # about the global importance, a coarser estimate per row still does
            shrink = max(2 * M + 2, int(nsamples * max(affordable, 1) / options.min_samples))
            seconds_per_row *= shrink / nsamples
            nsamples = shrink
            notes.append(f"To fit the time budget, each row used {nsamples:,} coalitions instead of the default.")
            per_row = seconds_per_row / n_jobs
            affordable = int(BUDGET_SAFETY * options.time_budget / per_row) - len(extra_rows)
        n_sample = int(np.clip(affordable, 1, min(n, options.max_samples)))
        # A timing enters the result only when it changed it: when the budget did
        # not bind, the sample is max_samples on any machine and the JSON stays
        # identical from run to run.
        estimated = None
        if shrunk or affordable < min(n, options.max_samples):
            estimated = round(per_row * (n_sample + len(extra_rows)), 1)
            message = (
                f"The {options.time_budget:g} s time budget limited the SHAP sample to {n_sample:,} rows (estimated "
                f"{estimated:g} s on this machine), so these SHAP numbers depend on the machine's speed; pass "
                "ShapSection(n_samples=...) for a result that is identical everywhere."
            )
            notes.append(message)
            ctx.warn("shap", message)
    sample_rows = stratified_sample(strata, n_sample, ctx.rng("shap.kernel.sample"))
    todo = list(sample_rows) + [p for p in extra_rows if p not in set(sample_rows.tolist())]
    # a run of a few seconds is not worth starting worker processes for
    jobs = n_jobs if seconds_per_row * len(todo) > 3.0 else 1
    batches = list(_batches(ctx, matrix, todo, jobs))
    parts = run_chunks(_kernel_rows, batches, jobs, f, background, bg_w, folding, nsamples,
                       tick=ctx.ticker(f"Kernel SHAP, {len(todo):,} rows in batches", len(batches)))
    values = np.concatenate([v for v, _, _ in parts])
    base = np.concatenate([b for _, b, _ in parts])
    output = np.concatenate([o for _, _, o in parts])
    k = len(sample_rows)
    extra = {int(p): (values[k + i], base[k + i]) for i, p in enumerate(todo[k:])}

    def explain_more(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        parts = [_kernel_rows(b, f, background, bg_w, folding, nsamples) for b in _batches(ctx, matrix, list(positions), 1)]
        return np.concatenate([v for v, _, _ in parts]), np.concatenate([b for _, b, _ in parts])

    label = "sensitive group × true label" if ctx.task != "regression" else "sensitive group × quartile of the true value"
    if ctx.sensitive_features.shape[1] == 0:
        label = label.replace("sensitive group × ", "")
    weights = ctx.weights[sample_rows] * design_weights(strata, sample_rows)
    bg_desc = (
        f"{len(background)} representative audited rows (the row nearest each k-means cluster centre, "
        "weighted by cluster size); each raw column's transformed columns are switched together"
    )
    space_label = space_name(space, candidate_outputs(est, _model_rows(X, codec, matrix, background), ctx.task))
    return _finish(
        ctx,
        values_t=None,
        folded=values[:k],
        base=base[:k],
        output=output[:k],
        rows=sample_rows,
        folding=folding,
        names_t=(),
        route="model-agnostic",
        method="KernelExplainer",
        exact=False,
        space=space_label,
        background=bg_desc,
        sample=f"{k:,} of {n:,} rows, a seeded random sample stratified by {label}; {nsamples:,} coalitions per row",
        row_weights=weights,
        strata=strata[sample_rows],
        n_jobs=n_jobs,
        notes=notes + [
            f"Background rows (positions): {', '.join(str(int(r)) for r in bg_rows)}.",
        ],
        time_budget=float(options.time_budget),
        estimated_seconds=estimated,
        extra=extra,
        explain_more=explain_more,
        seconds_per_row=seconds_per_row,
    )


def _model_rows(X: Any, codec: RawCodec | None, matrix: Any, rows: np.ndarray) -> Any:
    """The background rows in the form the model takes."""
    return codec.decode(rows) if codec is not None else rows


def _batches(ctx: AuditContext, matrix: Any, positions: list[int], n_jobs: int) -> list[tuple[np.ndarray, list[int]]]:
    """Rows (dense) and per-row seeds, in about four batches per worker."""
    size = max(1, -(-len(positions) // (4 * n_jobs)))
    out = []
    for i in range(0, len(positions), size):
        pos = [int(p) for p in positions[i : i + size]]
        rows = np.asarray(dense_rows(matrix, pos), dtype=float)
        out.append((rows, [ctx.seed(f"shap.kernel.row.{p}") for p in pos]))
    return out


class _Cheap:
    """A model that costs nothing, shaped like the real output: timing Kernel SHAP
    with it measures the explainer's own work per row."""

    def __init__(self, d: int) -> None:
        self.d = d

    def __call__(self, Z: np.ndarray) -> np.ndarray:
        return Z[:, 0] if self.d == 1 else np.repeat(Z[:, :1], self.d, axis=1)


def _estimate_cost(f: _Output, background: np.ndarray, bg_weights: np.ndarray, folding: Folding, nsamples: int) -> float:
    """Seconds to explain one row, measured before the run: the model's time on a
    batch shaped like Kernel SHAP's (``nsamples`` coalitions x background rows),
    plus Kernel SHAP's own work (building the coalitions, the weighted regression),
    timed on one row with a model that costs nothing. On Adult with a small MLP the
    second part is three quarters of the total, so it cannot be left out."""
    rows_per_explained = nsamples * len(background)
    batch = np.tile(background, (max(1, min(rows_per_explained, 4096) // len(background)), 1))
    d = np.asarray(f(batch[: min(len(batch), 64)])).reshape(min(len(batch), 64), -1).shape[1]  # warm-up
    t0 = time.perf_counter()
    f(batch)
    model_seconds = (time.perf_counter() - t0) / len(batch) * rows_per_explained
    probe = (background[:1].copy(), [0])
    overhead = []
    for _ in range(2):  # the first run also pays for importing shap
        t0 = time.perf_counter()
        _kernel_rows(probe, _Cheap(d), background, bg_weights, folding, nsamples)
        overhead.append(time.perf_counter() - t0)
    return model_seconds + min(overhead)
