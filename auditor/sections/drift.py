"""Drift: what changed between the reference data and the audited rows, whether it
matters to the model, and for whom."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from auditor.context import AuditContext, SkipSection
from auditor.drift import (
    column_kinds,
    domain_classifier,
    estimate_performance,
    label_drift,
    performance_shift,
    prediction_drift,
)
from auditor.drift.domain import RowSource
from auditor.drift.effects import PSI_EPSILON
from auditor.drift.features import adjust, compare_series
from auditor.drift.groups import assemble_groups, compare_in_groups, plan_groups
from auditor.policy import drift_findings
from auditor.results import DriftImportance, DriftResult, FeatureHistogram
from auditor.sections._base import Section
from auditor.sections._groups import positive_labels, sensitive_groups

__all__ = ["DriftSection", "MIN_RESAMPLES"]

#: Fewest bootstrap resamples the cap on large data leaves (percentile intervals
#: from fewer are too coarse to report).
MIN_RESAMPLES = 100


@dataclass(frozen=True)
class DriftSection(Section):
    """Compare the audited rows with the reference data (``Auditor(X_reference=...)``).

    Per feature the model takes: KS (numbers) or chi-squared (categories) with
    Benjamini-Hochberg adjusted p-values, and effect sizes that do not grow with
    the number of rows (PSI, normalised Wasserstein, Jensen-Shannon), beside how
    much the model relies on the feature (mean |SHAP| from the SHAP section, else
    permutation importance). Then a domain classifier (multivariate drift), the
    drift of the model's scores and of the labels, drift within each sensitive
    group, and the performance on both sides with the interval of the difference;
    without current labels, the performance the labels are expected to show
    (CBPE, binary classification). Which changes count as drift is the policy's
    call (:class:`~auditor.results.DriftPolicy`).

    Rows are compared unweighted: the question is whether the rows the model sees
    look like the rows it was built on.

    Parameters
    ----------
    bins : dict of str to int or list of float, default={}
        Cuts for numeric sensitive features (see
        :class:`~auditor.sections.DataQualitySection`).
    categorical_features : tuple of str, default=()
        Numeric model inputs that are codes, compared as categories.
    n_bins : int, default=10
        Reference quantile bins of a numeric PSI.
    ks_method : {"auto", "exact", "asymp"}, default="auto"
        KS p-value method; ``"auto"`` is scipy's rule (exact up to 10,000 rows a side).
    domain_classifier : bool, default=True
        Train the domain classifier (a few seconds).
    max_domain_rows : int, default=10_000
        Rows drawn from each side for the domain classifier.
    domain_splits : int, default=5
        Cross-validation folds of the domain classifier.
    domain_repeats : int, default=2
        Shuffles per feature and fold for the domain classifier's importances.
    min_group_rows : int, default=100
        Rows a sensitive group needs on each side to be compared.
    n_resamples : int, default=500
        Bootstrap resamples behind the performance intervals (each side
        resampled independently) and the label-free estimate.
    max_resample_rows : int, default=50_000_000
        Cap on resamples times rows: on larger data the resamples are reduced to
        fit (never below 100), and the report says so.
    n_histogram_bins : int, default=20
        Equal-width bins of the reference-against-current histograms.
    """

    name = "drift"
    # per column, over every row (one column pulled at a time under the Dask
    # engine); the domain classifier pulls only the rows it draws
    distributed = True
    reads_model_inputs = False
    title = "Drift against the reference data"
    topic = "drift against the reference data"
    result_type = DriftResult
    # "drift that matters" reads the explanation sections' importances
    after = ("importance", "shap")
    findings = drift_findings
    view = "auditor.render.views.drift:build"
    template = "sections/drift.html.j2"

    bins: Mapping[str, int | Sequence[float]] = field(default_factory=dict)
    categorical_features: tuple[str, ...] = ()
    n_bins: int = 10
    ks_method: Literal["auto", "exact", "asymp"] = "auto"
    domain_classifier: bool = True
    max_domain_rows: int = 10_000
    domain_splits: int = 5
    domain_repeats: int = 2
    min_group_rows: int = 100
    n_resamples: int = 500
    max_resample_rows: int = 50_000_000
    n_histogram_bins: int = 20

    def __post_init__(self) -> None:
        for name, low in (("n_bins", 2), ("max_domain_rows", 10), ("domain_splits", 2), ("domain_repeats", 0),
                          ("min_group_rows", 1), ("n_resamples", 0), ("max_resample_rows", 1), ("n_histogram_bins", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"Expected {name} to be an int of at least {low}. Got {value!r} instead.")
        if self.ks_method not in ("auto", "exact", "asymp"):
            raise ValueError(f"Expected ks_method 'auto', 'exact' or 'asymp'. Got {self.ks_method!r} instead.")
        object.__setattr__(self, "categorical_features", tuple(self.categorical_features))

    def resamples(self, n_rows: int) -> int:
        """Bootstrap resamples used for ``n_rows`` rows (both sides together)."""
        if n_rows * self.n_resamples <= self.max_resample_rows:
            return self.n_resamples
        return min(self.n_resamples, max(MIN_RESAMPLES, self.max_resample_rows // max(n_rows, 1)))

    def compute(self, ctx: AuditContext) -> DriftResult:
        ref = ctx.reference
        if ref is None:
            raise SkipSection(
                "no reference data was given: pass X_reference (for example the training data) to compare the "
                "audited rows with it"
            )
        X, X_ref = ctx.X, ref.X
        cols = list(ctx.model.feature_names) if ctx.model is not None else [c for c in X.columns if c in X_ref.columns]
        unknown = [c for c in self.categorical_features if c not in cols]
        if unknown:
            raise KeyError(f"categorical_features names column(s) {unknown} that the model does not take. Expected some of {cols[:20]}.")
        categorical = list(self.categorical_features)
        level = ctx.confidence_level
        X_ref = X_ref if list(X_ref.columns) == cols else X_ref[cols]
        groups = sensitive_groups(ctx, self.bins, type(self).__name__)
        plan = None
        if groups.current is not None and groups.reference is not None:
            plan = plan_groups(groups.current, groups.reference, min_rows=self.min_group_rows)
        # column by column, every statistic of a column while it is at hand: under
        # the Dask engine each column is pulled from the workers once, never the frame
        entries, kinds, histograms, in_groups = [], {}, [], {}
        for c in cols:
            current, reference = ctx.column(c), X_ref[c]
            kinds[c] = column_kinds(current.to_frame(c), reference.to_frame(c),
                                    categorical_features=[c] if c in categorical else None)[c]
            entries.append(compare_series(reference, current, kind=kinds[c], name=c, ks_method=self.ks_method,
                                          n_bins=self.n_bins))
            if kinds[c] == "numeric":
                histograms.append(_histogram(c, current, reference, self.n_histogram_bins))
            if plan is not None:
                in_groups[c] = compare_in_groups(plan, reference, current, kind=kinds[c], name=c,
                                                 ks_method=self.ks_method, n_bins=self.n_bins)
            del current
        importance, source, label, importance_reason = _importance(ctx, cols)
        notes = []
        if ctx.sample_weight is not None:
            notes.append("The audit has sample weights; the drift comparisons count rows unweighted.")
        out = dict(
            n_reference=ref.n_rows, n_current=ctx.n_rows, features=adjust(entries), ks_method=self.ks_method,
            n_bins=self.n_bins, psi_epsilon=PSI_EPSILON, confidence_level=level, has_labels=ctx.has_labels,
            importance=importance, importance_source=source, importance_label=label,
            importance_reason=importance_reason, min_group_rows=self.min_group_rows, histograms=tuple(histograms),
        )
        out.update(self._domain(ctx, cols, X_ref, categorical, kinds, level))
        out.update(_outputs(ctx))
        if groups.current is None:
            out["groups_reason"] = groups.reason
        elif groups.reference is None:
            out.update(groups_reason=groups.reference_reason, bins=groups.bins or None)
        else:
            out.update(groups=assemble_groups(plan, in_groups, cols), groups_reason="; ".join(groups.left_out) or None,
                       bins=groups.bins or None)
        out.update(self._performance(ctx, level, notes))
        return DriftResult(**out, notes=tuple(notes))

    # -- parts --------------------------------------------------------------------------
    def _domain(self, ctx, cols, X_ref, categorical, kinds, level) -> dict:
        if not self.domain_classifier:
            return {"domain_reason": "turned off (DriftSection(domain_classifier=False))"}
        # the classifier draws its rows by content hash: only those rows are read
        current = RowSource(ctx.n_rows, lambda: ctx.row_hash(cols), lambda positions: ctx.take_rows(positions)[cols])
        result = domain_classifier(
            current, X_ref, random_state=ctx.seed("drift.domain"), features=cols, categorical_features=categorical,
            kinds=kinds, max_rows_per_side=self.max_domain_rows, n_splits=self.domain_splits,
            n_repeats=self.domain_repeats, confidence_level=level,
        )
        return {"domain": result}

    def _performance(self, ctx: AuditContext, level: float, notes: list[str]) -> dict:
        ref = ctx.reference
        preds = ctx.reference_predictions
        if preds is None:
            why = "needs the model's predictions on the reference rows; this audit was built from predictions only"
            return {"performance_reason": why, "estimated_reason": why}
        if not ref.has_labels:
            why = "needs the reference rows' true outcomes (y_reference)"
            return {"performance_reason": why, "estimated_reason": why}
        rows = ref.n_rows + ctx.n_rows
        n_resamples = self.resamples(rows)
        capped = n_resamples < self.n_resamples
        if capped:
            notes.append(
                f"Bootstrap resamples reduced from {self.n_resamples:,} to {n_resamples:,} because the two sides hold "
                f"{rows:,} rows (cap: {self.max_resample_rows:,} resampled rows); at this size the intervals are "
                "narrow, and the ROC AUC's are DeLong's instead of the bootstrap's."
            )
        if ctx.has_labels:
            return {"performance": self._shift(ctx, preds, n_resamples, level, delong=capped),
                    "estimated_reason": "the audited rows have labels: the realised performance is shown instead"}
        out = {"performance_reason": "the audited rows have no labels yet: the performance is estimated instead"}
        score, score_ref = ctx.y_score, ctx.score_of(preds)
        if ctx.task != "binary":
            out["estimated_reason"] = "estimating the performance without labels (CBPE) exists for binary classification only"
        elif score is None or score_ref is None:
            out["estimated_reason"] = "estimating the performance without labels needs the model's scores"
        else:
            y_ref = positive_labels(ctx, ref.y_true)
            pred = ctx.y_pred_pos.astype(np.int64)
            out["estimated"] = tuple(
                estimate_performance(score, y_ref, score_ref, metric=metric, y_pred=pred if metric == "accuracy" else None,
                                     pos_label=1, n_resamples=n_resamples, confidence_level=level,
                                     random_state=ctx.rng(f"drift.cbpe.{metric}"))
                for metric in ("roc_auc", "accuracy")
            )
            notes.append(
                "The label-free estimate (CBPE) calibrates the model's scores on the reference rows and assumes the "
                "relation of score to outcome has not changed; it is optimistic when the reference rows were used "
                "to train the model (their scores are over-confident)."
            )
        return out

    def _shift(self, ctx: AuditContext, preds, n_resamples: int, level: float, *, delong: bool = False) -> tuple:
        ref = ctx.reference
        out = []
        if ctx.task == "regression":
            return (performance_shift(np.asarray(ctx.y_true, dtype=float), np.asarray(ctx.y_pred, dtype=float),
                                      np.asarray(ref.y_true, dtype=float), np.asarray(preds.y_pred, dtype=float),
                                      metric="mae", n_resamples=n_resamples, confidence_level=level,
                                      random_state=ctx.rng("drift.performance.mae")),)
        score, score_ref = ctx.y_score, ctx.score_of(preds)
        if ctx.task == "binary" and score is not None:
            out.append(performance_shift(
                ctx.y_true_pos.astype(np.int64), score, positive_labels(ctx, ref.y_true), score_ref, metric="roc_auc",
                pos_label=1, n_resamples=n_resamples, confidence_level=level,
                random_state=ctx.rng("drift.performance.roc_auc"), interval="delong" if delong else "bootstrap"))
        true_ref, labels = ctx.encode(ref.y_true, "y_reference")
        pred_ref, _ = ctx.encode(preds.y_pred, "the model's predictions on the reference")
        # one label list for both sides: a label only the reference has gets a new code
        out.append(performance_shift(
            ctx.y_true_code, ctx.y_pred_code, true_ref, pred_ref, metric="accuracy", n_resamples=n_resamples,
            confidence_level=level, random_state=ctx.rng("drift.performance.accuracy")))
        return tuple(out)


def _importance(ctx: AuditContext, cols: list[str]):
    """(entries, source, label, reason): the model's reliance on each compared feature."""
    shap = ctx.result("shap")
    if shap is not None:
        values: dict[str, float] = {}
        for f in shap.features:
            defined = [e.value for e in f.mean_abs if e.value is not None]
            if not defined:
                continue
            # a joint group ("a + b") cannot be split: each member is credited with it
            for member in f.feature.split(" + "):
                values[member] = max(values.get(member, 0.0), float(np.mean(defined)))
        label = f"mean |SHAP| in {shap.output_space}"
        return _ranked(values, cols), "shap", label, None
    imp = ctx.result("importance")
    if imp is not None:
        values = {f.feature: f.estimate.value for f in imp.permutation.features if f.estimate.value is not None}
        label = f"permutation importance (drop in {imp.permutation.scoring_label})"
        return _ranked(values, cols), "importance", label, None
    reason = (
        "the importance and SHAP sections did not run in this audit, so drift cannot be weighed by how much the "
        "model relies on each feature"
    )
    return (), None, "", reason


