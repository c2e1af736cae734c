"""The shared context every section reads: validated data, the model adapter and
everything computed from them once (predictions, scores, transformed matrix, and
any artefact a later section reuses, such as SHAP values)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from auditor.artifacts import REFERENCE_PREDICTIONS, TRANSFORMED, X_MODEL
from auditor.data import AuditData, missing_matrix, row_hashes
from auditor.model import ModelAdapter, Predictions, Task, same_label
from auditor.progress import ProgressReporter, Silent
from auditor.reference import ReferenceData
from auditor.results import RecordedWarning, SectionResult

__all__ = ["AuditContext", "Predictions", "SkipSection", "stable_seed", "NO_LABELS"]

#: Why a section that needs the true outcomes is skipped when the audit has none.
NO_LABELS = (
    "needs the true outcomes y; the audited rows have none yet (Auditor(model, X, None, ...)). "
    "The drift section estimates the performance without labels when X_reference and y_reference are given"
)

T = TypeVar("T")


class SkipSection(Exception):
    """Raised by a section that does not apply (recorded as skipped with the reason)."""


def stable_seed(random_state: int, key: str) -> list[int]:
    """Seed material for the random stream of one step of the audit.

    Each step gets its own stream derived from ``(random_state, key)``, so the
    numbers one section draws do not depend on which other sections ran, or in
    which order. ``hash()`` is salted per process, so a digest is used instead.
    """
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return [int(random_state), int.from_bytes(digest[:8], "little")]


class AuditContext:
    """Validated inputs and shared computations for one audit.

    Sections read from the context and never modify its arrays. Expensive
    intermediate results are shared through :meth:`memo` (keys in
    :mod:`auditor.artifacts`), so they are computed once whichever section asks
    first; the results of sections that already ran are read with :meth:`result`.
    The context holds no policy: thresholds judge results afterwards and never
    steer a computation.
    """

    def __init__(
        self,
        *,
        data: AuditData,
        model: ModelAdapter | None,
        predictions: Predictions,
        task: Task,
        classes: np.ndarray | None,
        pos_label: Any,
        random_state: int,
        n_bootstrap: int,
        confidence_level: float = 0.95,
        n_jobs: int | None = None,
        progress: ProgressReporter | None = None,
        reference: ReferenceData | None = None,
    ) -> None:
        self.data = data
        self.reference = reference
        self.model = model
        self.predictions = predictions
        self.task = task
        self.classes = classes
        self.pos_label = pos_label
        self.random_state = random_state
        self.n_bootstrap = n_bootstrap
        self.confidence_level = confidence_level
        self.n_jobs = n_jobs
        self._memo: dict[str, Any] = {}
        self._results: dict[str, SectionResult] = {}
        self.progress: ProgressReporter = progress or Silent()
        self._lock = threading.RLock()
        self.warnings: list[RecordedWarning] = []
        self._encode_labels()

    # -- plain accessors ---------------------------------------------------------
    @property
    def n_rows(self) -> int:
        return self.data.n_rows

    @property
    def X(self) -> pd.DataFrame | None:
        return self.data.X

    @property
    def has_labels(self) -> bool:
        """Whether the audited rows come with their true outcomes."""
        return self.data.y_true is not None

    @property
    def y_true(self) -> np.ndarray:
        """The true outcomes; a section reading them in an audit without labels is
        skipped (:class:`SkipSection`) with the reason."""
        if self.data.y_true is None:
            raise SkipSection(NO_LABELS)
        return self.data.y_true

    @property
    def y_pred(self) -> np.ndarray:
        return self.predictions.y_pred

    @property
    def sensitive_features(self) -> pd.DataFrame:
        return self.data.sensitive_features

    @property
    def sample_weight(self) -> np.ndarray | None:
        return self.data.sample_weight

    @property
    def weights(self) -> np.ndarray:
        """Sample weights, or ones: the weight of every row in weighted sums."""
        w = self.data.sample_weight
        return np.ones(self.n_rows) if w is None else w

    @property
    def is_classification(self) -> bool:
        return self.task in ("binary", "multiclass")

    # -- label encodings (classification) -----------------------------------------
    def _encode_labels(self) -> None:
        self.labels: tuple[Any, ...] = ()
        self._y_true_code: np.ndarray | None = None
        self.y_pred_code: np.ndarray | None = None
        if not self.is_classification:
            return
        labels = list(self.classes)
        # labels of y the model never predicts still count as rows of the
        # confusion matrix
        if self.has_labels:
            for v in pd.unique(pd.Series(self.y_true, dtype=object)):
                if not any(same_label(v, c) for c in labels):
                    labels.append(v)
        self.labels = tuple(labels)
        if self.has_labels:
            self._y_true_code = _encode(self.y_true, labels, "y")
        self.y_pred_code = _encode(self.y_pred, labels, "the model's predictions")

    @property
    def y_true_code(self) -> np.ndarray | None:
        """Classification: each row's true label as an index into ``labels``
        (``None`` for regression; skips the section without labels)."""
        if self.is_classification and not self.has_labels:
            raise SkipSection(NO_LABELS)
        return self._y_true_code

    def encode(self, values: np.ndarray, what: str) -> tuple[np.ndarray, tuple[Any, ...]]:
        """Codes of classification labels ``values`` over ``labels``, extended by any
        label they hold that ``labels`` lacks (the reference's labels, say).

        Returns the codes and the extended labels.
        """
        labels = list(self.labels)
        for v in pd.unique(pd.Series(np.asarray(values), dtype=object)):
            if not any(same_label(v, c) for c in labels):
                labels.append(v)
        return _encode(values, labels, what), tuple(labels)

    @property
    def pos_index(self) -> int | None:
        if self.task != "binary":
            return None
        return next(i for i, c in enumerate(self.labels) if same_label(c, self.pos_label))

    @property
    def y_true_pos(self) -> np.ndarray:
        """Binary task: whether each row's true label is the positive class."""
        return self.y_true_code == self.pos_index

    @property
    def y_pred_pos(self) -> np.ndarray:
        return self.y_pred_code == self.pos_index

    @property
    def score_kind(self) -> str:
        if self.predictions.proba is not None:
            return "probability"
        if self.predictions.decision is not None:
            return "decision"
        return "none"

    @property
    def y_score(self) -> np.ndarray | None:
        """Binary: a score where higher means the positive class; multiclass: the
        ``(n_rows, n_classes)`` probabilities or decision scores; else ``None``."""
        return self.score_of(self.predictions)

    def score_of(self, p: Predictions) -> np.ndarray | None:
        """The scores of ``p`` as :attr:`y_score` gives them (for the reference's predictions too)."""
        if self.task == "binary":
            if p.proba is not None:
                return p.proba[:, self.pos_index]
            if p.decision is not None:
                # decision_function scores classes[1]; flip it when the positive
                # class is classes[0]
                return p.decision if self.pos_index == 1 else -p.decision
            return None
        if self.task == "multiclass":
            return p.proba if p.proba is not None else p.decision
        return None

    # -- shared computations ------------------------------------------------------
    def rng(self, key: str) -> np.random.Generator:
        """A random generator for the step named ``key`` (see :func:`stable_seed`)."""
        return np.random.default_rng(stable_seed(self.random_state, key))

    def seed(self, key: str) -> int:
        """An integer seed for libraries that take one (scikit-learn, LIME)."""
        return int(np.random.SeedSequence(stable_seed(self.random_state, key)).generate_state(1)[0])

    def ticker(self, label: str, total: int) -> Callable[[int], None]:
        """``advance(n=1)`` for a long step of ``total`` units, reporting to the
        audit's progress reporter (nothing when there is none). Safe from threads."""
        state = {"done": 0}
        lock = threading.Lock()
        report = self.progress.step

        def advance(n: int = 1) -> None:
            with lock:
                state["done"] += n
                report(label, state["done"], total)

        return advance

    def result(self, name: str) -> SectionResult | None:
        """The result of section ``name`` if it already ran in this audit, else ``None``
        (a section declares the sections it reads in ``after``)."""
        return self._results.get(name)

    def add_result(self, name: str, result: SectionResult) -> None:
        """Called by the audit when section ``name`` completes."""
        self._results[name] = result

    def memo(self, key: str, factory: Callable[[], T]) -> T:
        """Return the artefact ``key``, computing it with ``factory`` the first time."""
        with self._lock:
            if key not in self._memo:
                self._memo[key] = factory()
            return self._memo[key]

    def has(self, key: str) -> bool:
        return key in self._memo

    def release(self, *keys: str) -> None:
        """Forget the artefacts ``keys``: a later :meth:`memo` computes them again
        (the same values), and nothing here keeps their memory alive meanwhile."""
        with self._lock:
            for key in keys:
                self._memo.pop(key, None)

    def peek(self, key: str) -> Any:
        """The artefact ``key`` if an earlier step computed it, else ``None``
        (never triggers a computation)."""
        return self._memo.get(key)

    @property
    def reference_predictions(self) -> Predictions | None:
        """The model's outputs on the reference rows, computed once on first use;
        ``None`` without reference data or without the model."""
        if self.reference is None or self.model is None:
            return None
        return self.memo(REFERENCE_PREDICTIONS, lambda: self.model.predictions(self.reference.X))

    @property
    def X_model(self) -> Any:
        """The model's input: its columns of X, in its order."""
        if self.model is None or self.X is None:
            raise SkipSection("needs the model and X; this audit was built from predictions only")
        return self.memo(X_MODEL, lambda: self.model.model_input(self.X))

    @property
    def transformed(self) -> Any:
        """The design matrix the final estimator sees (a pipeline's preprocessor output)."""
        return self.memo(TRANSFORMED, lambda: self.model.transform(self.X_model))

    # -- the rows' features, wherever they live ---------------------------------------
    # In memory they are ``X``; under the Dask engine they stay on the cluster and
    # these four calls are the only ways a distributed section reads them.
    def row_hash(self, columns: Any = None) -> np.ndarray:
        """A 64-bit hash of every row's values in ``columns`` (default all of X),
        for orders defined by content (see :func:`auditor.data.row_hashes`)."""
        X = self.X
        if isinstance(X, pd.DataFrame):
            return row_hashes(X if columns is None else X[list(columns)])
        return X.row_hash(None if columns is None else tuple(columns))

    def missing_values(self) -> tuple[list[str], np.ndarray]:
        """The columns of X with a missing value, and the ``(n_rows, n_those)``
        boolean matrix of where they are missing."""
        X = self.X
        if isinstance(X, pd.DataFrame):
            return missing_matrix(X)
        return X.missing_values()

    def column(self, name: str) -> pd.Series:
        """Every row's value in column ``name`` of X, in row order, on a
        ``RangeIndex``: under the Dask engine one column is pulled from the
        workers at a time, so a per-column statistic sees every row while the
        client never holds the whole frame."""
        X = self.X
        if isinstance(X, pd.DataFrame):
            return X[name]
        return X.column(name)

    def take_rows(self, positions: np.ndarray) -> pd.DataFrame:
        """The rows of X at ``positions`` (in that order), in memory: what a
        sample-based step pulls from a cluster."""
        X = self.X
        if isinstance(X, pd.DataFrame):
            return X.iloc[np.asarray(positions)]
        return X.take(np.asarray(positions))

    def warn(self, source: str, message: str) -> None:
        """Record something the report's reader should know."""
        w = RecordedWarning(source=source, message=message)
        if w not in self.warnings:
            self.warnings.append(w)


def _encode(values: np.ndarray, labels: list[Any], what: str) -> np.ndarray:
    # Object-dtype hashing compares labels by value (1 == 1.0 == True) but never
    # matches a string to a number, the same rule as ``same_label``.
    index = pd.Index([lab.item() if hasattr(lab, "item") else lab for lab in labels], dtype=object)
    arr = np.asarray(values)
    # astype(object) yields Python scalars; only an object array may hold numpy ones
    plain = pd.Series(arr.astype(object) if arr.dtype != object else [v.item() if hasattr(v, "item") else v for v in arr], dtype=object)
    codes = index.get_indexer(plain.to_numpy())
    if (codes < 0).any():
        bad = pd.unique(plain[codes < 0])[:5]
        raise ValueError(f"Expected {what} to use the labels {list(index)!r}. Got {list(bad)!r}.")
    return codes.astype(np.int64)
