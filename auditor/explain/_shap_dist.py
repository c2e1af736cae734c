"""TreeSHAP where the rows live: on the workers of a cluster, one partition at a time.

Every row is explained on the worker that holds it, with the code of the
in-memory tree route (:mod:`._shap`): TreeSHAP gives each row values that do not
depend on the other rows, so a partition's rows get the very values an
in-memory audit of the whole frame gives them. Only mergeable aggregates come
back: weighted sums of |SHAP| and of SHAP per raw and per transformed column,
the largest additivity deviation in each candidate output space, and the values
(and raw features) of the few rows the client names - the beeswarm and
dependence points, the waterfall rows and the engine's sample - and sums per
value of each sensitive column (fairness' SHAP by group). The client adds
the sums up, so the global importances equal the in-memory ones up to the order
of floating-point additions (about 1e-15 relative).

The frame is reached only through ``X.map_partitions`` (the engine's
:class:`~auditor.engine.dask.RemoteFrame`): this module never imports dask.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from auditor.artifacts import ShapGroupSums, ShapValues
from auditor.context import AuditContext
from auditor.explain._fold import Folding, folding_from_lineage
from auditor.explain._routing import candidate_outputs, space_name
from auditor.explain._shap import (
    CHUNK_ROWS,
    ShapRun,
    as_3d,
    dense_rows,
    explained_output_names,
    known_outputs,
    orient_outputs,
    row_chunks,
)

__all__ = ["ShapAggregates", "distributed_tree_shap", "sample_run", "TREE_BACKGROUND"]

#: How the tree route describes its background (as in memory).
TREE_BACKGROUND = "the training data as recorded in the trees (tree-path-dependent TreeSHAP)"


@dataclass(frozen=True)
class ShapAggregates:
    """The merged per-partition sums of a distributed TreeSHAP run.

    Attributes
    ----------
    weight : float
        Sum of the row weights.
    abs_sum, signed_sum : numpy.ndarray of shape (n_groups * n_outputs,)
        Weighted sums of |SHAP| and SHAP per raw column (group) and output.
    abs_w2_sum, abs_w2_sq_sum : numpy.ndarray of shape (n_groups * n_outputs,)
        Sums of ``w^2 |SHAP|`` and ``w^2 SHAP^2``: with ``weight_sq`` (the sum of
        ``w^2``), the standard error of each mean |SHAP| over every row.
    transformed_abs_sum : numpy.ndarray of shape (n_transformed, n_outputs)
        Weighted sums of |SHAP| per transformed column.
    kept : ShapValues
        The values of the rows the client asked for, ``rows`` their positions.
    kept_rows : pandas.DataFrame
        The raw features (X's columns) of the rows at ``raw_positions``, in that order.
    raw_positions : numpy.ndarray
        Positions of ``kept_rows``.
    """

    weight: float
    abs_sum: np.ndarray
    abs_w2_sum: np.ndarray
    abs_w2_sq_sum: np.ndarray
    weight_sq: float
    signed_sum: np.ndarray
    transformed_abs_sum: np.ndarray
    kept: ShapValues
    kept_rows: pd.DataFrame
    raw_positions: np.ndarray


def _orientation(task: str, pos_index: int | None, d: int) -> tuple[int | None, float]:
    # ._shap._orientation, from plain values a worker can receive
    if task != "binary":
        return None, 1.0
    if d == 2:
        return pos_index, 1.0
    return None, (1.0 if pos_index == 1 else -1.0)


def _max_abs(a: np.ndarray) -> float:
    return float(np.max(np.abs(a))) if a.size else 0.0


def _group_sums(folded: np.ndarray, codes: dict[str, tuple[np.ndarray, int]]) -> dict[str, tuple]:
    """Per sensitive column, sums of |SHAP| (mean over outputs) and of SHAP (one
    output) over the rows of each of its values: fairness' SHAP by group."""
    mean_abs = np.abs(folded).mean(axis=2)
    signed = folded[:, :, 0] if folded.shape[2] == 1 else None
    out = {}
    for col, (c, k) in codes.items():
        a = np.zeros((k, folded.shape[1]))
        np.add.at(a, c, mean_abs)
        s = None
        if signed is not None:
            s = np.zeros((k, folded.shape[1]))
            np.add.at(s, c, signed)
        out[col] = (np.bincount(c, minlength=k), a, s)
    return out


def _partition(X: pd.DataFrame, w: np.ndarray, known: dict[str, np.ndarray], keep: np.ndarray, raw: np.ndarray,
               codes: dict[str, tuple[np.ndarray, int]], model: Any, folding: Folding, task: str,
               pos_index: int | None) -> dict | None:
    """One partition's TreeSHAP, reduced to sums (runs on a worker)."""
    import shap

    n = len(X)
    if n == 0:
        return None
    Xt = model.transform(model.model_input(X))
    est = model.final_estimator
    explainer = shap.TreeExplainer(est)  # once per partition, not per chunk
    values, candidates = [], []
    for sl in row_chunks(n, max(CHUNK_ROWS, 16_384)):
        chunk = dense_rows(Xt, sl)
        with warnings.catch_warnings():
            # shap announces a change of LightGBM's output shape; as_3d handles both
            warnings.filterwarnings("ignore", message="LightGBM binary classifier", category=UserWarning)
            values.append(as_3d(explainer.shap_values(chunk, check_additivity=False)))
        candidates.append(candidate_outputs(est, chunk, task, skip=tuple(known)))
    values = np.concatenate(values)
    d_raw = values.shape[2]
    base = np.array(np.broadcast_to(np.atleast_1d(np.asarray(explainer.expected_value, dtype=float)), (n, d_raw)))
    # the order of the in-memory route: spaces computed here first, then the audit's own outputs
    cands = {k: np.concatenate([c[k] for c in candidates]) for k in candidates[0]}
    cands.update(known)
    totals = base + values.sum(axis=1)
    keep_col, sign = _orientation(task, pos_index, d_raw)
    values, base = orient_outputs(values, keep_col, sign), orient_outputs(base, keep_col, sign)
    folded = folding.fold(values)
    oriented_totals = base + folded.sum(axis=1)
    spaces = {}
    for space, out in cands.items():
        # match_output_space, one partition at a time: its deviation is a max, so it merges
        if out.shape[1] != d_raw:
            if d_raw == 1 and out.shape[1] == 2:
                out = out[:, [1]]
            else:
                continue
        oriented = orient_outputs(out, keep_col, sign)
        spaces[space] = (_max_abs(out - totals), _max_abs(oriented_totals - oriented), _max_abs(oriented))
    G, D = folded.shape[1], folded.shape[2]
    flat = folded.reshape(n, G * D)
    return {
        "n": n,
        "d_raw": d_raw,
        "spaces": spaces,
        # space_name compares every row's margin and probability: an "all", so it merges
        "margin_name": space_name("margin", cands),
        "weight": float(w.sum()),
        "abs_sum": w @ np.abs(flat),
        # the pieces of the normal interval of each mean |SHAP| (see normal_mean_intervals_from_sums)
        "abs_w2_sum": (w ** 2) @ np.abs(flat),
        "abs_w2_sq_sum": (w ** 2) @ (flat ** 2),
        "weight_sq": float((w ** 2).sum()),
        "signed_sum": w @ flat,
        "transformed_abs_sum": np.einsum("n,npd->pd", w, np.abs(values)),
        "kept_values": folded[keep],
        "kept_base": base[keep],
        "kept_transformed": values[keep],
        "kept_rows": X.iloc[raw].reset_index(drop=True),
        "groups": _group_sums(folded, codes),
    }


def _margin_name(names: list[str]) -> str:
    # "log-odds" (or "logit") only if every partition's margins are its probabilities' link
    return names[0] if len(set(names)) == 1 else "margin"


def distributed_tree_shap(ctx: AuditContext, keep: np.ndarray, raw: np.ndarray) -> tuple[ShapAggregates, dict[str, Any]]:
    """TreeSHAP of every row of ``ctx.X`` (a remote frame) on the workers.

    Parameters
    ----------
    ctx : AuditContext
        An audit whose ``X`` lives on a cluster and whose model is tree-based.
    keep : numpy.ndarray
        Sorted distinct positions whose per-row values come back.
    raw : numpy.ndarray
        Sorted distinct positions whose raw features come back too (the figures'
        rows; the engine's sample pulls its own).

    Returns
    -------
    aggregates : ShapAggregates
    run : dict
        What the tree route records besides the values: ``output_space``,
        ``additivity_max_deviation``, ``additivity_scale``, ``folding``,
        ``transformed_feature_names`` and ``group_sums`` (a
        :class:`~auditor.artifacts.ShapGroupSums` over every row).
    """
    X = ctx.X
    model = ctx.model
    # the transformed width from one row: a fitted preprocessor's is fixed
    p = model.transform(model.model_input(ctx.take_rows(np.arange(1)))).shape[1]
    folding = folding_from_lineage(model.lineage(p), model.feature_names)
    names_t = model.transformed_feature_names(p)
    w = ctx.weights
    known = known_outputs(ctx)
    offsets = X.offsets
    keep, raw = np.asarray(keep, dtype=np.int64), np.asarray(raw, dtype=np.int64)
    # each sensitive column's distinct values as codes, decided here once for every partition
    codes, firsts = {}, {}
    for col in ctx.sensitive_features.columns:
        c, uniques = pd.factorize(ctx.sensitive_features[col], use_na_sentinel=False)
        codes[col] = (c, len(uniques))
        firsts[col] = np.unique(c, return_index=True)[1]
    args = []
    for i in range(X.npartitions):
        lo, hi = int(offsets[i]), int(offsets[i + 1])
        local = keep[(keep >= lo) & (keep < hi)] - lo
        raw_local = raw[(raw >= lo) & (raw < hi)] - lo
        args.append((w[lo:hi], {k: v[lo:hi] for k, v in known.items()}, local, raw_local,
                     {col: (c[lo:hi], k) for col, (c, k) in codes.items()}))
    parts = X.map_partitions(_partition, args, (model, folding, ctx.task, model.pos_index),
                             f"computing TreeSHAP on {ctx.n_rows:,} rows")
    parts = [q for q in parts if q is not None]
    d_raw = parts[0]["d_raw"]
    # the first space of the smallest deviation over every row, as match_output_space picks
    order = list(parts[0]["spaces"])
    if not order:
        raise ValueError(f"Expected the explainer's output to match one of the model's outputs. Got {d_raw} "
                         "output(s) that fit none.")
    merged = {s: tuple(max(q["spaces"][s][k] for q in parts) for k in range(3)) for s in order}
    best = min(order, key=lambda s: (merged[s][0], order.index(s)))
    output_space = _margin_name([q["margin_name"] for q in parts]) if best == "margin" else best
    values = np.concatenate([q["kept_values"] for q in parts])
    kept = ShapValues(
        values=values,
        base_values=np.concatenate([q["kept_base"] for q in parts]),
        feature_names=folding.names,
        rows=keep,
        output_names=explained_output_names(ctx, values.shape[2]),
        output_space=output_space,
        method="TreeExplainer",
        transformed_values=np.concatenate([q["kept_transformed"] for q in parts]),
        transformed_feature_names=names_t,
    )
    aggregates = ShapAggregates(
        weight=float(sum(q["weight"] for q in parts)),
        abs_sum=np.sum([q["abs_sum"] for q in parts], axis=0),
        abs_w2_sum=np.sum([q["abs_w2_sum"] for q in parts], axis=0),
        abs_w2_sq_sum=np.sum([q["abs_w2_sq_sum"] for q in parts], axis=0),
        weight_sq=float(sum(q["weight_sq"] for q in parts)),
        signed_sum=np.sum([q["signed_sum"] for q in parts], axis=0),
        transformed_abs_sum=np.sum([q["transformed_abs_sum"] for q in parts], axis=0),
        kept=kept,
        kept_rows=pd.concat([q["kept_rows"] for q in parts], ignore_index=True),
        raw_positions=raw,
    )
    group_sums = ShapGroupSums(
        feature_names=folding.names, output_names=kept.output_names, n_rows=ctx.n_rows,
        columns={col: (firsts[col], *_merge_groups([q["groups"][col] for q in parts])) for col in codes},
    )
    return aggregates, {
        "group_sums": group_sums,
        "output_space": output_space,
        "additivity_max_deviation": merged[best][1],
        "additivity_scale": merged[best][2],
        "folding": folding,
        "transformed_feature_names": names_t,
    }


def _merge_groups(parts: list[tuple]) -> tuple:
    counts = np.sum([p[0] for p in parts], axis=0)
    abs_sums = np.sum([p[1] for p in parts], axis=0)
    signed = None if parts[0][2] is None else np.sum([p[2] for p in parts], axis=0)
    return counts, abs_sums, signed


def sample_run(ctx: AuditContext, aggregates: ShapAggregates, positions: np.ndarray, extra: dict[str, Any],
               weights: np.ndarray) -> ShapRun:
    """The tree route's run over the rows at ``positions`` (among the kept ones),
    numbered ``0..len(positions)-1``: what an in-memory audit of those rows alone
    holds (for the sections that run on the engine's sample)."""
    kept = aggregates.kept
    at = np.searchsorted(kept.rows, positions)
    sv = ShapValues(
        values=kept.values[at], base_values=kept.base_values[at], feature_names=kept.feature_names,
        rows=np.arange(len(positions)), output_names=kept.output_names, output_space=kept.output_space,
        method=kept.method, transformed_values=kept.transformed_values[at],
        transformed_feature_names=kept.transformed_feature_names,
    )
    return ShapRun(
        values=sv, route="tree", method="TreeExplainer", exact=True, output_space=extra["output_space"],
        background=TREE_BACKGROUND, sample=f"every audited row ({len(positions):,})",
        additivity_max_deviation=extra["additivity_max_deviation"], additivity_scale=extra["additivity_scale"],
        row_weights=weights, strata=None, folding=extra["folding"], n_jobs=1,
    )
