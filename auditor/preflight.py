"""Pre-flight: try the model on a few audited rows before the audit starts.

Validation (:mod:`auditor.data`) checks the inputs on their own; this module
checks them *against the model*, and the model against the contract every section
relies on, on a small slice so it costs a few model calls:

- every column the model takes holds values it can use: a trial prediction with
  the column's missing values, infinities or non-numeric text in a column of
  numbers either succeeds (infinity then becomes a recorded warning) or the audit
  stops with one error naming every such column and a few row labels;
- a regression target is finite;
- ``predict_proba`` returns probabilities (each in [0, 1], rows summing to 1,
  within :data:`PROBA_TOLERANCE`);
- ``predict`` gives the same answer twice;
- the model leaves the data it is given unchanged;
- the task is plausible for the target (a regressor on a 0/1 target);
- warnings the model raises when called are recorded instead of going to stderr.

Errors are :class:`~auditor.errors.AuditInputError`; everything else comes back as
warning sentences for the result.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from auditor._private import private_copy
from auditor.data import AuditData
from auditor.errors import AuditInputError
from auditor.model import ModelAdapter

__all__ = [
    "PROBA_TOLERANCE",
    "TRIAL_ROWS",
    "preflight",
    "check_target",
    "check_probabilities",
    "record_warnings",
]

#: Rows of X a trial prediction uses: enough that a random model shows it, few
#: enough that the checks cost a fraction of one full prediction.
TRIAL_ROWS = 64

#: Absolute tolerance on each probability's bounds and each row's sum. Loose
#: enough for models that compute in float32 (XGBoost rounds at ~1e-7), tight
#: enough that no metric changes at the precision the report shows.
PROBA_TOLERANCE = 1e-5

#: Values of one column put into a trial (and row labels named in a message).
_SHOWN = 5

#: A text column counts as "a column of numbers" when at least this share of its
#: values read as numbers: "48 h" among "12", "40", "38" is a typo, while a
#: column of category codes with a few numbers in it is not numeric.
_NUMERIC_SHARE = 0.5


@dataclass(frozen=True)
class _Suspect:
    """Cells of one column the model may not be able to use."""

    column: str
    kind: str  # "missing", "infinity" or "text"
    positions: np.ndarray
    examples: tuple[Any, ...]

    def describe(self, index: pd.Index) -> str:
        what = {
            "missing": "missing values (NaN)",
            "infinity": "infinity",
            "text": "text that is not a number (" + ", ".join(repr(v) for v in self.examples[:3]) + ")",
        }[self.kind]
        return f"{self.column!r} holds {what} in {_count(len(self.positions))} ({_rows(index, self.positions)})"


# -- public API ----------------------------------------------------------------------------
def preflight(model: ModelAdapter, data: AuditData, *, task: str = "auto") -> list[str]:
    """Check the inputs against the model and the model against its contract.

    Parameters
    ----------
    model : ModelAdapter
        The adapter over the user's model (it copies every input it passes on).
    data : AuditData
        The validated inputs; ``data.index`` names rows in messages.
    task : str, default="auto"
        The task the caller asked for; an explicit ``"regression"`` silences the
        plausibility warning on a few-valued target.

    Returns
    -------
    list of str
        Warnings for the result (each a sentence that names what it is about).

    Raises
    ------
    AuditInputError
        If ``y`` is not finite for a regression, a column holds values the model
        cannot take, the model fails on the first rows, or ``predict_proba``
        returns something other than probabilities.
    """
    check_target(data.y_true, model.task, data.index)
    out: list[str] = []
    frame = data.X[list(model.feature_names)]
    suspects = _suspects(frame)
    base, unusable = _clean_slice(frame, suspects)
    failed = "Expected the model to predict on the audited rows. A trial on the first rows failed"
    if unusable:
        failed = f"{failed} (column(s) {unusable} hold no value other than missing, infinite or text ones)"
    with record_warnings() as caught:
        _trial(model, base, failed)
        out += _contract(model, base)
    out += _column_trials(model, frame, base, suspects, data.index)
    out += [f"The model warned when called: {message}" for message in caught]
    out += _task_plausibility(model, data.y_true, task)
    return out


def check_target(y_true: np.ndarray, task: str, index: pd.Index | None = None) -> None:
    """A regression target must be finite numbers.

    Raises
    ------
    AuditInputError
        Naming ``y``, the problem and a few row labels.
    """
    if task != "regression":
        return
    try:
        values = np.asarray(y_true, dtype=float)
    except (TypeError, ValueError):
        shown = ", ".join(repr(v) for v in pd.unique(pd.Series(y_true, dtype=object))[:3])
        raise AuditInputError(
            f"Expected numbers in y for a regression audit. Got values such as {shown} instead."
        ) from None
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise AuditInputError(
            f"Expected finite numbers in y for a regression audit. Got infinity in {_count(len(bad))} "
            f"({_rows(index, bad)}) instead; drop or cap those rows (errors and R² would be infinite or undefined)."
        )


def check_probabilities(proba: np.ndarray, *, what: str = "model.predict_proba") -> None:
    """Probabilities lie in [0, 1] and each row sums to 1, within :data:`PROBA_TOLERANCE`.

    Raises
    ------
    AuditInputError
        Naming the range found and the first offending row positions.
    """
    p = np.asarray(proba, dtype=float)
    if p.ndim != 2 or p.shape[0] == 0:
        return
    tol = PROBA_TOLERANCE
    finite = np.isfinite(p).all(axis=1)
    sums = p.sum(axis=1)
    bad_sum = ~finite | (np.abs(sums - 1.0) > tol)
    bad_range = ~finite | (p < -tol).any(axis=1) | (p > 1 + tol).any(axis=1)
    if not (bad_sum.any() or bad_range.any()):
        return
    got = []
    if bad_range.any():
        got.append(f"values from {np.nanmin(p):.4g} to {np.nanmax(p):.4g}")
    if bad_sum.any():
        got.append(f"rows summing to {np.nanmin(sums):.4g}–{np.nanmax(sums):.4g}")
    where = np.flatnonzero(bad_sum | bad_range)[:_SHOWN].tolist()
    raise AuditInputError(
        f"Expected {what} to return probabilities: each in [0, 1] and each row summing to 1 "
        f"(tolerance {tol:g}). Got {' and '.join(got)} (first at row positions {where}) instead. "
        "Every score-based number (ROC AUC, log loss, calibration, selection rates) would be wrong; "
        "calibrate or normalise the model's output, or audit it with Auditor.from_predictions."
    )


@contextmanager
def record_warnings() -> Iterator[list[str]]:
    """Collect the warnings raised inside the block as one-line messages.

    Yields a list that is filled when the block ends: ``"Category: message"``,
    each distinct message once, in the order first raised. Used around loading
    and calling the user's model, so a library's complaint (a scikit-learn
    version mismatch, missing feature names) reaches the result instead of stderr.
    """
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield messages
        finally:
            for w in caught:
                text = " ".join(str(w.message).split())
                line = f"{w.category.__name__}: {text}"
                if line not in messages:
                    messages.append(line)


# -- the inputs against the model ----------------------------------------------------------
def _suspects(frame: pd.DataFrame) -> list[_Suspect]:
    out = []
    for col in frame.columns:
        s = frame[col]
        missing = s.isna().to_numpy()
        if missing.any():
            pos = np.flatnonzero(missing)
            out.append(_Suspect(col, "missing", pos, ()))
        if pd.api.types.is_float_dtype(s):
            inf = np.isinf(s.to_numpy(dtype=float, na_value=np.nan))
            if inf.any():
                pos = np.flatnonzero(inf)
                out.append(_Suspect(col, "infinity", pos, ()))
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            present = s[~missing]
            as_number = pd.to_numeric(present, errors="coerce")
            numbers = as_number.notna()
            if len(present) and numbers.mean() >= _NUMERIC_SHARE and not numbers.all():
                pos = np.flatnonzero(~missing)[~numbers.to_numpy()]
                examples = tuple(pd.unique(present[~numbers])[:_SHOWN])
                out.append(_Suspect(col, "text", pos, examples))
    return out


def _clean_slice(frame: pd.DataFrame, suspects: list[_Suspect]) -> tuple[pd.DataFrame, list[str]]:
    """The first rows, each suspect cell replaced by a usable value of its column,
    and the columns that have no usable value at all."""
    base = frame.iloc[:TRIAL_ROWS].copy()
    unusable: list[str] = []
    for sus in suspects:
        usable = np.ones(len(frame), dtype=bool)
        for other in suspects:
            if other.column == sus.column:
                usable[other.positions] = False
        if not usable.any():
            if sus.column not in unusable:
                unusable.append(sus.column)
            continue  # nothing to replace with: the trial shows whether the model copes
        typical = frame[sus.column].iloc[int(np.flatnonzero(usable)[0])]
        rows = sus.positions[sus.positions < len(base)]
        if len(rows):
            base.iloc[rows, base.columns.get_loc(sus.column)] = typical
    return base, unusable


def _with(base: pd.DataFrame, frame_values: dict[str, list[Any]]) -> pd.DataFrame:
    """``base`` with the first rows of some columns set to the given values."""
    trial = base.copy()
    for col, values in frame_values.items():
        j = trial.columns.get_loc(col)
        if trial[col].dtype != object and any(isinstance(v, str) for v in values):
            trial[col] = trial[col].astype(object)
        for i, v in enumerate(values[: len(trial)]):
            trial.iat[i, j] = v
    return trial


def _call(model: ModelAdapter, frame: pd.DataFrame) -> None:
    X_model = model.model_input(frame)
    model.predict(X_model)
    if model.response_method == "predict_proba":
        model.predict_proba(X_model)
    elif model.response_method == "decision_function":
        model.decision_function(X_model)


def _trial(model: ModelAdapter, frame: pd.DataFrame, message: str) -> None:
    try:
        _call(model, frame)
    except Exception as exc:  # noqa: BLE001 - any failure of the user's model is reported
        raise AuditInputError(f"{message}: {_one_line(exc)}") from exc


def _column_trials(
    model: ModelAdapter, frame: pd.DataFrame, base: pd.DataFrame, suspects: list[_Suspect], index: pd.Index
) -> list[str]:
    """Suspect values put into the clean slice: an error naming every column whose
    values the model rejects, or warnings for infinities it accepts."""
    if not suspects:
        return []
    injected = {id(s): [frame[s.column].iloc[int(p)] for p in s.positions[:_SHOWN]] for s in suspects}
    combined: dict[str, list[Any]] = {}
    for s in suspects:
        combined.setdefault(s.column, []).extend(injected[id(s)])
    rejected: list[tuple[_Suspect, BaseException]] = []
    # the injected values are ours to blame for any warning they cause: not recorded
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        failure = _failure(model, _with(base, combined))
        if failure is not None:
            # one column at a time, the others left clean, to name the culprits
            for s in suspects:
                exc = _failure(model, _with(base, {s.column: injected[id(s)]}))
                if exc is not None:
                    rejected.append((s, exc))
            if not rejected:
                rejected = [(s, failure) for s in suspects]
    if rejected:
        parts = [f"{s.describe(index)} [the model: {_one_line(exc)}]" for s, exc in rejected]
        columns = sorted({s.column for s, _ in rejected})
        raise AuditInputError(
            f"Expected values the model can use in every column it takes. Got {len(columns)} column(s) whose "
            f"values it cannot use: {'; '.join(parts)}. Convert, impute or drop those values before auditing "
            "(the audit never changes your data)."
        )
    return [
        f"Column {s.column!r} holds infinity in {_count(len(s.positions))} ({_rows(index, s.positions)}). The model "
        "accepts it, but numbers computed on those rows (SHAP values, LIME weights, dependence plots) may be extreme "
        "or undefined; cap or drop them if infinity is not a real value."
        for s in suspects
        if s.kind == "infinity"
    ]


def _failure(model: ModelAdapter, frame: pd.DataFrame) -> BaseException | None:
    try:
        _call(model, frame)
    except Exception as exc:  # noqa: BLE001 - the model's own error, reported with the column
        return exc
    return None


# -- the model against its contract -------------------------------------------------------
def _contract(model: ModelAdapter, base: pd.DataFrame) -> list[str]:
    out = []
    X1 = model.model_input(base)
    X2 = private_copy(X1)
    est = model.estimator
    first = np.asarray(est.predict(X1))
    if not _same_data(X1, X2):
        out.append(
            f"The model changes the data it is given ({_changes(X1, X2)} after one call to predict). The audit "
            "gives it a private copy on every call, so your X and the audit's numbers are not affected; elsewhere "
            "the model may corrupt its caller's data."
        )
    second = np.asarray(est.predict(private_copy(X2)))
    differ = _differ(first, second)
    if model.response_method == "predict_proba":
        p1 = model.predict_proba(X2)
        check_probabilities(p1)
        differ = differ | _differ(p1, model.predict_proba(X2))
    if differ.any():
        out.append(
            f"The model is not deterministic: called twice on the same {len(differ)} rows, it answered differently "
            f"for {int(differ.sum())}. The predictions are computed once and shared by performance and fairness, "
            "so those numbers describe one random draw and change from run to run even with the same random_state; "
            "permutation importance, SHAP and LIME call the model again and mix draws, so their numbers carry extra "
            "noise that their intervals do not cover. Fix the model's seed before auditing it."
        )
    return out


def _task_plausibility(model: ModelAdapter, y_true: np.ndarray | None, task: str) -> list[str]:
    if model.task != "regression" or task == "regression" or y_true is None:
        return []
    values = pd.unique(pd.Series(np.asarray(y_true, dtype=float)))
    few = len(values) <= 2 or (len(values) <= 10 and bool(np.all(values == np.round(values))))
    if not few:
        return []
    shown = ", ".join(f"{v:g}" for v in sorted(values))
    return [
        f"y takes only {len(values)} distinct values ({shown}), yet the model ({model.name}) is a regressor, so it "
        "is audited as a regression (errors, R²) and not as a classifier (accuracy, ROC AUC, selection rates per "
        "group). If the model is meant to classify, audit a classifier; if regression is intended, pass "
        "task='regression' to say so and silence this warning."
    ]


# -- helpers -----------------------------------------------------------------------------------
def _same_data(a: Any, b: Any) -> bool:
    if isinstance(a, pd.DataFrame):
        return isinstance(b, pd.DataFrame) and a.equals(b) and list(a.columns) == list(b.columns)
    return pd.DataFrame(np.asarray(a)).equals(pd.DataFrame(np.asarray(b)))


def _changes(after: Any, before: Any) -> str:
    if isinstance(after, pd.DataFrame) and isinstance(before, pd.DataFrame):
        added = [c for c in after.columns if c not in before.columns]
        removed = [c for c in before.columns if c not in after.columns]
        changed = [c for c in before.columns if c in after.columns and not after[c].equals(before[c])]
        parts = []
        if changed:
            parts.append(f"column(s) {changed} changed")
        if added:
            parts.append(f"column(s) {added} added")
        if removed:
            parts.append(f"column(s) {removed} removed")
        return "; ".join(parts) or "its rows changed"
    return "its values changed"


def _differ(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row: whether two answers to the same question differ."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return np.ones(len(a), dtype=bool)
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        # summation order may differ between calls (threads); that is not randomness
        same = np.isclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True)
    else:
        same = a == b
    same = np.asarray(same)
    return ~same.reshape(len(a), -1).all(axis=1)


def _count(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")


def _rows(index: pd.Index | None, positions: Iterable[int]) -> str:
    positions = list(positions)
    labels = [index[p] if index is not None else p for p in positions[:_SHOWN]]
    text = ", ".join(_label(v) for v in labels)
    more = f" and {len(positions) - _SHOWN:,} more" if len(positions) > _SHOWN else ""
    return ("row " if len(positions) == 1 else "rows ") + text + more


def _label(value: Any) -> str:
    value = value.item() if hasattr(value, "item") else value
    return repr(value) if isinstance(value, str) else str(value)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if len(text) > 200:
        text = text[:199] + "…"
    return f"{type(exc).__name__}: {text}"

