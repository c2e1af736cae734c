"""Dask as the engine: the audited rows stay on the cluster.

What runs where
---------------
- On the workers, one task per partition: the checks of the inputs (lengths,
  missing labels and groups, weights), then the model's predictions, and per
  row the few values the outcome sections read: true label, prediction,
  scores, sensitive values, weight, a 64-bit hash of the row's features and a
  bit per feature that is missing. The features themselves never leave.
- On the client, those narrow columns are put end to end in partition order,
  so row ``i`` of the audit is row ``i`` of the frame whatever its partitioning.
  Sections marked ``distributed`` (performance, fairness) compute over every row
  from them, with the very code and random draws of an in-memory audit.
- A section may also send its own per-partition work to the workers
  (:meth:`RemoteFrame.map_partitions`) and merge what comes back: the SHAP
  section does for a tree model (:mod:`auditor.explain._shap_dist`).
- A per-column statistic may read one column of every row at a time
  (:meth:`RemoteFrame.column`): the data-quality and drift sections do.
- Every other section runs on a stated sample: a seeded draw of row positions
  (keyed by ``random_state`` and positions, never by partition), whose rows are
  pulled from the workers and audited in memory.

A worker lost mid-way is Dask's to retry; a failure Dask gives up on becomes an
:class:`~auditor.errors.AuditEngineError` and no result at all.

The client's memory grows with the rows by about 40 bytes a row (labels,
predictions, scores, group labels, hashes), never with the features.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from auditor.data import (
    AuditData,
    SensitiveNan,
    row_hashes,
    validate_sample_weight,
    validate_sensitive_features,
    validate_target,
)
from auditor.errors import AuditEngineError, AuditInputError
from auditor.model import ModelAdapter, Predictions

__all__ = ["DaskInputs", "RemoteFrame", "DEFAULT_MAX_SAMPLES", "HEAD_ROWS", "sample_positions"]

#: Rows of the first partition the model's pre-flight checks are tried on.
HEAD_ROWS = 1000

#: Default size of the sample the non-distributed sections audit in memory.
DEFAULT_MAX_SAMPLES = 20_000

#: Distinct labels kept per partition for the checks of y (a classifier has few).
_MAX_LABELS = 1000

#: Columns y and sample_weight travel under, beside X's, in one frame: a Dask
#: collection's partitions can differ from those of a column taken from it (a
#: Parquet read of fewer columns merges small files), so every pass reads the
#: same frame and row ``i`` is the same row in each.
_Y, _W = "__auditor_y__", "__auditor_sample_weight__"


def _dask():
    try:
        import dask
        import dask.dataframe  # noqa: F401 - the collections below
    except ImportError as exc:  # pragma: no cover - only reachable with a dask object and no dask
        raise ImportError('The Dask engine needs the optional extra: pip install "auditor[dask]".') from exc
    return dask


def _compute(tasks: Sequence[Any], what: str) -> list[Any]:
    """Compute ``tasks`` on the current scheduler; a cluster failure becomes one clear error.

    Errors raised by the model or the data inside a task (ValueError, TypeError,
    KeyError) come back as they are: they are about the inputs, and the audit
    reports them as such.
    """
    dask = _dask()
    try:
        return list(dask.compute(*tasks))
    except (ValueError, TypeError, KeyError, AuditInputError):
        raise
    except Exception as exc:  # noqa: BLE001 - KilledWorker, CommClosedError, TimeoutError, ...
        raise AuditEngineError(
            f"The Dask cluster failed while {what}: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}. "
            "No result was produced; check the workers (memory, logs) and run the audit again."
        ) from exc


def sample_positions(n_rows: int, max_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted positions of the rows a sampled section audits: every row up to
    ``max_samples``, else a uniform draw without replacement. The draw depends on
    the generator and the number of rows only, never on the partitioning."""
    if n_rows <= max_samples:
        return np.arange(n_rows)
    return np.sort(rng.choice(n_rows, size=max_samples, replace=False))


