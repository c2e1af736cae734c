"""A thin adapter over a fitted model: what it is, what it takes, what it returns.

The adapter answers the questions every section asks of a model (task, classes,
positive class, which columns it takes, how to get scores, the pipeline's
preprocessor and final estimator) once, so sections never guess. It never fits or
modifies the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from auditor._private import private_copy
from auditor.artifacts import TRANSFORMED, X_MODEL
from auditor.lineage import column_lineage

__all__ = [
    "ModelAdapter",
    "PredictionsAdapter",
    "Predictions",
    "SuppliedPredictions",
    "Task",
    "ResponseMethod",
    "resolve_pos_label",
    "describe_model",
    "same_label",
]

Task = Literal["binary", "multiclass", "regression"]
ResponseMethod = Literal["predict_proba", "decision_function"]
_TASKS = ("auto", "binary", "multiclass", "regression")


def describe_model(estimator: Any) -> str:
    """A one-line description: the pipeline's steps, or the estimator's class."""
    from sklearn.pipeline import Pipeline

    if isinstance(estimator, Pipeline):
        return " → ".join(
            type(step).__name__ if not isinstance(step, str) else step for _, step in estimator.steps
        )
    return type(estimator).__name__


def _final_estimator(estimator: Any) -> Any:
    from sklearn.pipeline import Pipeline

    while isinstance(estimator, Pipeline):
        estimator = estimator.steps[-1][1]
    return estimator


def _flat_steps(estimator: Any) -> list[Any]:
    """A pipeline's steps with nested pipelines expanded; ``[estimator]`` otherwise."""
    from sklearn.pipeline import Pipeline

    if not isinstance(estimator, Pipeline):
        return [estimator]
    out: list[Any] = []
    for _, step in estimator.steps:
        out += _flat_steps(step)
    return out


def _check_fitted(estimator: Any) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(estimator)
    except NotFittedError as exc:
        raise NotFittedError(
            f"Expected a fitted model. Got an unfitted {type(estimator).__name__}; "
            "call model.fit(...) before auditing it."
        ) from exc
    except TypeError:
        # Not a scikit-learn estimator (no fit method): we cannot check, and its
        # own predict will say if it is unusable.
        pass


def resolve_pos_label(classes: np.ndarray, pos_label: Any) -> tuple[Any, str | None]:
    """Return the positive class of a binary task and, if it was guessed, a warning.

    The class is looked up in ``classes`` by value, never assumed to be column 1.
    Without ``pos_label``, labels {0, 1}, {-1, 1} and {False, True} resolve to 1 /
    True; any other pair resolves to the last of ``classes`` (scikit-learn's
    convention) with a warning asking for an explicit ``pos_label``.
    """
    values = _labels(classes)
    if pos_label is not None:
        matches = [c for c in values if same_label(c, pos_label)]
        if not matches:
            raise ValueError(
                f"Expected pos_label to be one of the model's classes {values!r}. Got {pos_label!r} instead."
            )
        return classes[values.index(matches[0])], None
    as_set = {_plain(c) for c in values}
    if as_set in ({0, 1}, {-1, 1}):
        return classes[values.index(1)], None
    chosen = values[-1]
    return classes[-1], (
        f"pos_label was not given; the positive class is {chosen!r}, the last of the model's "
        f"classes {values!r}. Pass pos_label=... if another class is the favourable outcome."
    )


def _plain(label: Any) -> Any:
    return label.item() if hasattr(label, "item") else label


def _labels(values) -> list:
    """Labels as plain Python values, so messages read ['a', 'b'], not [np.str_('a'), ...]."""
    return [_plain(v) for v in values]


def same_label(a: Any, b: Any) -> bool:
    """Whether two labels are the same class: equal by value (1 == 1.0 == True),
    but a string never equals a number ("1" is not 1)."""
    a, b = _plain(a), _plain(b)
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - incomparable labels are simply different
        return False


