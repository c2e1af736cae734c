"""The Dataset container and access to the compressed data files bundled with the package."""

from __future__ import annotations

import functools
import hashlib
import lzma
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import pandas as pd

__all__ = ["Dataset"]

_DATA_DIR = "data"
_SUMS_FILE = "SHA256SUMS"


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A tabular classification dataset ready for a fairness and explainability audit.

    The features, the binary target and the metadata an audit needs (which
    columns are sensitive, which label is the favourable one, where the data
    comes from and under which licence) travel together so that nothing has to
    be re-typed, or guessed, by the caller.

    Parameters
    ----------
    name : str
        Short identifier, e.g. ``"adult"`` or ``"german_credit"``.
    X : pandas.DataFrame
        The features, sensitive columns included, with a fresh ``RangeIndex``.
        Categorical columns use the pandas ``category`` dtype with sorted
        categories; numeric columns are ``int64``.
    y : pandas.Series
        The target: ``int64`` values 0 and 1, named ``target_name``, aligned with `X`.
    sensitive_features : tuple of str
        Columns of `X` that hold protected attributes. They are kept in `X`;
        drop them before fitting if the model must not see them.
    pos_label : int
        The value of `y` that is the favourable outcome (always 1 here).
    target_name : str
        Name of the target, equal to ``y.name``.
    description : str
        Plain-language description: what a row is, what ``y == 1`` means, the
        sensitive columns, how the raw files were turned into `X` and `y`,
        source and licence.
    licence : str
        Licence and attribution, e.g.
        ``"CC BY 4.0 — UCI Machine Learning Repository, Adult (Becker & Kohavi, 1996)"``.
    categorical_features : tuple of str
        Columns of `X` with the ``category`` dtype.
    numeric_features : tuple of str
        Columns of `X` with an integer dtype. Together with
        `categorical_features` this covers every column of `X` exactly once.

    Raises
    ------
    ValueError
        If the metadata does not match the data (unknown column names, columns
        listed twice or not at all, misaligned `y`, labels other than 0 and 1).

    Notes
    -----
    The instance is frozen, but `X` and `y` are ordinary pandas objects: the
    loaders hand every caller its own copies, so changing them affects nobody
    else. Equality and hashing are by identity, because comparing two
    DataFrames with ``==`` has no single truth value.
    """

    name: str
    X: pd.DataFrame
    y: pd.Series
    sensitive_features: tuple[str, ...]
    pos_label: int
    target_name: str
    description: str
    licence: str
    categorical_features: tuple[str, ...]
    numeric_features: tuple[str, ...]

    def __post_init__(self) -> None:
        # Catch a loader that drifts from its own metadata here, at construction,
        # rather than as a confusing KeyError deep inside an audit.
        columns = list(self.X.columns)
        if len(set(columns)) != len(columns):
            raise ValueError(f"{self.name}: X has duplicate column names")
        for field in ("sensitive_features", "categorical_features", "numeric_features"):
            value = getattr(self, field)
            if not isinstance(value, tuple):
                raise ValueError(f"{self.name}: {field} must be a tuple, got {type(value).__name__}")
            unknown = [c for c in value if c not in columns]
            if unknown:
                raise ValueError(f"{self.name}: {field} names columns not in X: {unknown}")
        listed = self.categorical_features + self.numeric_features
        if sorted(listed) != sorted(columns):
            raise ValueError(
                f"{self.name}: categorical_features and numeric_features must cover every column of X exactly once"
            )
        if len(self.y) != len(self.X) or not self.y.index.equals(self.X.index):
            raise ValueError(f"{self.name}: y is not aligned with X")
        if self.y.name != self.target_name:
            raise ValueError(f"{self.name}: y is named {self.y.name!r}, expected {self.target_name!r}")
        if not set(self.y.unique()) <= {0, 1} or self.pos_label not in (0, 1):
            raise ValueError(f"{self.name}: y and pos_label must be 0/1")

    def __repr__(self) -> str:
        # The default repr would print both frames and the whole description.
        return (
            f"Dataset(name={self.name!r}, n_rows={len(self.X)}, n_features={self.X.shape[1]}, "
            f"target_name={self.target_name!r}, pos_label={self.pos_label}, "
            f"sensitive_features={self.sensitive_features!r})"
        )


def _data_dir() -> Traversable:
    # importlib.resources rather than a path next to __file__, so the data is
    # found even when the package is imported from a zip file.
    return resources.files(__package__).joinpath(_DATA_DIR)


@functools.lru_cache(maxsize=1)
def _expected_sha256() -> dict[str, str]:
    text = _data_dir().joinpath(_SUMS_FILE).read_text(encoding="ascii")
    sums = {}
    for line in text.splitlines():
        if line.strip():
            digest, filename = line.split(maxsplit=1)
            sums[filename.strip()] = digest.lower()
    return sums


def read_bundled(filename: str) -> bytes:
    """Return the original bytes of a bundled data file, checked against SHA256SUMS.

    `filename` is the name of the original file (``"adult.data"``); it is
    stored as ``<filename>.xz``.
    """
    expected = _expected_sha256().get(filename)
    if expected is None:
        raise FileNotFoundError(f"{filename} is not one of the bundled data files")
    resource = _data_dir().joinpath(f"{filename}.xz")
    data = lzma.decompress(resource.read_bytes())
    # A truncated or altered copy would otherwise still parse and silently give
    # different rows, and with them different audit results.
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise RuntimeError(
            f"bundled data file {filename} is corrupted (SHA-256 {actual}, expected {expected}); reinstall auditor"
        )
    return data


def independent_copies(X: pd.DataFrame, y: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    # The parsed frames are cached; callers get deep copies so that whatever they
    # do to their data cannot leak into the next caller's.
    return X.copy(deep=True), y.copy(deep=True)


def sorted_category(values: pd.Series) -> pd.Series:
    categories = sorted(values.dropna().unique())
    return values.astype(pd.CategoricalDtype(categories=categories, ordered=False))