# -- work done on the workers, one partition at a time --------------------------------
def _labels_of(y: pd.Series) -> np.ndarray:
    # as validate_target reads them: categories as their values
    return np.asarray(y.astype(object)) if isinstance(y.dtype, pd.CategoricalDtype) else y.to_numpy()


def _split(part: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series | None, pd.Series | None]:
    X = part.drop(columns=[c for c in (_Y, _W) if c in part.columns])
    return X, part[_Y] if _Y in part.columns else None, part[_W] if _W in part.columns else None


def _partition_checks(part: pd.DataFrame, sensitive: tuple[str, ...]) -> dict:
    X, y, w = _split(part)
    out: dict[str, Any] = {"n": len(X), "n_y": None if y is None else len(y), "n_w": None if w is None else len(w)}
    if y is not None:
        out["y_missing"] = int(y.isna().sum())
        labels = pd.unique(pd.Series(_labels_of(y.dropna()), dtype=object))
        out["y_labels"] = list(labels[:_MAX_LABELS])
    out["sensitive_missing"] = {c: int(X[c].isna().sum()) for c in sensitive}
    out["sensitive_values"] = {c: list(pd.unique(X[c].dropna().astype(object))[:_MAX_LABELS]) for c in sensitive}
    return out


def _partition_outcomes(part: pd.DataFrame, adapter: ModelAdapter, sensitive: tuple[str, ...]) -> dict:
    X, y, w = _split(part)
    X = X.reset_index(drop=True)
    predictions, _ = adapter.predict_all(X)
    na = X.isna().to_numpy()
    missing_cols = np.flatnonzero(na.any(axis=0))
    return {
        "n": len(X),
        "y": None if y is None else _labels_of(y),
        "predictions": predictions,
        "sensitive": X[list(sensitive)],
        "w": None if w is None else w.to_numpy(dtype=float),
        "hash_all": row_hashes(X),
        "hash_model": row_hashes(X[list(adapter.feature_names)]),
        "missing_columns": [str(X.columns[c]) for c in missing_cols],
        "missing_bits": np.packbits(na[:, missing_cols], axis=1) if len(missing_cols) else None,
    }


def _first_rows(part: pd.DataFrame, n: int) -> tuple:
    X, y, w = _split(part.iloc[:n])
    return X.reset_index(drop=True), None if y is None else y.reset_index(drop=True), w


def _take(part: pd.DataFrame, local: np.ndarray) -> pd.DataFrame:
    return _split(part)[0].iloc[local]


def _column(part: pd.DataFrame, name: str) -> pd.Series:
    return part[name]