@dataclass(frozen=True)
class Predictions:
    """The model's outputs on the audited rows, computed once.

    Attributes
    ----------
    y_pred : numpy.ndarray
        Predicted labels (classification) or values (regression).
    proba : numpy.ndarray or None
        ``(n_rows, n_classes)`` probabilities, columns in ``classes`` order.
    decision : numpy.ndarray or None
        Decision scores when the model has no probabilities: ``(n_rows,)`` for a
        binary task (higher means the model's ``classes[1]``), else
        ``(n_rows, n_classes)``.
    """

    y_pred: np.ndarray
    proba: np.ndarray | None = None
    decision: np.ndarray | None = None


@dataclass
class ModelAdapter:
    """What the audit needs to know about a fitted model.

    Build it with :meth:`from_estimator`; the attributes are then fixed.

    Attributes
    ----------
    estimator : object
        The user's model, never modified.
    task : {"binary", "multiclass", "regression"}
    classes : numpy.ndarray or None
        ``classes_`` of a classifier, in the model's order.
    pos_label : object or None
        The positive class of a binary task.
    feature_names : tuple of str
        The columns of X the model takes, in the order it was trained on.
    pass_frame : bool
        Whether the model is called with a DataFrame (it knows column names) or a
        numpy array.
    response_method : {"predict_proba", "decision_function"} or None
    """

    estimator: Any
    task: Task
    classes: np.ndarray | None
    pos_label: Any
    feature_names: tuple[str, ...]
    pass_frame: bool
    response_method: ResponseMethod | None
    warnings: list[str] = field(default_factory=list)

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X: pd.DataFrame,
        y_true: np.ndarray | None,
        *,
        task: str = "auto",
        pos_label: Any = None,
        grouping_only: tuple[str, ...] = (),
    ) -> ModelAdapter:
        """Inspect ``estimator`` against validated data.

        Parameters
        ----------
        estimator : fitted estimator
        X : pandas.DataFrame
            Validated features (every column the caller passed).
        y_true : numpy.ndarray or None
            ``None`` when the audited rows have no labels (they are then not checked).
        task : {"auto", "binary", "multiclass", "regression"}
        pos_label : object, optional
        grouping_only : tuple of str
            Columns of X named as sensitive features; when the model does not state
            its columns, these are assumed not to be model inputs if that makes the
            column count match.

        Raises
        ------
        TypeError
            If the model has no ``predict``.
        sklearn.exceptions.NotFittedError
            If the model is not fitted.
        ValueError
            If X lacks a column the model was trained on, the task or ``pos_label``
            contradict the model, or ``y`` does not fit the model's classes.
        """
        if task not in _TASKS:
            raise ValueError(f"Expected task to be one of {_TASKS}. Got {task!r} instead.")
        if not callable(getattr(estimator, "predict", None)):
            raise TypeError(
                f"Expected model to have a predict method. Got {type(estimator).__name__} instead."
            )
        _check_fitted(estimator)
        warnings: list[str] = []
        feature_names, pass_frame = _model_columns(estimator, X, grouping_only, warnings)
        resolved_task, classes = _resolve_task(estimator, y_true, task)
        pos = None
        if resolved_task == "binary":
            pos, warning = resolve_pos_label(classes, pos_label)
            if warning:
                warnings.append(warning)
        elif pos_label is not None:
            warnings.append(f"pos_label={pos_label!r} is ignored: the task is {resolved_task}.")
        if classes is not None and y_true is not None:
            _check_labels(y_true, classes, warnings)
        method: ResponseMethod | None = None
        if resolved_task != "regression":
            if hasattr(estimator, "predict_proba"):
                method = "predict_proba"
            elif hasattr(estimator, "decision_function"):
                method = "decision_function"
            else:
                warnings.append(
                    "The model has neither predict_proba nor decision_function: metrics that need "
                    "scores (ROC AUC, log loss, calibration) are not available."
                )
        return cls(
            estimator=estimator,
            task=resolved_task,
            classes=classes,
            pos_label=pos,
            feature_names=feature_names,
            pass_frame=pass_frame,
            response_method=method,
            warnings=warnings,
        )

    has_model = True

    # -- calling the model ----------------------------------------------------------
    def predictions(self, X: pd.DataFrame) -> Predictions:
        """Labels and scores of every row of validated ``X`` (the audit calls this once)."""
        return self.predict_all(X)[0]

    def predict_all(self, X: pd.DataFrame) -> tuple[Predictions, dict[str, Any]]:
        """Labels and scores of every row, and the model's inputs on the way.

        A pipeline's preprocessing runs once: its output feeds the final
        estimator's ``predict`` and ``predict_proba`` (what ``Pipeline.predict``
        does internally) and is returned, under the context's memo keys, for the
        sections that need it again (SHAP, permutation importance). The final
        estimator gets it read-only, so no model call can change what a later
        section reads; the user's frame is never passed at all.
        """
        X_model = self.model_input(X)
        pre = self.preprocessor
        if pre is not None:
            Xt = self.transform(private_copy(X_model))
            final, source = self.final_estimator, Xt
        else:
            Xt, final, source = None, self.estimator, X_model

        def inputs():
            # a fresh private copy per call (a read-only view of a dense array):
            # a model that writes into its input changes nothing another call sees
            return _read_only(source) if source is Xt else private_copy(source)

        y_pred = _one_per_row(np.asarray(final.predict(inputs())))
        if len(y_pred) != len(X_model):
            raise ValueError(f"Expected model.predict to return {len(X_model)} values. Got {len(y_pred)}.")
        proba = decision = None
        if self.response_method == "predict_proba":
            proba = self._check_proba(np.asarray(final.predict_proba(inputs()), dtype=float))
            if not np.isfinite(proba).all():
                raise ValueError("Expected finite probabilities from model.predict_proba. Got NaN or infinity.")
        elif self.response_method == "decision_function":
            decision = np.asarray(final.decision_function(inputs()), dtype=float)
        if self.task == "regression" and not np.isfinite(np.asarray(y_pred, dtype=float)).all():
            raise ValueError("Expected finite predictions from model.predict. Got NaN or infinity.")

        memo = {X_MODEL: X_model} if Xt is None else {X_MODEL: X_model, TRANSFORMED: Xt}
        return Predictions(y_pred=y_pred, proba=proba, decision=decision), memo

    def model_input(self, X: pd.DataFrame) -> pd.DataFrame | np.ndarray:
        """The slice of validated ``X`` the model takes, in the model's order."""
        frame = X[list(self.feature_names)]
        return frame if self.pass_frame else frame.to_numpy()

    def predict(self, X_model: Any) -> np.ndarray:
        return _one_per_row(np.asarray(self.estimator.predict(private_copy(X_model))))

    def predict_proba(self, X_model: Any) -> np.ndarray:
        return self._check_proba(np.asarray(self.estimator.predict_proba(private_copy(X_model)), dtype=float))

    def _check_proba(self, proba: np.ndarray) -> np.ndarray:
        k = len(self.classes)
        if proba.ndim != 2 or proba.shape[1] != k:
            raise ValueError(f"Expected model.predict_proba to return {k} columns. Got shape {proba.shape}.")
        return proba

    def decision_function(self, X_model: Any) -> np.ndarray:
        return np.asarray(self.estimator.decision_function(private_copy(X_model)), dtype=float)

    # -- structure --------------------------------------------------------------------
    @property
    def name(self) -> str:
        return type(self.final_estimator).__name__

    @property
    def description(self) -> str:
        return describe_model(self.estimator)

    @property
    def is_pipeline(self) -> bool:
        from sklearn.pipeline import Pipeline

        return isinstance(self.estimator, Pipeline) and len(self.estimator.steps) > 1

    @property
    def final_estimator(self) -> Any:
        return _final_estimator(self.estimator)

    @property
    def preprocessor(self) -> Any:
        """Everything before the final estimator, or ``None`` for a bare model."""
        return self.estimator[:-1] if self.is_pipeline else None

    @property
    def pos_index(self) -> int | None:
        """Column of the positive class in ``predict_proba`` output."""
        if self.pos_label is None:
            return None
        return next(i for i, c in enumerate(self.classes) if same_label(c, self.pos_label))

    def transform(self, X_model: Any) -> Any:
        """The design matrix the final estimator sees (dense or sparse).

        Every transformer before the final estimator runs in turn, nested
        pipelines flattened, as ``Pipeline.predict`` would run them (calling the
        steps directly: a sliced pipeline ending in a stateless transformer
        would call itself unfitted).
        """
        X = X_model
        for step in _flat_steps(self.estimator)[:-1]:
            if step is None or (isinstance(step, str) and step == "passthrough"):
                continue
            X = step.transform(X)
        return X

    def transformed_feature_names(self, n_outputs: int) -> tuple[str, ...]:
        pre = self.preprocessor
        if pre is None:
            return self.feature_names
        try:
            names = [str(n) for n in pre.get_feature_names_out()]
        except Exception:  # noqa: BLE001 - not every transformer names its outputs
            names = []
        if len(names) != n_outputs:
            names = [f"feature_{i}" for i in range(n_outputs)]
        return tuple(names)

    def lineage(self, n_outputs: int) -> tuple[tuple[str, ...], ...]:
        """Raw columns behind each transformed column (see :mod:`auditor.lineage`)."""
        return column_lineage(self.preprocessor, self.feature_names, n_outputs)