def _ranked(values: dict[str, float], cols: list[str]) -> tuple[DriftImportance, ...]:
    known = [c for c in cols if c in values]
    total = sum(max(values[c], 0.0) for c in known)
    order = sorted(known, key=lambda c: (-values[c], c))
    return tuple(
        DriftImportance(feature=c, value=float(values[c]), share=float(max(values[c], 0.0) / total) if total > 0 else 0.0,
                        rank=i + 1)
        for i, c in enumerate(order)
    )


def _outputs(ctx: AuditContext) -> dict:
    """Drift of the model's outputs and of the labels."""
    ref = ctx.reference
    preds = ctx.reference_predictions
    out: dict = {}
    if preds is None:
        out["prediction_reason"] = "needs the model's predictions on the reference rows; this audit was built from predictions only"
    elif ctx.task == "regression":
        entries = prediction_drift(np.asarray(ctx.y_pred, dtype=float), np.asarray(preds.y_pred, dtype=float))
        out["prediction"] = tuple(dataclasses.replace(e, feature="prediction") for e in entries)
    elif ctx.y_score is not None:
        score, score_ref = ctx.y_score, ctx.score_of(preds)
        names = None if score.ndim == 1 else [str(c) for c in ctx.classes]
        out["prediction"] = prediction_drift(score, score_ref, class_names=names)
    else:
        names, cur, other = _label_names(ctx, ctx.y_pred_code, preds.y_pred, "the model's predictions on the reference")
        entry = label_drift(cur, other, kind="categorical")
        out["prediction"] = (dataclasses.replace(entry, feature="predicted label"),)
    if not ctx.has_labels or not ref.has_labels:
        side = "the audited rows" if not ctx.has_labels else "the reference rows"
        out["label_reason"] = f"needs the true outcomes of both sides; {side} have none"
    elif ctx.task == "regression":
        out["label"] = label_drift(np.asarray(ctx.y_true, dtype=float), np.asarray(ref.y_true, dtype=float), kind="numeric")
    else:
        _, cur, other = _label_names(ctx, ctx.y_true_code, ref.y_true, "y_reference")
        out["label"] = label_drift(cur, other, kind="categorical")
    return out