def _hash(part: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    return row_hashes(_split(part)[0][list(columns)])


def _apply(part: pd.DataFrame, func: Any, args: tuple, shared: tuple) -> Any:
    return func(_split(part)[0].reset_index(drop=True), *args, *shared)


# -- the client's view ------------------------------------------------------------------
class RemoteFrame:
    """The audited features, left on the cluster: what the context may ask of them.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        X's columns (and y's and the weights' under reserved names), never modified.
    columns : list of str
        X's columns.
    lengths : sequence of int
        Rows of each partition.
    """

    def __init__(self, frame: Any, columns: list[str], lengths: Sequence[int]) -> None:
        self._frame = frame
        self._columns = pd.Index(columns)
        self.lengths = np.asarray(lengths, dtype=np.int64)
        self.offsets = np.r_[0, np.cumsum(self.lengths)]
        self._hashes: dict[tuple[str, ...] | None, np.ndarray] = {}
        self._missing: tuple[list[str], np.ndarray] | None = None

    @property
    def columns(self) -> pd.Index:
        return self._columns

    @property
    def dtypes(self) -> pd.Series:
        return self._frame.dtypes[list(self._columns)]

    @property
    def shape(self) -> tuple[int, int]:
        return int(self.offsets[-1]), len(self.columns)

    def __len__(self) -> int:
        return int(self.offsets[-1])

    @property
    def npartitions(self) -> int:
        return len(self.lengths)

    def row_hash(self, columns: tuple[str, ...] | None) -> np.ndarray:
        """Hashes of every row's values in ``columns`` (``None``: all), as
        :func:`auditor.data.row_hashes` gives them in memory."""
        if columns not in self._hashes:
            dask = _dask()
            parts = self._frame.to_delayed()
            cols = tuple(self.columns) if columns is None else columns
            done = _compute([dask.delayed(_hash)(p, cols) for p in parts], "hashing the rows")
            self._hashes[columns] = np.concatenate(done) if done else np.zeros(0, dtype=np.uint64)
        return self._hashes[columns]

    def missing_values(self) -> tuple[list[str], np.ndarray]:
        """The columns with a missing value and where (``(n_rows, k)`` booleans)."""
        if self._missing is None:
            raise RuntimeError("Expected the outcomes to be collected before the missing values are read.")
        return self._missing

    def column(self, name: str) -> pd.Series:
        """Column ``name`` of every row, pulled to the client in frame order (on a
        RangeIndex): one column of the frame in memory at a time, never all of them."""
        if name not in self._columns:
            raise KeyError(f"Expected a column of X. Got {name!r}; X has {list(self._columns)[:20]}.")
        dask = _dask()
        parts = _compute([dask.delayed(_column)(p, name) for p in self._frame.to_delayed()], f"reading column {name!r}")
        meta = self._frame._meta[name]
        if not parts:
            return meta.reset_index(drop=True)
        s = pd.concat(parts, ignore_index=True)
        if isinstance(meta.dtype, pd.CategoricalDtype) and meta.dtype.categories is not None and s.dtype != meta.dtype:
            # partitions that saw different categories concatenate to objects: back to the frame's dtype
            s = s.astype(meta.dtype)
        return s.rename(name)

    def take(self, positions: np.ndarray) -> pd.DataFrame:
        """The rows at ``positions``, in that order, pulled to the client (on a RangeIndex)."""
        dask = _dask()
        positions = np.asarray(positions, dtype=np.int64)
        if len(positions) and (positions.min() < 0 or positions.max() >= len(self)):
            raise IndexError(f"Expected row positions in [0, {len(self)}). Got {positions.min()}..{positions.max()}.")
        unique, inverse = np.unique(positions, return_inverse=True)
        part = np.searchsorted(self.offsets[1:], unique, side="right")
        parts = self._frame.to_delayed()
        tasks = [dask.delayed(_take)(parts[p], unique[part == p] - self.offsets[p]) for p in np.unique(part)]
        frames = _compute(tasks, f"pulling {len(unique):,} sampled rows")
        if not frames:
            return self._frame._meta[list(self._columns)].iloc[:0]
        pulled = pd.concat(frames, ignore_index=True)
        return pulled.iloc[inverse].reset_index(drop=True)

    def map_partitions(self, func: Any, args: Sequence[tuple], shared: tuple, what: str) -> list[Any]:
        """``func(features, *args[i], *shared)`` on each partition ``i``, on the
        workers; the results in partition order.

        ``features`` is the partition's columns of X on a RangeIndex (row ``k`` is
        the frame's row ``offsets[i] + k``). ``shared`` (a model, say) is sent once
        per worker, not once per partition; ``args`` are small per-partition
        values (slices of the collected outcomes). Nothing else leaves the
        cluster: ``func`` returns what the client merges.
        """
        dask = _dask()
        if len(args) != self.npartitions:
            raise ValueError(f"Expected one tuple of arguments per partition ({self.npartitions}). Got {len(args)}.")
        common = dask.delayed(tuple(shared), pure=True, traverse=False)
        parts = self._frame.to_delayed()
        return _compute([dask.delayed(_apply)(p, func, tuple(a), common) for p, a in zip(parts, args)], what)

    # filled by DaskInputs.collect from the same pass as the predictions
    def _remember(self, hash_all: np.ndarray, hash_model: np.ndarray, model_columns: tuple[str, ...],
                  missing: tuple[list[str], np.ndarray]) -> None:
        self._hashes[None] = hash_all
        self._hashes[tuple(self.columns)] = hash_all
        self._hashes[model_columns] = hash_model
        self._missing = missing


@dataclass(frozen=True)
class _Checks:
    lengths: tuple[int, ...]
    y_labels: np.ndarray | None
    sensitive_values: dict[str, list[Any]]


class DaskInputs:
    """Validated Dask inputs of an audit, and the passes over them.

    Validation reads the frames' metadata, then one light pass over the
    partitions (their lengths, missing labels and group values, the labels
    present); the model is tried on the first rows (:attr:`head`). Every error
    names the argument or column at fault, as for in-memory inputs.

    Parameters
    ----------
    X : dask.dataframe.DataFrame
    y : dask.dataframe.Series or None
        One value per row of ``X``, with the same partitions.
    sensitive_features : str or list of str, optional
        Column names of ``X``.
    sample_weight : dask.dataframe.Series, optional
        With the same partitions as ``X``.
    sensitive_nan : {"raise", "group"}
    """

    def __init__(self, X: Any, y: Any, *, sensitive_features: Any = None, sample_weight: Any = None,
                 sensitive_nan: SensitiveNan = "raise") -> None:
        _dask()
        import dask.dataframe as dd

        if not isinstance(X, dd.DataFrame):
            raise TypeError(
                "Expected X to be a dask.dataframe.DataFrame (or a pandas DataFrame) when the audit's inputs are Dask "
                f"collections. Got {type(X).__name__} instead."
            )
        _check_columns(X)
        self.X = X
        self.y = _series(y, X, "y")
        self.sample_weight = _series(sample_weight, X, "sample_weight")
        self.target_name = "target" if self.y is None or self.y.name is None else str(self.y.name)
        self.sensitive = _sensitive_names(sensitive_features, X)
        self.sensitive_nan = sensitive_nan
        if sensitive_nan not in ("raise", "group"):
            raise AuditInputError(f"Expected sensitive_nan to be 'raise' or 'group'. Got {sensitive_nan!r} instead.")
        self._frame = self._combined()
        self._checks = self._check_partitions()
        self.n_rows = int(sum(self._checks.lengths))
        self.remote = RemoteFrame(self._frame, list(X.columns), self._checks.lengths)
        self.head = self._head()

    # -- validation -----------------------------------------------------------------
    def _combined(self) -> Any:
        """X with y and the weights as columns: one frame, one partitioning."""
        extra = {name: s for name, s in ((_Y, self.y), (_W, self.sample_weight)) if s is not None}
        if not extra:
            return self.X
        try:
            return self.X.assign(**extra)
        except (ValueError, NotImplementedError) as exc:
            which = " and ".join("y" if k == _Y else "sample_weight" for k in extra)
            raise AuditInputError(
                f"Expected {which} to have X's rows and partitions. Dask could not line them up "
                f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); take them from the same frame, e.g. "
                "y = frame['target'] and X = frame.drop(columns='target')."
            ) from None

    def _check_partitions(self) -> _Checks:
        dask = _dask()
        y = self.y
        done = _compute([dask.delayed(_partition_checks)(p, self.sensitive) for p in self._frame.to_delayed()],
                        "checking the inputs")
        lengths = tuple(int(p["n"]) for p in done)
        if sum(lengths) == 0:
            raise AuditInputError(f"Expected X to have at least one row and one column. Got shape (0, {len(self.X.columns)}).")
        if y is not None:
            missing = sum(p["y_missing"] for p in done)
            if missing:
                first = next(i for i, p in enumerate(done) if p["y_missing"])
                raise AuditInputError(
                    f"Expected no missing values in y. Got {missing:,} (the first in partition {first}); "
                    "drop or impute those rows before auditing."
                )
        missing_groups = {c: sum(p["sensitive_missing"][c] for p in done) for c in self.sensitive}
        missing_groups = {c: n for c, n in missing_groups.items() if n}
        if missing_groups and self.sensitive_nan == "raise":
            raise AuditInputError(
                f"Expected no missing values in the sensitive feature(s) {sorted(missing_groups)}. Got "
                f"{missing_groups} missing. Pass sensitive_nan='group' to audit them as an explicit '(missing)' "
                "group, or drop those rows."
            )
        labels = None
        if y is not None:
            labels = pd.unique(pd.Series([v for p in done for v in p["y_labels"]], dtype=object))
        values = {c: list(pd.unique(pd.Series([v for p in done for v in p["sensitive_values"][c]], dtype=object)))
                  for c in self.sensitive}
        return _Checks(lengths, None if labels is None else np.asarray(labels), values)

    def _head(self) -> AuditData:
        """The first rows, in memory: what the model's pre-flight checks try."""
        dask = _dask()
        first = next(i for i, n in enumerate(self._checks.lengths) if n)
        part = self._frame.to_delayed()[first]
        X, y, _ = _compute([dask.delayed(_first_rows)(part, HEAD_ROWS)], "reading the first rows")[0]
        n = len(X)
        y = None if y is None else validate_target(pd.Series(_labels_of(y)), n, None)[0]
        sensitive = validate_sensitive_features(list(self.sensitive) or None, X, n, None,
                                                sensitive_nan=self.sensitive_nan)
        return AuditData(X, y, sensitive.frame, None, pd.RangeIndex(n), self.target_name)

    @property
    def y_labels(self) -> np.ndarray | None:
        """The distinct labels of y over every partition (``None`` without y)."""
        return self._checks.y_labels

    @property
    def sensitive_values(self) -> dict[str, pd.Series]:
        """Each sensitive column's distinct values, for the checks of group labels
        made when the audit is set up."""
        return {c: pd.Series(v, dtype=object, name=c) for c, v in self._checks.sensitive_values.items()}

    # -- the outcomes -------------------------------------------------------------------
    def collect(self, adapter: ModelAdapter) -> tuple[AuditData, Predictions]:
        """Predict on the workers and bring back every row's outcomes.

        Returns the audit's data (``X`` a :class:`RemoteFrame`) and predictions,
        rows in the frame's order.
        """
        dask = _dask()
        model = dask.delayed(adapter, pure=True)  # sent once per worker, not once per partition
        parts = _compute([dask.delayed(_partition_outcomes)(p, model, self.sensitive) for p in self._frame.to_delayed()],
                         "predicting on the partitions")
        n = sum(p["n"] for p in parts)
        if n != self.n_rows:
            raise AuditEngineError(f"Expected {self.n_rows:,} rows, as when the audit was set up. Got {n:,}: did "
                                   "the data change underneath the audit?")
        y_true = None
        if self.y is not None:
            values = np.concatenate([p["y"] for p in parts])
            y_true, _ = validate_target(pd.Series(values, name=self.target_name), n, None)
        sensitive = validate_sensitive_features(
            list(self.sensitive) or None,
            pd.concat([p["sensitive"] for p in parts], ignore_index=True) if self.sensitive else None,
            n, None, sensitive_nan=self.sensitive_nan)
        w = None
        if self.sample_weight is not None:
            w = validate_sample_weight(np.concatenate([p["w"] for p in parts]), n, None)
        predictions = Predictions(
            y_pred=np.concatenate([p["predictions"].y_pred for p in parts]),
            proba=_stack([p["predictions"].proba for p in parts]),
            decision=_stack([p["predictions"].decision for p in parts]),
        )
        self.remote._remember(
            np.concatenate([p["hash_all"] for p in parts]),
            np.concatenate([p["hash_model"] for p in parts]),
            tuple(adapter.feature_names),
            _missing_matrix(parts, list(self.X.columns)),
        )
        data = AuditData(self.remote, y_true, sensitive.frame, w, pd.RangeIndex(n), self.target_name)
        return data, predictions

    def sample(self, data: AuditData, predictions: Predictions, positions: np.ndarray) -> tuple[AuditData, Predictions]:
        """The audit's rows at ``positions`` in memory: their features pulled from
        the workers, their outcomes sliced from the collected ones. The sample's
        index names each row by its position in the whole frame."""
        X = self.remote.take(positions)
        sub = AuditData(
            X,
            None if data.y_true is None else data.y_true[positions],
            data.sensitive_features.iloc[positions].reset_index(drop=True),
            None if data.sample_weight is None else data.sample_weight[positions],
            pd.Index(positions, name="row"),
            data.target_name,
        )
        return sub, Predictions(
            y_pred=predictions.y_pred[positions],
            proba=None if predictions.proba is None else predictions.proba[positions],
            decision=None if predictions.decision is None else predictions.decision[positions],
        )


