"""Performance: headline metrics with bootstrap intervals, confusion matrix, ROC and
calibration curves (classification), residual summaries (regression)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from auditor import metrics as M
from auditor.bootstrap import bootstrap, canonical_order, percentile_interval
from auditor.cells import EXACT_BOOTSTRAP_ROWS, CellTable, resample_cells
from auditor.context import AuditContext
from auditor.policy import performance_findings
from auditor.results import (
    CalibrationCurve,
    ConfusionMatrix,
    DecisionCosts,
    Estimate,
    GroupCost,
    Metric,
    PerformanceResult,
    PrecisionRecallCurve,
    ResidualSummary,
    RocCurve,
)
from auditor.sections._base import Section
from auditor.sections._costs import cost_matrix, current_threshold, threshold_costs, validate_costs

__all__ = ["PerformanceSection"]


@dataclass(frozen=True)
class _Spec:
    key: str
    label: str
    higher_is_better: bool | None
    undefined_reason: str
    description: str = ""


@dataclass(frozen=True)
class PerformanceSection(Section):
    """How well the model predicts, with uncertainty.

    Parameters
    ----------
    n_bootstrap : int or None, default=None
        Resamples behind every interval; ``None`` uses the audit's ``n_bootstrap``.
    n_calibration_bins : int, default=10
        Equal-width probability bins for the calibration curve and the expected
        calibration error.
    max_curve_points : int, default=200
        ROC curves are thinned to at most this many points for display.
    max_residual_points : int, default=1000
        Regression: residuals drawn in the scatter figure (a seeded sample).
    costs : dict, optional
        What each kind of decision costs, in any unit (a benefit is negative):
        ``{"false_positive": 1, "false_negative": 5}`` for a binary task (true
        outcomes cost 0 unless given as ``true_positive`` / ``true_negative``),
        or ``{true_label: {predicted_label: cost}}`` for any classification task,
        or, for multiclass, ``{true_label: cost}`` (the cost of misclassifying a
        row of that class). The report then gives the expected cost per 1,000
        decisions with its interval, overall and per group, and, for a binary
        model with scores, the threshold that would minimise it. Without costs
        nothing is invented.
    max_cost_groups : int, default=50
        Sensitive features with more groups than this get no per-group cost.
    exact_bootstrap_rows : int, default=50_000
        Up to this many rows every row is resampled; above, classification
        intervals resample cells of rows that share their labels and score (to
        within 1e-4: see :mod:`auditor.cells`), and regression intervals the
        metrics' sums, at a cost independent of the number of rows. The report
        states which method gave the intervals.
    """

    name = "performance"
    reads_model_inputs = False
    title = "Model performance"
    result_type = PerformanceResult
    # reads the outcomes only: every row under the Dask engine
    distributed = True
    findings = performance_findings
    view = "auditor.render.views.performance:build"
    template = "sections/performance.html.j2"

    n_bootstrap: int | None = None
    n_calibration_bins: int = 10
    max_curve_points: int = 200
    max_residual_points: int = 1000
    costs: Mapping[str, Any] | None = None
    max_cost_groups: int = 50
    exact_bootstrap_rows: int = EXACT_BOOTSTRAP_ROWS

    def __post_init__(self) -> None:
        object.__setattr__(self, "costs", validate_costs(self.costs))

    def compute(self, ctx: AuditContext) -> PerformanceResult:
        n_boot = ctx.n_bootstrap if self.n_bootstrap is None else self.n_bootstrap
        if ctx.task == "regression":
            if self.costs is not None:
                raise ValueError("Expected no costs for a regression audit: decision costs need classes. Got some.")
            specs, stats, order, large = _regression(ctx)
        elif ctx.task == "binary":
            specs, stats, order, large = _binary(ctx, self.n_calibration_bins)
        else:
            specs, stats, order, large = _multiclass(ctx, self.n_calibration_bins)
        cost = None
        if self.costs is not None:
            cost = _CostStats(ctx, self.costs, order, self.max_cost_groups)
            specs = specs + [cost.spec]
        # the statistics see rows in a canonical order (see canonical_order): the
        # weights must follow it
        w = ctx.weights[order]
        row_stats = stats if cost is None else cost.wrap(stats)
        point = {k: float(v[0]) for k, v in row_stats(w[None, :]).items()}
        by_cells = bool(n_boot) and ctx.n_rows > self.exact_bootstrap_rows
        if not by_cells:
            reps = bootstrap(row_stats, w, n_boot, ctx.rng("performance.bootstrap"),
                             tick=ctx.ticker("bootstrap resamples", n_boot))
            method = f"percentile bootstrap, {n_boot:,} resamples of the audited rows"
        else:
            reps, method = _large_bootstrap(ctx, large, n_boot, cost, self.n_calibration_bins,
                                            self.exact_bootstrap_rows)
        level = ctx.confidence_level
        metrics = tuple(
            Metric(
                key=s.key,
                label=s.label,
                estimate=_estimate(point[s.key], reps.get(s.key), level, s.undefined_reason,
                                   None if s.key in reps or not by_cells else _NO_CELL_INTERVAL.get(s.key)),
                higher_is_better=s.higher_is_better,
                description=s.description,
            )
            for s in specs
        )
        by_key = {m.key: m for m in metrics}
        result = dict(
            task=ctx.task,
            metrics=metrics,
            n_bootstrap=n_boot,
            confidence_level=level,
            interval_method=method if n_boot else "none (n_bootstrap=0)",
            # the evidence behind every metric, for the policy's minimum (unweighted rows)
            n_rows=int(ctx.n_rows),
        )
        if ctx.task != "regression":
            counts = np.bincount(ctx.y_true_code, minlength=len(ctx.labels))
            result["class_counts"] = {str(c): int(k) for c, k in zip(ctx.labels, counts)}
        if ctx.task == "regression":
            result["residuals"] = _residuals(ctx, self.max_residual_points)
            return PerformanceResult(**result)
        result["confusion_matrix"] = _confusion(ctx)
        result["base_rates"] = _base_rates(ctx)
        result["roc_curves"] = _roc_curves(ctx, self.max_curve_points, by_key)
        result["pr_curves"] = _pr_curves(ctx, self.max_curve_points, by_key)
        if cost is not None:
            result["costs"] = cost.result(ctx, point, reps, level, by_key["expected_cost_per_1000"].estimate,
                                          self.max_curve_points)
        if ctx.predictions.proba is not None and ctx.task in ("binary", "multiclass"):
            result["calibration"] = (_calibration(ctx, self.n_calibration_bins, by_key["expected_calibration_error"].estimate),)
        notes = []
        if ctx.score_kind == "none":
            notes.append("The model gives no scores, so ROC AUC, average precision, log loss and calibration are not shown.")
        elif ctx.score_kind == "decision":
            notes.append("The model gives decision scores, not probabilities: log loss, Brier score and calibration are not shown.")
        result["notes"] = tuple(notes)
        return PerformanceResult(**result)


#: Why a metric has no interval above the exact-bootstrap size.
_NO_CELL_INTERVAL = {
    "roc_auc_ovr": "no interval above the exact-bootstrap size: a one-vs-rest macro average needs every class's "
                   "score of every row resampled together",
    "average_precision_macro": "no interval above the exact-bootstrap size: a one-vs-rest macro average needs every "
                               "class's score of every row resampled together",
    "median_absolute_error": "no interval above the exact-bootstrap size: a median is not a sum of rows",
}


def _estimate(point: float, reps: np.ndarray | None, level: float, undefined_reason: str,
              no_interval: str | None = None) -> Estimate:
    if not np.isfinite(point):
        return Estimate.undefined(undefined_reason)
    if reps is None or len(reps) == 0:
        return Estimate(value=point, reason=no_interval)
    iv = percentile_interval(reps, level)
    return Estimate(value=point, ci_low=iv.low, ci_high=iv.high, reason=iv.reason)


Stats = Callable[[np.ndarray], dict[str, np.ndarray]]


def _binary(ctx: AuditContext, n_bins: int) -> tuple[list[_Spec], Stats, np.ndarray, Callable]:
    # Rows sorted by score make tie groups contiguous (fast rank sums), and a
    # content-defined order makes the intervals independent of the caller's row
    # order; every statistic is a sum over rows, so no value changes.
    score = ctx.y_score
    keys = (ctx.y_true_pos, ctx.y_pred_pos, ctx.weights)
    order = canonical_order(score, *keys) if score is not None else canonical_order(*keys)
    rows = {"t": ctx.y_true_pos[order], "p": ctx.y_pred_pos[order]}
    if score is not None:
        rows["score"] = score[order]
    proba = ctx.predictions.proba
    if proba is not None:
        codes = _proba_codes(ctx)[order]
        rows["ll"] = M.log_loss_per_row(proba[order], codes)
        rows["brier"] = M.brier_per_row(proba[order], codes)
    plain = ctx.pos_label.item() if hasattr(ctx.pos_label, "item") else ctx.pos_label
    pos = f"'{plain}'" if isinstance(plain, str) else str(plain)
    specs = [
        _Spec("accuracy", "Accuracy", True, "no rows", "Share of rows predicted correctly."),
        _Spec("balanced_accuracy", "Balanced accuracy", True, "a class has no rows",
              "Mean of the true positive and true negative rates; not flattered by a majority class."),
        _Spec("precision", "Precision", True, f"the model predicts the positive class {pos} for no row",
              f"Of the rows predicted {pos}, the share that truly are."),
        _Spec("recall", "Recall (true positive rate)", True, f"no row is truly {pos}",
              f"Of the rows that truly are {pos}, the share the model finds."),
        _Spec("f1", "F1 score", True, "there are neither true nor predicted positives",
              "Harmonic mean of precision and recall."),
        _Spec("matthews_corrcoef", "Matthews correlation", True,
              "the model predicts one class only, or y holds one class (a correlation with a constant is undefined)",
              "Correlation between predictions and outcomes, from -1 to 1 (0 is chance); not flattered by a rare class."),
    ]
    if score is not None:
        specs += [
            _Spec("roc_auc", "ROC AUC", True, "y holds only one class",
                  "Chance that a random positive row is scored above a random negative one."),
            _Spec("average_precision", "Average precision", True, f"no row is truly {pos}",
                  "Area under the precision-recall curve (step-wise, as scikit-learn)."),
        ]
    if proba is not None:
        specs += [
            _Spec("log_loss", "Log loss", False, "no rows", "Average surprise of the predicted probabilities."),
            _Spec("brier_score", "Brier score", False, "no rows", "Mean squared gap between probability and outcome."),
            _Spec("expected_calibration_error", "Expected calibration error", False, "no rows",
                  f"Weighted mean gap between predicted probability and observed rate over {n_bins} bins."),
        ]
    specs += [
        _Spec("base_rate", f"Base rate (share truly {pos})", None, "no rows", "Share of rows whose true label is positive."),
        _Spec("selection_rate", f"Selection rate (share predicted {pos})", None, "no rows", "Share of rows the model predicts positive."),
    ]
    calibrated = proba is not None
    return specs, _binary_stats(rows, n_bins, calibrated), order, lambda: _binary_cells(rows, ctx.weights[order], n_bins)


def _binary_stats(a: dict[str, np.ndarray], n_bins: int, calibrated: bool) -> Stats:
    """The binary statistics of units (rows, or cells of rows) with values ``a``:
    ``t``, ``p`` and, when present, ``score`` (ascending), ``ll`` and ``brier``
    per unit; ``W`` weighs the units."""
    t, p = a["t"], a["p"]
    score = a.get("score")
    ties = M.TieGroups(score) if score is not None else None
    bins = M.calibration_bins(score, n_bins) if calibrated else None
    correct = (t == p).astype(float)

    def stats(W: np.ndarray) -> dict[str, np.ndarray]:
        c = M.binary_counts(W, t, p)
        tp, fp, fn, tn = c["tp"], c["fp"], c["fn"], c["tn"]
        total = W.sum(axis=1)
        tpr = M.safe_divide(tp, tp + fn)
        tnr = M.safe_divide(tn, tn + fp)
        out = {
            "accuracy": M.safe_divide(W @ correct, total),
            "balanced_accuracy": 0.5 * (tpr + tnr),
            "precision": M.safe_divide(tp, tp + fp),
            "recall": tpr,
            "f1": M.safe_divide(2 * tp, 2 * tp + fp + fn),
            "matthews_corrcoef": M.matthews_corrcoef(
                np.column_stack([tp + fn, fp + tn]), np.column_stack([tp + fp, fn + tn]), tp + tn, total
            ),
            "base_rate": M.safe_divide(tp + fn, total),
            "selection_rate": M.safe_divide(tp + fp, total),
        }
        if ties is not None:
            sums = M.rank_sums(W, t, ties)
            out["roc_auc"] = M.roc_auc(W, t, ties, sums=sums)
            out["average_precision"] = M.average_precision(W, t, ties, sums=sums)
        if calibrated:
            out["log_loss"] = M.weighted_mean(W, a["ll"])
            out["brier_score"] = M.weighted_mean(W, a["brier"])
            out["expected_calibration_error"] = M.expected_calibration_error(W, score, t, bins, n_bins)
        return out

    return stats


def _binary_cells(rows: dict[str, np.ndarray], w: np.ndarray, n_bins: int) -> tuple[CellTable, Callable]:
    """Rows summed into (score bin, true, predicted) cells, and the function that
    turns the resampled cell sums into the units of :func:`_binary_stats`.

    Score bins are ``FINE_BINS`` equal parts of each calibration bin (so no cell
    straddles one): a cell stands for its rows at their mean score, log loss and
    Brier score, which rank and sum like the rows up to the bin's width.
    """
    t, p = rows["t"].astype(np.int64), rows["p"].astype(np.int64)
    score = rows.get("score")
    columns = {"w": w}
    if score is not None:
        fine = _fine_bin(score, n_bins) if "ll" in rows else _rank_bin(score)
        cell = (fine * 2 + t) * 2 + p
        columns["ws"] = w * score
        for name in ("ll", "brier"):
            if name in rows:
                columns[f"w{name}"] = w * rows[name]
    else:
        cell = t * 2 + p
    table = CellTable.build(cell, columns)

    def units(sums: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        W = sums["w"]
        keys = table.keys
        a = {"t": ((keys // 2) % 2).astype(bool), "p": (keys % 2).astype(bool)}
        wsum = table.sums["w"]
        if "ws" in table.sums:
            a["score"] = table.sums["ws"] / wsum
            for name in ("ll", "brier"):
                if f"w{name}" in table.sums:
                    a[name] = table.sums[f"w{name}"] / wsum
        return W, a

    return table, units


#: Score bins within each calibration bin for the cell bootstrap: with 10
#: calibration bins, 10,240 bins of width about 1e-4.
FINE_BINS = 1024


def _fine_bin(score: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin of each probability: calibration bin * FINE_BINS + its sub-bin."""
    cal = M.calibration_bins(score, n_bins)
    lo = cal / n_bins
    sub = np.clip(((score - lo) * n_bins * FINE_BINS).astype(np.int64), 0, FINE_BINS - 1)
    return cal.astype(np.int64) * FINE_BINS + sub


