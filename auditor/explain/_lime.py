"""LIME on raw columns, reproducible row by row.

The explainer is :class:`lime.lime_tabular.LimeTabularExplainer` over the raw
model inputs encoded by :class:`~auditor.explain._codec.RawCodec` (categorical
columns as codes with their category names; numeric columns discretised into
quartiles). Its prediction function decodes LIME's samples back to a frame with
the original dtypes and calls the user's whole model.

Reproducibility: LIME draws every random number (the categorical and quartile
samples, the truncated-normal values inside a quartile) from the one
``RandomState`` shared by the explainer, its discretizer and its ``LimeBase``
(``lime_tabular.py``: ``self.random_state`` passed to both). Before each row that
state is replaced by a fresh ``RandomState`` seeded from ``(random_state, row
position)``, so a row's explanation is the same whichever rows are explained with
it and in whatever order. The local model (ridge regression) is deterministic.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from auditor.context import AuditContext, SkipSection
from auditor.explain._codec import RawCodec
from auditor.explain._rows import SelectedRow, row_label
from auditor.results import LimeRow, LimeTerm

__all__ = ["LimeSetup", "make_lime", "explain_rows"]


@dataclass
class LimeSetup:
    explainer: Any
    codec: RawCodec
    data: np.ndarray
    mode: str
    output_space: str
    predict_fn: Any
    kernel_width: float


def make_lime(ctx: AuditContext, *, discretizer: str = "quartile", kernel_width: float | None = None) -> LimeSetup:
    """Build the explainer on the audited rows (LIME's sampling distribution is
    learnt from them: the training data is not part of an audit)."""
    from lime.lime_tabular import LimeTabularExplainer

    model = ctx.model
    if ctx.task == "multiclass" and model.response_method != "predict_proba":
        raise SkipSection(
            f"LIME explains one output at a time; {model.name} gives no probabilities, only one decision score per class"
        )
    frame = ctx.X[list(model.feature_names)]
    codec = RawCodec.fit(frame)
    data = codec.encode(frame)
    if ctx.is_classification and model.response_method == "predict_proba":
        mode, space = "classification", "probability"
    else:
        mode = "regression"
        space = "raw" if ctx.task == "regression" else "margin"
    predict_fn = _Predict(ctx, codec, mode)
    # LIME's own default, made explicit so the result can state it
    width = float(kernel_width) if kernel_width is not None else 0.75 * float(np.sqrt(data.shape[1]))
    explainer = LimeTabularExplainer(
        data,
        mode=mode,
        feature_names=list(codec.columns),
        categorical_features=list(codec.categorical),
        categorical_names=codec.category_names(),
        class_names=[_plain(c) for c in ctx.classes] if mode == "classification" else None,
        discretize_continuous=True,
        discretizer=discretizer,
        kernel_width=width,
        random_state=np.random.RandomState(ctx.seed("lime.init")),
    )
    return LimeSetup(explainer, codec, data, mode, space, predict_fn, width)


class _Predict:
    """LIME's ``predict_fn``: decode the samples, call the whole model."""

    def __init__(self, ctx: AuditContext, codec: RawCodec, mode: str) -> None:
        self.model, self.codec, self.mode = ctx.model, codec, mode
        self.task, self.pos_index = ctx.task, ctx.model.pos_index

    def __call__(self, Z: np.ndarray) -> np.ndarray:
        X = self.model.model_input(self.codec.decode(Z))
        if self.mode == "classification":
            return self.model.predict_proba(X)
        if self.task == "regression":
            return np.asarray(self.model.predict(X), dtype=float)
        d = self.model.decision_function(X)
        if d.ndim == 1:  # binary margin of classes_[1]: orient to the positive class
            return d if self.pos_index == 1 else -d
        return d


def explain_rows(ctx: AuditContext, setup: LimeSetup, rows: list[SelectedRow], *, num_samples: int,
                 num_features: int | None) -> list[LimeRow]:
    """One :class:`LimeRow` per selected row (see the module docstring on seeding)."""
    ex = setup.explainer
    p = len(setup.codec.columns)
    k = p if num_features is None else min(p, num_features)
    out = []
    tick = ctx.ticker("LIME rows", len(rows))
    for r in rows:
        label = _label_index(ctx, setup, r.position)
        rs = np.random.RandomState(ctx.seed(f"lime.row.{r.position}"))
        ex.random_state = rs
        ex.base.random_state = rs
        if ex.discretizer is not None:
            ex.discretizer.random_state = rs
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exp = ex.explain_instance(
                setup.data[r.position], setup.predict_fn, labels=(label,), num_features=k, num_samples=num_samples
            )
        key = label if setup.mode == "classification" else 1  # LIME stores regression weights under 1
        pairs = exp.local_exp[key]
        terms = exp.as_list(label=key)
        if setup.mode == "classification":
            low, high = 0.0, 1.0  # a probability
        else:  # the model's outputs over LIME's own samples
            low, high = _finite(getattr(exp, "min_value", None)), _finite(getattr(exp, "max_value", None))
        out.append(LimeRow(
            row=row_label(ctx, r.position),
            position=r.position,
            reason=r.reason,
            output=_output_name(ctx, setup, label),
            true_label=_plain(ctx.y_true[r.position]),
            predicted_label=_plain(ctx.y_pred[r.position]),
            model_value=float(_model_value(ctx, setup, r.position, label)),
            local_value=_first(getattr(exp, "local_pred", None)),
            intercept=float(exp.intercept[key]),
            score=_finite(getattr(exp, "score", None)),
            terms=tuple(
                LimeTerm(setup.codec.columns[j], str(term), float(w)) for (j, w), (term, _) in zip(pairs, terms)
            ),
            output_low=low,
            output_high=high,
        ))
        tick(1)
    return out


def _label_index(ctx: AuditContext, setup: LimeSetup, position: int) -> int:
    """Which output LIME explains: the positive class (binary), the predicted
    class (multiclass), the only one (regression)."""
    if setup.mode != "classification":
        return 0
    if ctx.task == "binary":
        return int(ctx.model.pos_index)
    return int(ctx.y_pred_code[position])


def _output_name(ctx: AuditContext, setup: LimeSetup, label: int) -> str:
    if ctx.task == "regression":
        return "prediction"
    if setup.mode == "classification":
        return _plain(ctx.classes[label])
    return _plain(ctx.pos_label) if ctx.task == "binary" else "decision score"


def _model_value(ctx: AuditContext, setup: LimeSetup, position: int, label: int) -> float:
    p = ctx.predictions
    if setup.mode == "classification":
        return p.proba[position, label]
    if ctx.task == "regression":
        return float(ctx.y_pred[position])
    # a binary model with decision scores only: the score of the positive class
    return float(setup.predict_fn(setup.data[[position]])[0])


def _plain(v: Any) -> str:
    return str(v.item() if hasattr(v, "item") else v)


def _first(x) -> float | None:
    if x is None:
        return None
    return _finite(np.asarray(x, dtype=float).ravel()[0])


def _finite(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None