def _stack(arrays: list[np.ndarray | None]) -> np.ndarray | None:
    return None if arrays[0] is None else np.concatenate(arrays)


def _missing_matrix(parts: list[dict], columns: list[str]) -> tuple[list[str], np.ndarray]:
    names = [c for c in columns if any(c in p["missing_columns"] for p in parts)]
    where = {c: j for j, c in enumerate(names)}
    blocks = []
    for p in parts:
        block = np.zeros((p["n"], len(names)), dtype=bool)
        if p["missing_bits"] is not None:
            bits = np.unpackbits(p["missing_bits"], axis=1, count=len(p["missing_columns"])).astype(bool)
            block[:, [where[c] for c in p["missing_columns"]]] = bits
        blocks.append(block)
    return names, np.concatenate(blocks) if blocks else np.zeros((0, len(names)), dtype=bool)


def _check_columns(X: Any) -> None:
    columns = list(X.columns)
    if not columns:
        raise AuditInputError("Expected X to have at least one row and one column. Got no column.")
    non_str = [c for c in columns if not isinstance(c, str)]
    if non_str:
        raise AuditInputError(
            f"Expected X's column names to be strings. Got {non_str[:5]!r}; rename them, e.g. "
            "X = X.rename(columns=str)."
        )
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        raise AuditInputError(f"Expected unique column names in X. Got duplicates: {dupes}.")