def _rank_bin(score: np.ndarray) -> np.ndarray:
    """Decision scores have no fixed range: equal-width bins between the lowest
    and highest score (values every partition of the data agrees on)."""
    lo, hi = float(np.min(score)), float(np.max(score))
    n = 10 * FINE_BINS
    if hi <= lo:
        return np.zeros(len(score), dtype=np.int64)
    return np.clip(((score - lo) / (hi - lo) * n).astype(np.int64), 0, n - 1)


def _proba_codes(ctx: AuditContext) -> np.ndarray:
    """True-label codes indexing the probability columns (which follow ``classes``).

    A label the model does not know has no probability column: probability metrics
    are then undefined, which the NaN per row carries through.
    """
    codes = ctx.y_true_code
    return np.where(codes < len(ctx.classes), codes, 0)


def _multiclass(ctx: AuditContext, n_bins: int) -> tuple[list[_Spec], Stats, np.ndarray, Callable]:
    k = len(ctx.labels)
    raw_score = ctx.y_score
    order = canonical_order(ctx.y_true_code, ctx.y_pred_code, *(() if raw_score is None else raw_score.T), ctx.weights)
    yt, yp = ctx.y_true_code[order], ctx.y_pred_code[order]
    unknown = yt >= len(ctx.classes)
    specs = [
        _Spec("accuracy", "Accuracy", True, "no rows", "Share of rows predicted correctly."),
        _Spec("balanced_accuracy", "Balanced accuracy", True, "no class has rows",
              "Mean recall over the classes present in y."),
    ]
    for avg in ("macro", "weighted"):
        what = "unweighted mean over classes" if avg == "macro" else "mean over classes weighted by their support"
        specs += [
            _Spec(f"precision_{avg}", f"Precision ({avg})", True,
                  "a class present in y is never predicted, so its precision is undefined", f"Precision, {what}."),
            _Spec(f"recall_{avg}", f"Recall ({avg})", True, "no class has rows", f"Recall, {what}."),
            _Spec(f"f1_{avg}", f"F1 score ({avg})", True, "no class has rows", f"F1 score, {what}."),
        ]
    specs.append(_Spec(
        "matthews_corrcoef", "Matthews correlation", True,
        "the model predicts one class only, or y holds one class (a correlation with a constant is undefined)",
        "Correlation between predictions and outcomes over all classes, from -1 to 1 (0 is chance).",
    ))
    score = None if raw_score is None else raw_score[order]
    ovr = []
    if score is not None and not unknown.any():
        ovr = [(c, yt == c, M.TieGroups(score[:, c])) for c in range(len(ctx.classes))]
        specs += [
            _Spec("roc_auc_ovr", "ROC AUC (one-vs-rest, macro)", True, "a class of the model does not occur in y",
                  "Mean over classes of the ROC AUC of that class against the rest."),
            _Spec("average_precision_macro", "Average precision (macro)", True,
                  "a class of the model does not occur in y", "Mean over classes of one-vs-rest average precision."),
        ]
    proba = ctx.predictions.proba
    if proba is not None:
        proba = proba[order]
        codes = _proba_codes(ctx)[order]
        ll = np.where(unknown, np.nan, M.log_loss_per_row(proba, codes))
        brier = np.where(unknown, np.nan, M.brier_per_row(proba, codes))
        conf = proba.max(axis=1)
        top_correct = (np.argmax(proba, axis=1) == yt)
        undefined = "y holds labels the model has no probability for" if unknown.any() else "no rows"
        specs += [
            _Spec("log_loss", "Log loss", False, undefined, "Average surprise of the predicted probabilities."),
            _Spec("brier_score", "Brier score", False, undefined,
                  "Mean squared distance between the probabilities and the one-hot outcome."),
            _Spec("expected_calibration_error", "Expected calibration error (top label)", False, "no rows",
                  f"Weighted mean gap between the top predicted probability and its accuracy over {n_bins} bins."),
        ]

    rows = {"yt": yt, "yp": yp}
    if proba is not None:
        rows.update(ll=ll, brier=brier, conf=conf, top=top_correct)

    def cells() -> tuple[CellTable, Callable]:
        return _multiclass_cells(rows, ctx.weights[order], k, n_bins)

    def stats(W: np.ndarray) -> dict[str, np.ndarray]:
        return _multiclass_stats(rows, k, n_bins, ovr, W)

    return specs, stats, order, cells