def _label_names(ctx: AuditContext, codes: np.ndarray, reference_values: np.ndarray, what: str):
    """Both sides' labels as the same strings (1 and 1.0 are one class)."""
    ref_codes, labels = ctx.encode(reference_values, what)
    names = np.array([str(v.item() if hasattr(v, "item") else v) for v in labels], dtype=object)
    return names, names[codes], names[ref_codes]


def _histogram(name: str, current: pd.Series, reference: pd.Series, n_bins: int) -> FeatureHistogram:
    cur = current.astype("float64").to_numpy(dtype=float, na_value=np.nan)
    ref = reference.astype("float64").to_numpy(dtype=float, na_value=np.nan)
    cur, ref = cur[~np.isnan(cur)], ref[~np.isnan(ref)]
    pooled = np.concatenate([ref, cur])
    if len(pooled) == 0:
        return FeatureHistogram(name, (), (), (), 0, 0)
    lo, hi = float(pooled.min()), float(pooled.max())
    integers = bool(np.all(pooled == np.round(pooled)))
    if integers and hi - lo <= 40:
        # one bar per value reads better than arbitrary cuts for small counts (education levels)
        edges = np.arange(lo - 0.5, hi + 1.5)
    else:
        lo, hi = (float(v) for v in np.quantile(pooled, [0.005, 0.995]))
        if hi <= lo:
            lo, hi = float(pooled.min()), float(pooled.max())
        edges = np.linspace(lo, hi, n_bins + 1) if hi > lo else np.array([lo - 0.5, lo + 0.5])

    def counts(v: np.ndarray) -> tuple[tuple[int, ...], int]:
        clipped = int(((v < edges[0]) | (v > edges[-1])).sum())
        c, _ = np.histogram(np.clip(v, edges[0], edges[-1]), bins=edges)
        return tuple(int(x) for x in c), clipped

    c_ref, k_ref = counts(ref)
    c_cur, k_cur = counts(cur)
    return FeatureHistogram(feature=name, edges=tuple(float(e) for e in edges), counts_reference=c_ref,
                            counts_current=c_cur, n_clipped_reference=k_ref, n_clipped_current=k_cur)