def _series(obj: Any, X: Any, name: str) -> Any:
    import dask.dataframe as dd

    if obj is None:
        return None
    if isinstance(obj, dd.DataFrame):
        if len(obj.columns) != 1:
            raise AuditInputError(f"Expected {name} to be one column. Got a Dask DataFrame with {len(obj.columns)} columns.")
        obj = obj[obj.columns[0]]
    if not isinstance(obj, dd.Series):
        raise TypeError(
            f"Expected {name} to be a dask.dataframe.Series with X's partitions, since X is a Dask DataFrame. "
            f"Got {type(obj).__name__} instead; take it from the same frame (frame['{name}'])."
        )
    if obj.npartitions != X.npartitions:
        raise AuditInputError(
            f"Expected {name} to have X's partitions. Got {obj.npartitions} partitions against {X.npartitions} in X; "
            "take both from the same frame."
        )
    return obj


def _sensitive_names(sensitive_features: Any, X: Any) -> tuple[str, ...]:
    if sensitive_features is None:
        return ()
    names = [sensitive_features] if isinstance(sensitive_features, str) else sensitive_features
    if not isinstance(names, (list, tuple)) or not all(isinstance(c, str) for c in names):
        raise TypeError(
            "Expected sensitive_features to be column names of X when X is a Dask DataFrame. "
            f"Got {type(sensitive_features).__name__} instead; add the values to X as columns and name them."
        )
    unknown = [c for c in names if c not in X.columns]
    if unknown:
        raise KeyError(
            f"sensitive_features names column(s) {unknown} that are not in X. Expected some of {list(X.columns)[:20]}."
        )
    if len(set(names)) != len(names):
        raise AuditInputError(f"Expected distinct sensitive feature names. Got {list(names)!r}.")
    return tuple(names)