def _multiclass_stats(a: dict[str, np.ndarray], k: int, n_bins: int, ovr: list, W: np.ndarray) -> dict[str, np.ndarray]:
    """The multiclass statistics of units (rows or cells) with values ``a``;
    ``ovr`` (one-vs-rest rankings) only for rows."""
    yt, yp = a["yt"], a["yp"]
    correct = (yt == yp).astype(float)
    c = M.class_counts(W, yt, yp, k)
    true, pred, tp = c["true"], c["pred"], c["tp"]
    present = (true + pred) > 0
    in_y = true > 0
    precision = M.safe_divide(tp, pred)
    recall = M.safe_divide(tp, true)
    f1 = M.safe_divide(2 * tp, true + pred)
    total = W.sum(axis=1)
    out = {
        "accuracy": M.safe_divide(W @ correct, total),
        "balanced_accuracy": _masked_mean(recall, in_y),
        "matthews_corrcoef": M.matthews_corrcoef(true, pred, tp.sum(axis=1), total),
    }
    for name, values in (("precision", precision), ("recall", recall), ("f1", f1)):
        out[f"{name}_macro"] = _masked_mean(values, present)
        out[f"{name}_weighted"] = _support_weighted(values, true)
    if ovr:
        sums = [(pos, ties, M.rank_sums(W, pos, ties)) for _, pos, ties in ovr]
        aucs = np.column_stack([M.roc_auc(W, pos, ties, sums=s) for pos, ties, s in sums])
        aps = np.column_stack([M.average_precision(W, pos, ties, sums=s) for pos, ties, s in sums])
        out["roc_auc_ovr"] = aucs.mean(axis=1)
        out["average_precision_macro"] = aps.mean(axis=1)
    if "ll" in a:
        out["log_loss"] = M.weighted_mean(W, a["ll"])
        out["brier_score"] = M.weighted_mean(W, a["brier"])
        out["expected_calibration_error"] = M.expected_calibration_error(
            W, a["conf"], a["top"], M.calibration_bins(a["conf"], n_bins), n_bins)
    return out