def _one_per_row(y_pred: np.ndarray) -> np.ndarray:
    if y_pred.ndim == 2 and y_pred.shape[1] == 1:
        y_pred = y_pred[:, 0]
    if y_pred.ndim != 1:
        raise ValueError(f"Expected model.predict to return one value per row. Got shape {y_pred.shape}.")
    return y_pred


def _read_only(X: Any) -> Any:
    """A view of a dense array that no model call can write into (other inputs are copied)."""
    if isinstance(X, np.ndarray):
        view = X.view()
        view.flags.writeable = False
        return view
    return private_copy(X)


def _model_columns(
    estimator: Any, X: pd.DataFrame, grouping_only: tuple[str, ...], warnings: list[str]
) -> tuple[tuple[str, ...], bool]:
    names_in = getattr(estimator, "feature_names_in_", None)
    if names_in is not None:
        names = tuple(str(c) for c in names_in)
        missing = [c for c in names if c not in X.columns]
        if missing:
            raise ValueError(
                f"X is missing column(s) {missing} that the model was trained on. "
                f"Expected all of {list(names)}."
            )
        unused = [c for c in X.columns if c not in names and c not in grouping_only]
        if unused:
            warnings.append(f"Column(s) {unused} of X are not used by the model and were ignored.")
        return names, True
    n_in = getattr(estimator, "n_features_in_", None)
    all_cols = tuple(X.columns)
    without_sensitive = tuple(c for c in all_cols if c not in grouping_only)
    if n_in is None:
        # An estimator that states nothing gets the frame as the caller built it.
        return all_cols, True
    for candidate in (all_cols, without_sensitive):
        if len(candidate) == n_in:
            return candidate, False
    raise ValueError(
        f"Expected X to have the {n_in} column(s) the model was trained on. Got {len(all_cols)} "
        f"({len(without_sensitive)} without the sensitive features); the model does not record "
        "column names, so pass exactly its columns in training order."
    )


