"""The entry point: validate once, predict once, run the sections, judge, record."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import fields
from numbers import Integral
from typing import Any, Literal

import numpy as np
import pandas as pd

from auditor import policy as _policy
from auditor._provenance import auditor_version, library_versions, model_fingerprint, utc_now
from auditor.context import AuditContext, Predictions, SkipSection
from auditor.data import (
    AuditData,
    data_fingerprint,
    validate_sample_weight,
    validate_sensitive_features,
    validate_target,
    validate_X,
)
from auditor.fairness.labels import check_group_labels
from auditor.model import ModelAdapter, Task, resolve_pos_label
from auditor.preflight import check_probabilities, preflight
from auditor.results import (
    SCHEMA_VERSION,
    AuditConfig,
    AuditResult,
    AuditSummary,
    Policy,
    Provenance,
    SectionFailure,
    SkippedSection,
    worst_status,
)
from auditor.sections import Section, resolve_sections

__all__ = ["Auditor", "Progress"]

#: Called as ``progress(stage, event, seconds)`` with event one of "start", "done",
#: "skipped", "failed"; ``seconds`` is the stage's duration for the last three.
Progress = Callable[[str, str, "float | None"], None]

_RESULT_FIELDS = {f.name for f in fields(AuditResult)}


def _check_random_state(random_state: Any) -> int:
    if isinstance(random_state, bool) or not isinstance(random_state, Integral) or random_state < 0:
        raise ValueError(
            "Expected random_state to be a non-negative int (it seeds every random step and is "
            f"recorded in the result). Got {random_state!r} instead."
        )
    return int(random_state)


def _check_n_bootstrap(n_bootstrap: Any) -> int:
    if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, Integral) or n_bootstrap < 0:
        raise ValueError(f"Expected n_bootstrap to be a non-negative int. Got {n_bootstrap!r} instead.")
    return int(n_bootstrap)


class Auditor:
    """Audit a fitted model on a dataset for performance, explanations and fairness.

    Parameters
    ----------
    model : fitted estimator
        Any scikit-learn compatible estimator or Pipeline (with a
        ``ColumnTransformer``), XGBoost or LightGBM model. It is never modified.
    X : pandas.DataFrame
        The rows to audit, with every column the model takes, plus any sensitive
        columns. It is never modified; its index is kept only to name rows.
    y : array-like of shape (n_rows,)
        True outcomes.
    sensitive_features : str, list of str, Series, DataFrame or array, optional
        Column names of ``X``, or values aligned with ``X`` (a pandas object must
        have ``X``'s index). A column the model was not trained on is used only for
        grouping.
    task : {"auto", "binary", "multiclass", "regression"}, default="auto"
        Resolved from the model (``classes_``, estimator type); an explicit value
        that contradicts the model is an error.
    pos_label : object, optional
        The favourable class of a binary task, looked up in ``classes_``.
        Without it, {0, 1}/{-1, 1}/{False, True} resolve to 1/True; any other
        pair resolves to the last class with a recorded warning.
    sample_weight : array-like of shape (n_rows,), optional
    random_state : int, default=0
        Seeds every random step (bootstrap, sampling, LIME); recorded in the result.
        The same inputs and seed give the same JSON apart from the timestamp.
    sections : list of str or section objects, optional
        What to compute; default every section with default options.
    policy : Policy or path to a TOML file, optional
        Thresholds behind the findings; default :class:`~auditor.Policy`.
    n_bootstrap : int, default=1000
        Bootstrap resamples behind confidence intervals (0 turns them off).
    sensitive_nan : {"raise", "group"}, default="raise"
        Missing sensitive values are an error, or an explicit "(missing)" group.
    model_name, data_name : str, optional
        How the report names the model and the data.
    errors : {"record", "raise"}, default="record"
        A section that raises is recorded in the result and the audit goes on, or
        the error propagates.
    n_jobs : int, optional
        Workers for the explanation steps (permutation importance threads, TreeSHAP
        and Kernel SHAP processes). ``None`` (the default) uses every core, ``-1``
        too, ``-2`` all but one. It never changes a number in the result.

    Examples
    --------
    >>> from auditor import Auditor
    >>> result = Auditor(model, X_test, y_test, sensitive_features=["sex"]).run()  # doctest: +SKIP
    >>> result.save("audit.html")  # doctest: +SKIP
    """

    def __init__(
        self,
        model: Any,
        X: Any,
        y: Any,
        *,
        sensitive_features: Any = None,
        task: str = "auto",
        pos_label: Any = None,
        sample_weight: Any = None,
        random_state: int = 0,
        sections: Iterable[str | Section] | None = None,
        policy: Policy | str | None = None,
        n_bootstrap: int = 1000,
        sensitive_nan: Literal["raise", "group"] = "raise",
        model_name: str | None = None,
        data_name: str | None = None,
        errors: Literal["record", "raise"] = "record",
        n_jobs: int | None = None,
    ) -> None:
        self._configure(random_state, sections, policy, n_bootstrap, errors, n_jobs, data_name)
        X_valid, index = validate_X(X)
        y_true, target_name = validate_target(y, len(X_valid), index)
        sensitive = validate_sensitive_features(
            sensitive_features, X_valid, len(X_valid), index, sensitive_nan=sensitive_nan
        )
        weights = validate_sample_weight(sample_weight, len(X_valid), index)
        grouping_only = tuple(sensitive.columns) if _names_columns(sensitive_features) else ()
        self._model = ModelAdapter.from_estimator(
            model, X_valid, y_true, task=task, pos_label=pos_label, grouping_only=grouping_only
        )
        self._data = AuditData(X_valid, y_true, sensitive, weights, index, target_name)
        self._task: Task = self._model.task
        self._classes = self._model.classes
        self._pos_label = self._model.pos_label
        self._predictions: Predictions | None = None
        self._model_name = model_name or self._model.name
        self._model_description = self._model.description
        self._setup_warnings = list(self._model.warnings)
        self._setup_warnings += preflight(self._model, self._data, task=task)
        self._setup_warnings += check_group_labels(sensitive, self.sections)

    def _configure(self, random_state, sections, policy, n_bootstrap, errors, n_jobs, data_name) -> None:
        self.random_state = _check_random_state(random_state)
        self.n_bootstrap = _check_n_bootstrap(n_bootstrap)
        self.sections = resolve_sections(sections)
        if policy is None:
            policy = Policy()
        elif not isinstance(policy, Policy):
            policy = Policy.from_toml(policy)
        self.policy = policy
        if errors not in ("record", "raise"):
            raise ValueError(f"Expected errors to be 'record' or 'raise'. Got {errors!r} instead.")
        self.errors = errors
        if n_jobs is not None and (not isinstance(n_jobs, Integral) or n_jobs == 0):
            raise ValueError(f"Expected n_jobs to be None or a non-zero int. Got {n_jobs!r} instead.")
        self.n_jobs = n_jobs
        self._data_name = data_name or ""

    # -- alternative constructor ---------------------------------------------------
    @classmethod
    def from_predictions(
        cls,
        y_true: Any,
        y_pred: Any,
        *,
        y_score: Any = None,
        classes: Any = None,
        X: Any = None,
        sensitive_features: Any = None,
        task: str = "auto",
        pos_label: Any = None,
        sample_weight: Any = None,
        random_state: int = 0,
        sections: Iterable[str | Section] | None = None,
        policy: Policy | str | None = None,
        n_bootstrap: int = 1000,
        sensitive_nan: Literal["raise", "group"] = "raise",
        model_name: str = "(predictions only)",
        data_name: str | None = None,
        errors: Literal["record", "raise"] = "record",
    ) -> Auditor:
        """Audit predictions when the model itself is not available.

        Sections that need the model (importance, SHAP, LIME) are skipped with the
        reason stated in the result.

        Parameters
        ----------
        y_true, y_pred : array-like of shape (n_rows,)
        y_score : array-like, optional
            Binary: the score of ``pos_label`` (1-D), or ``(n_rows, 2)``
            probabilities in ``classes`` order. Multiclass: ``(n_rows, n_classes)``.
            Scores within [0, 1] (rows summing to 1 for 2-D) are taken as
            probabilities; any others as decision scores (rank metrics only).
        classes : array-like, optional
            Class labels in the order of ``y_score``'s columns; default the sorted
            labels of ``y_true`` and ``y_pred``.
        X : pandas.DataFrame, optional
            Features, for the data context and sensitive columns named by name.
        """
        self = cls.__new__(cls)
        self._configure(random_state, sections, policy, n_bootstrap, errors, None, data_name)
        index = None
        X_valid = None
        if X is not None:
            X_valid, index = validate_X(X)
        n = None if X_valid is None else len(X_valid)
        y_true_arr, target_name = validate_target(y_true, n, index, name="y_true")
        n = len(y_true_arr)
        y_pred_arr, _ = validate_target(y_pred, n, index, name="y_pred")
        if index is None:
            index = pd.RangeIndex(n)
        sensitive = validate_sensitive_features(sensitive_features, X_valid, n, index, sensitive_nan=sensitive_nan)
        weights = validate_sample_weight(sample_weight, n, index)
        resolved, cls_arr = _task_from_predictions(y_true_arr, y_pred_arr, task, classes)
        pos = None
        warnings: list[str] = check_group_labels(sensitive, self.sections)
        if resolved == "binary":
            pos, warning = resolve_pos_label(cls_arr, pos_label)
            if warning:
                warnings.append(warning)
        predictions = _predictions_from_scores(y_pred_arr, y_score, resolved, cls_arr, pos, n)
        self._model = None
        self._data = AuditData(X_valid, y_true_arr, sensitive, weights, index, target_name)
        self._task = resolved
        self._classes = cls_arr
        self._pos_label = pos
        self._predictions = predictions
        self._model_name = model_name
        self._model_description = "Predictions supplied by the user; the model was not available."
        self._setup_warnings = warnings
        return self

    # -- running --------------------------------------------------------------------
    def _context(self, progress: Progress | None) -> AuditContext:
        if self._predictions is None:
            _emit(progress, "predict", "start", None)
            t0 = time.perf_counter()
            self._predictions = _predict(self._model, self._model.model_input(self._data.X))
            _emit(progress, "predict", "done", time.perf_counter() - t0)
        ctx = AuditContext(
            data=self._data,
            model=self._model,
            predictions=self._predictions,
            task=self._task,
            classes=self._classes,
            pos_label=self._pos_label,
            random_state=self.random_state,
            policy=self.policy,
            n_bootstrap=self.n_bootstrap,
            n_jobs=self.n_jobs,
        )
        for message in self._setup_warnings:
            ctx.warn("inputs", message)
        return ctx

    def run(self, *, progress: Progress | None = None) -> AuditResult:
        """Compute every section and return the frozen result.

        Predictions are computed on the first call and reused by later ones.

        Parameters
        ----------
        progress : callable, optional
            ``progress(stage, event, seconds)``, for progress bars and timing.
        """
        ctx = self._context(progress)
        computed: dict[str, Any] = {}
        failures: list[SectionFailure] = []
        skipped: list[SkippedSection] = []
        for section in self.sections:
            name = section.name
            _emit(progress, name, "start", None)
            t0 = time.perf_counter()
            if section.requires_model and self._model is None:
                skipped.append(SkippedSection(name, "needs the fitted model; this audit was built from predictions only"))
                _emit(progress, name, "skipped", time.perf_counter() - t0)
                continue
            try:
                computed[name] = section.compute(ctx)
            except SkipSection as exc:
                skipped.append(SkippedSection(name, str(exc)))
                _emit(progress, name, "skipped", time.perf_counter() - t0)
                continue
            except Exception as exc:
                if self.errors == "raise":
                    raise
                failures.append(SectionFailure(name, type(exc).__name__, _one_line(exc)))
                ctx.warn(name, f"Traceback (last frame): {_last_frame(exc)}")
                _emit(progress, name, "failed", time.perf_counter() - t0)
                continue
            _emit(progress, name, "done", time.perf_counter() - t0)
        findings = _policy.evaluate(computed, tuple(failures), self.policy)
        return AuditResult(
            schema_version=SCHEMA_VERSION,
            summary=self._summary(ctx),
            config=AuditConfig(
                random_state=self.random_state,
                n_bootstrap=self.n_bootstrap,
                sections=tuple(s.name for s in self.sections),
                errors=self.errors,
            ),
            policy=self.policy,
            provenance=Provenance(
                auditor_version=auditor_version(),
                python_version=library_versions()["python"],
                library_versions=library_versions(),
                created_at=utc_now(),
                random_state=self.random_state,
                data_fingerprint=data_fingerprint(
                    self._data.X, self._data.y_true, self._data.sensitive_features, self._data.sample_weight
                ),
                model_fingerprint=model_fingerprint(None if self._model is None else self._model.estimator),
            ),
            verdict=worst_status(f.status for f in findings),
            findings=findings,
            warnings=tuple(ctx.warnings),
            failures=tuple(failures),
            skipped=tuple(skipped),
            **{k: v for k, v in computed.items() if k in _RESULT_FIELDS},
        )

    def _summary(self, ctx: AuditContext) -> AuditSummary:
        X = self._data.X
        return AuditSummary(
            model_name=self._model_name,
            model_description=self._model_description,
            task=self._task,
            n_rows=self._data.n_rows,
            n_columns=0 if X is None else X.shape[1],
            feature_names=() if X is None else tuple(X.columns),
            model_feature_names=() if self._model is None else self._model.feature_names,
            sensitive_features=tuple(self._data.sensitive_features.columns),
            target_name=self._data.target_name,
            classes=tuple(str(c) for c in ctx.labels),
            pos_label=None if self._pos_label is None else str(self._pos_label),
            has_model=self._model is not None,
            score_kind=ctx.score_kind,  # type: ignore[arg-type]
            sample_weight=self._data.sample_weight is not None,
            dataset_name=self._data_name,
        )


def _names_columns(sensitive_features: Any) -> bool:
    return isinstance(sensitive_features, str) or (
        isinstance(sensitive_features, (list, tuple)) and all(isinstance(c, str) for c in sensitive_features)
    )


def _emit(progress: Progress | None, stage: str, event: str, seconds: float | None) -> None:
    if progress is not None:
        progress(stage, event, seconds)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())[:500]


def _last_frame(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return "unavailable"
    frame = tb[-1]
    return f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}"


def _predict(model: ModelAdapter, X_model: Any) -> Predictions:
    y_pred = model.predict(X_model)
    if len(y_pred) != len(X_model):
        raise ValueError(f"Expected model.predict to return {len(X_model)} values. Got {len(y_pred)}.")
    proba = decision = None
    if model.response_method == "predict_proba":
        proba = model.predict_proba(X_model)
        if not np.isfinite(proba).all():
            raise ValueError("Expected finite probabilities from model.predict_proba. Got NaN or infinity.")
        check_probabilities(proba)
    elif model.response_method == "decision_function":
        decision = model.decision_function(X_model)
    if model.task == "regression" and not np.isfinite(np.asarray(y_pred, dtype=float)).all():
        raise ValueError("Expected finite predictions from model.predict. Got NaN or infinity.")
    return Predictions(y_pred=y_pred, proba=proba, decision=decision)


def _task_from_predictions(y_true: np.ndarray, y_pred: np.ndarray, task: str, classes: Any) -> tuple[Task, np.ndarray | None]:
    from sklearn.utils.multiclass import type_of_target

    if task not in ("auto", "binary", "multiclass", "regression"):
        raise ValueError(f"Expected task to be one of ('auto', 'binary', 'multiclass', 'regression'). Got {task!r}.")
    if task == "auto":
        kinds = {type_of_target(y_true), type_of_target(y_pred)}
        if kinds & {"continuous"}:
            task = "regression"
        elif classes is not None:
            task = "binary" if len(classes) == 2 else "multiclass"
        else:
            labels = pd.unique(pd.Series(np.concatenate([y_true.astype(object), y_pred.astype(object)])))
            task = "binary" if len(labels) <= 2 else "multiclass"
    if task == "regression":
        for name, values in (("y_true", y_true), ("y_pred", y_pred)):
            try:
                arr = np.asarray(values, dtype=float)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"Expected numeric {name} for a regression audit. Got {values.dtype}.") from exc
            if not np.isfinite(arr).all():
                raise ValueError(f"Expected finite {name} for a regression audit. Got NaN or infinity.")
        return "regression", None
    if classes is None:
        merged = pd.unique(pd.Series(np.concatenate([y_true.astype(object), y_pred.astype(object)])))
        try:
            classes = np.array(sorted(merged))
        except TypeError as exc:
            raise ValueError("Expected labels of one type in y_true and y_pred. Got a mix; pass classes=.") from exc
    classes = np.asarray(classes)
    if len(pd.unique(pd.Series(y_true, dtype=object))) < 2:
        raise ValueError("Expected y_true to contain at least two classes. Got one.")
    return task, classes  # type: ignore[return-value]


def _predictions_from_scores(y_pred, y_score, task, classes, pos_label, n) -> Predictions:
    if y_score is None:
        return Predictions(y_pred=y_pred)
    if task == "regression":
        raise ValueError("Expected no y_score for a regression audit. Got one.")
    s = np.asarray(y_score, dtype=float)
    if s.shape[0] != n:
        raise ValueError(f"Expected y_score to have {n} rows, one per row of y_true. Got {s.shape[0]}.")
    if not np.isfinite(s).all():
        raise ValueError("Expected finite y_score values. Got NaN or infinity.")
    k = len(classes)
    if task == "binary":
        pos_index = next(i for i, c in enumerate(classes) if c == pos_label)
        if s.ndim == 2:
            if s.shape[1] != 2:
                raise ValueError(f"Expected y_score with 2 columns (or 1-D) for a binary task. Got shape {s.shape}.")
            if not _is_proba(s):
                raise ValueError("Expected 2-column y_score to be probabilities (in [0, 1], rows summing to 1).")
            return Predictions(y_pred=y_pred, proba=s)
        if s.ndim != 1:
            raise ValueError(f"Expected y_score to be 1-D or 2-D. Got shape {s.shape}.")
        if s.min() >= 0 and s.max() <= 1:
            proba = np.column_stack([1 - s, s]) if pos_index == 1 else np.column_stack([s, 1 - s])
            return Predictions(y_pred=y_pred, proba=proba)
        return Predictions(y_pred=y_pred, decision=s if pos_index == 1 else -s)
    if s.ndim != 2 or s.shape[1] != k:
        raise ValueError(f"Expected y_score of shape ({n}, {k}), one column per class. Got {s.shape}.")
    if _is_proba(s):
        return Predictions(y_pred=y_pred, proba=s)
    return Predictions(y_pred=y_pred, decision=s)


def _is_proba(s: np.ndarray) -> bool:
    return bool(s.min() >= 0 and s.max() <= 1 and np.allclose(s.sum(axis=1), 1.0, atol=1e-6))