def _multiclass_cells(rows: dict[str, np.ndarray], w: np.ndarray, k: int, n_bins: int) -> tuple[CellTable, Callable]:
    """Rows summed into (true, predicted, top-label correct, confidence bin) cells.

    One-vs-rest rankings need every class's score of every row, which no cell
    keeps: above the exact-bootstrap size their macro averages get no interval.
    Log loss and Brier score take their cell's mean: rows of a cell share their
    labels and their top probability to within 1e-4, not their other probabilities,
    so these two intervals are approximate (the report says so).
    """
    yt, yp = rows["yt"].astype(np.int64), rows["yp"].astype(np.int64)
    cell = yt * k + yp
    columns = {"w": w}
    if "ll" in rows:
        fine = _fine_bin(rows["conf"], n_bins)
        cell = (cell * 2 + rows["top"].astype(np.int64)) * (n_bins * FINE_BINS) + fine
        columns.update(wconf=w * rows["conf"], wll=w * np.nan_to_num(rows["ll"], nan=0.0),
                       wbrier=w * np.nan_to_num(rows["brier"], nan=0.0))
    table = CellTable.build(cell, columns)
    unknown = bool(np.isnan(rows["ll"]).any()) if "ll" in rows else False

    def units(sums: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        keys = table.keys
        if "wconf" in table.sums:
            pair, top = keys // (n_bins * FINE_BINS) // 2, (keys // (n_bins * FINE_BINS)) % 2
        else:
            pair, top = keys, None
        a = {"yt": pair // k, "yp": pair % k}
        if top is not None:
            wsum = table.sums["w"]
            a.update(conf=table.sums["wconf"] / wsum, top=top.astype(bool),
                     ll=np.full(len(keys), np.nan) if unknown else table.sums["wll"] / wsum,
                     brier=np.full(len(keys), np.nan) if unknown else table.sums["wbrier"] / wsum)
        return sums["w"], a

    return table, units




def _masked_mean(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over the masked classes; NaN if any of them is undefined (never
    silently dropped) or none is masked."""
    n = mask.sum(axis=1)
    bad = (np.isnan(values) & mask).any(axis=1)
    s = np.where(mask, np.nan_to_num(values), 0.0).sum(axis=1)
    return np.where(bad | (n == 0), np.nan, M.safe_divide(s, n))


def _support_weighted(values: np.ndarray, support: np.ndarray) -> np.ndarray:
    has = support > 0
    bad = (np.isnan(values) & has).any(axis=1)
    s = np.where(has, np.nan_to_num(values) * support, 0.0).sum(axis=1)
    return np.where(bad, np.nan, M.safe_divide(s, support.sum(axis=1)))


def _regression(ctx: AuditContext) -> tuple[list[_Spec], Stats, np.ndarray, Callable]:
    y0 = np.asarray(ctx.y_true, dtype=float)
    yhat0 = np.asarray(ctx.y_pred, dtype=float)
    order = canonical_order(yhat0, y0, ctx.weights)
    y, yhat = y0[order], yhat0[order]
    e = y - yhat
    abs_e = np.abs(e)
    w = ctx.weights[order]
    # centring on the weighted mean keeps the total sum of squares accurate for
    # targets with a large mean
    yc = y - np.average(y, weights=w)
    zero_target = bool((y == 0).any())
    specs = [
        _Spec("mean_absolute_error", "Mean absolute error", False, "no rows", "Average size of the errors, in target units."),
        _Spec("root_mean_squared_error", "Root mean squared error", False, "no rows",
              "Square root of the mean squared error; weighs large errors more."),
        _Spec("r2", "R²", True, "the target is constant, so there is no variance to explain",
              "Share of the target's variance the model explains (1 is perfect, 0 is the mean)."),
        _Spec("median_absolute_error", "Median absolute error", False, "no rows", "Typical error size, robust to outliers."),
        _Spec("mean_absolute_percentage_error", "Mean absolute percentage error", False,
              "some true values are 0, so the percentage error is undefined",
              "Average error relative to the true value (a fraction: 0.1 = 10%)."),
        _Spec("mean_prediction", "Mean prediction", None, "no rows", "Average predicted value."),
        _Spec("mean_target", "Mean target", None, "no rows", "Average true value."),
    ]
    ape = np.where(y == 0, np.nan, abs_e / np.where(y == 0, 1.0, np.abs(y)))

    def stats(W: np.ndarray) -> dict[str, np.ndarray]:
        total = W.sum(axis=1)
        sse = W @ (e**2)
        sst = W @ (yc**2) - M.safe_divide((W @ yc) ** 2, total)
        sst = np.where(np.isclose(sst, 0.0, atol=1e-12 * max(1.0, float(np.max(np.abs(yc))) ** 2)), 0.0, sst)
        return {
            "mean_absolute_error": M.safe_divide(W @ abs_e, total),
            "root_mean_squared_error": np.sqrt(M.safe_divide(sse, total)),
            "r2": 1.0 - M.safe_divide(sse, sst),
            "median_absolute_error": M.weighted_median(W, abs_e),
            "mean_absolute_percentage_error": (
                np.full(W.shape[0], np.nan) if zero_target else M.safe_divide(W @ ape, total)
            ),
            "mean_prediction": M.safe_divide(W @ yhat, total),
            "mean_target": M.safe_divide(W @ y, total),
        }

    def moments(n_resamples: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        return _regression_moments(w, abs_e, e, yc, yhat, y, None if zero_target else ape, n_resamples, rng)

    return specs, stats, order, moments


def _regression_moments(w, abs_e, e, yc, yhat, y, ape, n_resamples: int, rng: np.random.Generator) -> dict:
    """Regression metrics over resamples of their sums, for large data.

    Every regression metric but the median is a function of a few sums over rows.
    Under the Poisson bootstrap those sums have mean ``S = Σ x_i`` and covariance
    ``Σ x_i x_iᵀ``; with tens of thousands of rows they are normal to a very good
    approximation (the central limit theorem), so they are drawn as such: cost
    independent of the number of rows, and mergeable over partitions. The
    median absolute error gets no interval this way (a quantile is not a sum).
    """
    cols = [w, w * abs_e, w * e**2, w * yc, w * yc**2, w * yhat, w * y]
    if ape is not None:
        cols.append(w * ape)
    X = np.column_stack(cols)
    S = X.sum(axis=0)
    C = X.T @ X
    draws = rng.multivariate_normal(S, C, size=n_resamples, method="eigh")
    total, s_abs, sse, s_yc, s_yc2, s_hat, s_y = (draws[:, i] for i in range(7))
    sst = s_yc2 - M.safe_divide(s_yc**2, total)
    out = {
        "mean_absolute_error": M.safe_divide(s_abs, total),
        "root_mean_squared_error": np.sqrt(np.clip(M.safe_divide(sse, total), 0, None)),
        "r2": 1.0 - M.safe_divide(sse, sst),
        "mean_prediction": M.safe_divide(s_hat, total),
        "mean_target": M.safe_divide(s_y, total),
    }
    if ape is not None:
        out["mean_absolute_percentage_error"] = M.safe_divide(draws[:, 7], total)
    return out


def _confusion(ctx: AuditContext) -> ConfusionMatrix:
    k = len(ctx.labels)
    counts = np.zeros((k, k))
    np.add.at(counts, (ctx.y_true_code, ctx.y_pred_code), ctx.weights)
    return ConfusionMatrix(
        labels=tuple(str(c) for c in ctx.labels),
        counts=tuple(tuple(float(v) for v in row) for row in counts),
        weighted=ctx.sample_weight is not None,
    )


def _base_rates(ctx: AuditContext) -> dict[str, float]:
    w = ctx.weights
    shares = np.bincount(ctx.y_true_code, weights=w, minlength=len(ctx.labels)) / w.sum()
    return {str(c): float(s) for c, s in zip(ctx.labels, shares)}


def _thin(n: int, max_points: int) -> np.ndarray:
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def _roc_curves(ctx: AuditContext, max_points: int, metrics: dict[str, Metric]) -> tuple[RocCurve, ...]:
    from sklearn.metrics import roc_curve

    score = ctx.y_score
    if score is None:
        return ()
    sw = ctx.sample_weight
    curves = []
    if ctx.task == "binary":
        targets = [(str(ctx.pos_label), ctx.y_true_pos, score, metrics["roc_auc"].estimate.value)]
    else:
        if "roc_auc_ovr" not in metrics:
            return ()
        targets = [(str(c), ctx.y_true_code == i, score[:, i], None) for i, c in enumerate(ctx.classes)]
    for label, truth, s, auc in targets:
        if truth.all() or not truth.any():
            continue
        fpr, tpr, _ = roc_curve(truth, s, sample_weight=sw)
        keep = _thin(len(fpr), max_points)
        if auc is None:
            auc = float(M.roc_auc(ctx.weights[None, :], truth, M.TieGroups(s))[0])
        curves.append(RocCurve(label=label, fpr=tuple(map(float, fpr[keep])), tpr=tuple(map(float, tpr[keep])), auc=auc))
    return tuple(curves)


def _calibration(ctx: AuditContext, n_bins: int, ece: Estimate) -> CalibrationCurve:
    proba = ctx.predictions.proba
    w = ctx.weights
    if ctx.task == "binary":
        conf = proba[:, ctx.pos_index]
        hit = ctx.y_true_pos.astype(float)
        label = f"P({ctx.pos_label})"
    else:
        conf = proba.max(axis=1)
        hit = (np.argmax(proba, axis=1) == ctx.y_true_code).astype(float)
        label = "top-label confidence"
    # summed in a content-defined order, so the same rows in another order give
    # the same floating-point sums
    order = canonical_order(conf, hit, w)
    conf, hit, w = conf[order], hit[order], w[order]
    bins = M.calibration_bins(conf, n_bins)
    total = np.bincount(bins, weights=w, minlength=n_bins)
    sums = np.bincount(bins, weights=w * conf, minlength=n_bins)
    hits = np.bincount(bins, weights=w * hit, minlength=n_bins)
    nz = total > 0
    return CalibrationCurve(
        label=label,
        bin_edges=tuple(float(x) for x in np.linspace(0, 1, n_bins + 1)),
        mean_predicted=tuple(float(x) for x in sums[nz] / total[nz]),
        fraction_positive=tuple(float(x) for x in hits[nz] / total[nz]),
        bin_weight=tuple(float(x) for x in total[nz]),
        expected_calibration_error=ece,
    )


def _residuals(ctx: AuditContext, max_points: int) -> ResidualSummary:
    y = np.asarray(ctx.y_true, dtype=float)
    yhat = np.asarray(ctx.y_pred, dtype=float)
    # the sample is drawn over rows in a content-defined order: the same rows in
    # another order give the same figure
    order = canonical_order(yhat, y, ctx.weights)
    y, yhat, w = y[order], yhat[order], ctx.weights[order]
    resid = y - yhat
    n = len(y)
    if n > max_points:
        idx = np.sort(ctx.rng("performance.residual_sample").choice(n, size=max_points, replace=False))
    else:
        idx = np.arange(n)
    counts, edges = np.histogram(resid, bins=30, weights=w)
    return ResidualSummary(
        sample_y_pred=tuple(float(v) for v in yhat[idx]),
        sample_residual=tuple(float(v) for v in resid[idx]),
        histogram_edges=tuple(float(v) for v in edges),
        histogram_counts=tuple(float(v) for v in counts),
        n_rows=n,
    )


def _large_bootstrap(ctx: AuditContext, large: Callable, n_boot: int, cost, n_bins: int,
                     limit: int) -> tuple[dict, str]:
    """Replicates for data above the exact-bootstrap size, and how they were made."""
    rng = ctx.rng("performance.bootstrap.cells")
    tick = ctx.ticker("bootstrap resamples (cells)", n_boot)
    why = f"{ctx.n_rows:,} rows, more than the {limit:,} resampled row by row"
    if ctx.task == "regression":
        reps = large(n_boot, rng)
        tick(n_boot)
        return reps, f"normal approximation of the Poisson bootstrap of the metrics' sums, {n_boot:,} draws ({why})"
    table, units = large()
    out: dict[str, list[np.ndarray]] = {}
    for sums in resample_cells(table, n_boot, rng):
        W, a = units(sums)
        if ctx.task == "binary":
            values = _binary_stats(a, n_bins, "ll" in a)(W)
        else:
            values = _multiclass_stats(a, len(ctx.labels), n_bins, [], W)
        if cost is not None:
            values["expected_cost_per_1000"] = 1000.0 * M.safe_divide(W @ cost.unit_cost(a, ctx), W.sum(axis=1))
        for k, v in values.items():
            out.setdefault(k, []).append(np.asarray(v, dtype=float))
        tick(len(W))
    reps = {k: np.concatenate(v) for k, v in out.items()}
    if cost is not None:
        reps.update(cost.group_replicates(n_boot, ctx.rng("performance.bootstrap.cost_groups")))
    return reps, (f"percentile Poisson bootstrap, {n_boot:,} resamples of {len(table.keys):,} cells of rows that share "
                  f"their labels and score to within 1e-4 ({why})")


def _pr_curves(ctx: AuditContext, max_points: int, metrics: dict[str, Metric]) -> tuple[PrecisionRecallCurve, ...]:
    from sklearn.metrics import precision_recall_curve

    score = ctx.y_score
    if ctx.task != "binary" or score is None or not ctx.y_true_pos.any() or ctx.y_true_pos.all():
        return ()
    precision, recall, _ = precision_recall_curve(ctx.y_true_pos, score, sample_weight=ctx.sample_weight)
    keep = _thin(len(precision), max_points)
    w = ctx.weights
    return (PrecisionRecallCurve(
        label=str(ctx.pos_label),
        precision=tuple(map(float, precision[keep])),
        recall=tuple(map(float, recall[keep])),
        average_precision=metrics["average_precision"].estimate.value if "average_precision" in metrics else None,
        base_rate=float(w[ctx.y_true_pos].sum() / w.sum()),
    ),)


class _CostStats:
    """The cost statistics added to the section's bootstrap: overall and per group
    of each sensitive feature, from the same resamples as every other metric."""

    spec = _Spec("expected_cost_per_1000", "Expected cost per 1,000 decisions", False, "no rows",
                 "The stated cost of each kind of decision, averaged over the audited rows, times 1,000.")

    def __init__(self, ctx: AuditContext, costs: dict, order: np.ndarray, max_groups: int) -> None:
        self.labels = tuple(str(c) for c in ctx.labels)
        self.C = cost_matrix(costs, self.labels, ctx.task, ctx.pos_index)
        self.row_cost = self.C[ctx.y_true_code, ctx.y_pred_code][order]
        self.cells = (ctx.y_true_code * len(self.labels) + ctx.y_pred_code)[order].astype(np.int64)
        self.w = ctx.weights[order]
        self.groups: list[tuple[str, str, np.ndarray]] = []
        for col in ctx.sensitive_features.columns:
            values = ctx.sensitive_features[col].astype(str).to_numpy()[order]
            labels = sorted(set(values))
            if len(labels) > max_groups:
                continue
            self.groups += [(str(col), lab, (values == lab).astype(float)) for lab in labels]

    def wrap(self, stats: Stats) -> Stats:
        def with_costs(W: np.ndarray) -> dict[str, np.ndarray]:
            out = stats(W)
            total = W.sum(axis=1)
            out["expected_cost_per_1000"] = 1000.0 * M.safe_divide(W @ self.row_cost, total)
            for j, (_, _, mask) in enumerate(self.groups):
                out[f"cost_group|{j}"] = 1000.0 * M.safe_divide(W @ (self.row_cost * mask), W @ mask)
            return out

        return with_costs

    def unit_cost(self, a: dict[str, np.ndarray], ctx: AuditContext) -> np.ndarray:
        """The cost of each cell of the cell bootstrap (cells keep both labels)."""
        if ctx.task == "binary":
            pos, neg = ctx.pos_index, 1 - ctx.pos_index
            t = np.where(a["t"], pos, neg)
            p = np.where(a["p"], pos, neg)
            return self.C[t, p]
        return self.C[a["yt"], a["yp"]]

    def group_replicates(self, n_resamples: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Each group's cost per 1,000 over resamples of its (true, predicted) cells."""
        out = {}
        for j, (_, _, mask) in enumerate(self.groups):
            inside = mask > 0
            table = CellTable.build(self.cells[inside], {"w": self.w[inside], "cost": self.w[inside] * self.row_cost[inside]})
            draws = list(resample_cells(table, n_resamples, rng))
            if not draws:
                continue
            w = np.concatenate([d["w"] for d in draws])
            c = np.concatenate([d["cost"] for d in draws])
            out[f"cost_group|{j}"] = 1000.0 * M.safe_divide(c.sum(axis=1), w.sum(axis=1))
        return out

    def result(self, ctx: AuditContext, point: dict, reps: dict, level: float, overall: Estimate,
               max_points: int) -> DecisionCosts:
        by_group = tuple(
            GroupCost(grouping=g, group=lab, count=int(mask.sum()),
                      cost_per_1000=_estimate(point[f"cost_group|{j}"], reps.get(f"cost_group|{j}"), level,
                                              f"group {lab} has no rows"))
            for j, (g, lab, mask) in enumerate(self.groups)
        )
        matrix = {t: {p: float(self.C[i, j]) for j, p in enumerate(self.labels)} for i, t in enumerate(self.labels)}
        extra: dict[str, Any] = {}
        score = ctx.y_score
        if ctx.task == "binary" and score is not None:
            thresholds, curve = threshold_costs(score, ctx.y_true_pos, ctx.weights, self.C, ctx.pos_index)
            best = int(np.argmin(curve))
            keep = _thin(len(curve) - 1, max_points) + 1  # +inf (nothing positive) cannot be drawn
            extra = dict(
                current_threshold=current_threshold(score, ctx.y_pred_pos),
                best_threshold=None if not np.isfinite(thresholds[best]) else float(thresholds[best]),
                best_cost_per_1000=float(curve[best]),
                thresholds=tuple(float(x) for x in thresholds[keep]),
                curve=tuple(float(x) for x in curve[keep]),
                score_label=f"P({ctx.pos_label})" if ctx.score_kind == "probability" else "decision score",
            )
        return DecisionCosts(matrix=matrix, cost_per_1000=overall, by_group=by_group, **extra)