def _resolve_task(estimator: Any, y_true: np.ndarray, task: str) -> tuple[Task, np.ndarray | None]:
    from sklearn.base import is_classifier, is_regressor

    final = _final_estimator(estimator)
    classes = getattr(estimator, "classes_", None)
    if classes is None:
        classes = getattr(final, "classes_", None)
    classifier = classes is not None or _safe(is_classifier, estimator) or _safe(is_classifier, final)
    regressor = not classifier and (_safe(is_regressor, estimator) or _safe(is_regressor, final))
    if classifier:
        if classes is None:
            raise ValueError(
                f"Expected the classifier {type(final).__name__} to have classes_. Got none; is it fitted?"
            )
        classes = np.asarray(classes)
        if classes.ndim != 1:
            raise ValueError("Expected a single-output classifier. Got multi-output classes_.")
        if len(classes) < 2:
            raise ValueError(f"Expected the model to know at least two classes. Got classes_={_labels(classes)!r}.")
        detected: Task = "binary" if len(classes) == 2 else "multiclass"
        if task == "regression":
            raise ValueError(f"task='regression' contradicts the model: {type(final).__name__} is a classifier.")
        if task != "auto" and task != detected:
            raise ValueError(
                f"task={task!r} contradicts the model: it has {len(classes)} classes, so the task is {detected!r}."
            )
        return detected, classes
    if regressor:
        if task not in ("auto", "regression"):
            raise ValueError(f"task={task!r} contradicts the model: {type(final).__name__} is a regressor.")
        return "regression", None
    if task == "regression":
        return "regression", None
    if task in ("binary", "multiclass"):
        if y_true is None:
            raise ValueError(
                f"Expected y, or a model with classes_, to know the classes of {type(final).__name__}. Got neither."
            )
        classes = np.unique(y_true)
        return task, classes  # type: ignore[return-value]
    raise ValueError(
        f"Could not tell whether {type(final).__name__} is a classifier or a regressor "
        "(no classes_, no scikit-learn estimator type). Pass task='binary', 'multiclass' or 'regression'."
    )


def _safe(fn, est) -> bool:
    try:
        return bool(fn(est))
    except Exception:  # noqa: BLE001 - third-party estimators may not support tags
        return False


def _check_labels(y_true: np.ndarray, classes: np.ndarray, warnings: list[str]) -> None:
    present = pd.unique(pd.Series(y_true, dtype=object))
    known = [v for v in present if any(same_label(v, c) for c in classes)]
    if not known:
        raise ValueError(
            f"Expected y's labels to be among the model's classes {_labels(classes)!r}. "
            f"Got {_labels(present)[:10]!r} instead (check the target's encoding)."
        )
    if len(present) < 2:
        raise ValueError(
            f"Expected y to contain at least two classes for a classification audit. Got only {_labels(present)!r}."
        )
    unknown = [v for v in present if not any(same_label(v, c) for c in classes)]
    if unknown:
        warnings.append(
            f"y contains label(s) {_labels(unknown)!r} that the model never predicts (its classes are {_labels(classes)!r})."
        )


# -- predictions without a model --------------------------------------------------------

@dataclass(frozen=True)
class SuppliedPredictions:
    """Predictions given in place of a model (see ``Auditor.from_predictions``);
    validated against ``y_true`` when the audit is built."""

    y_pred: Any
    y_score: Any = None
    classes: Any = None


@dataclass
class PredictionsAdapter:
    """The model side of an audit built from predictions alone.

    It answers the same questions as :class:`ModelAdapter` (task, classes,
    positive class, the predictions) for sections that need no model; sections
    that do are skipped.
    """

    task: Task
    classes: np.ndarray | None
    pos_label: Any
    stored: Predictions
    warnings: list[str] = field(default_factory=list)

    has_model = False
    estimator = None
    feature_names: tuple[str, ...] = ()
    name = "(predictions only)"
    description = "Predictions supplied by the user; the model was not available."

    @classmethod
    def from_predictions(
        cls,
        supplied: SuppliedPredictions,
        y_true: np.ndarray,
        y_pred: np.ndarray,
        *,
        task: str = "auto",
        pos_label: Any = None,
    ) -> PredictionsAdapter:
        """Validate ``supplied`` against ``y_true`` (``y_pred`` already validated
        for its length and index)."""
        n = len(y_true)
        resolved, classes = _task_from_predictions(y_true, y_pred, task, supplied.classes)
        pos = None
        warnings: list[str] = []
        if resolved == "binary":
            pos, warning = resolve_pos_label(classes, pos_label)
            if warning:
                warnings.append(warning)
        stored = _predictions_from_scores(y_pred, supplied.y_score, resolved, classes, pos, n)
        return cls(task=resolved, classes=classes, pos_label=pos, stored=stored, warnings=warnings)

    def predictions(self, X: Any) -> Predictions:
        return self.stored


def _task_from_predictions(y_true: np.ndarray, y_pred: np.ndarray, task: str, classes: Any) -> tuple[Task, np.ndarray | None]:
    from sklearn.utils.multiclass import type_of_target

    if task not in _TASKS:
        raise ValueError(f"Expected task to be one of {_TASKS}. Got {task!r} instead.")
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
        pos_index = next(i for i, c in enumerate(classes) if same_label(c, pos_label))
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
