"""Groups of rows: each sensitive feature alone, and their intersections.

A continuous sensitive feature (age, income) has no natural groups: cutting it is
a substantive choice (German credit studies cut age at 25), so the audit asks for
the bins rather than inventing them. ``bins={"age": [25, 40]}`` gives edges,
``bins={"age": 4}`` quartiles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

__all__ = ["Grouping", "apply_bins", "build_groupings", "SEPARATOR", "MAX_CATEGORIES"]

#: Joins the values of an intersectional group ("Female · Black").
SEPARATOR = " · "
#: A numeric sensitive feature with more distinct values than this needs bins.
MAX_CATEGORIES = 20


@dataclass(frozen=True)
class Grouping:
    """Row codes of one grouping and the labels of its groups (non-empty only)."""

    name: str
    features: tuple[str, ...]
    codes: np.ndarray
    labels: tuple[str, ...]
    values: tuple[tuple[str, ...], ...]

    @property
    def n_groups(self) -> int:
        return len(self.labels)

    @property
    def is_intersection(self) -> bool:
        return len(self.features) > 1


def _fmt_edge(x: float) -> str:
    return f"{x:g}"


def apply_bins(frame: pd.DataFrame, bins: Mapping[str, int | Sequence[float]]) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Cut the binned columns into labelled intervals.

    Returns the frame of string labels for every sensitive column, and the bin
    labels of each binned column (for the report).

    Raises
    ------
    KeyError
        If a binned column is not a sensitive feature.
    ValueError
        If a numeric sensitive feature with many values has no bins, or bins are
        malformed.
    """
    unknown = [c for c in bins if c not in frame.columns]
    if unknown:
        raise KeyError(f"bins names column(s) {unknown} that are not sensitive features. Expected some of {list(frame.columns)}.")
    out = {}
    described: dict[str, tuple[str, ...]] = {}
    for col in frame.columns:
        s = frame[col]
        if col in bins:
            if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
                raise ValueError(f"Expected numeric values in sensitive feature {col!r} to bin. Got dtype {s.dtype}.")
            labels, described[col] = _cut(s.astype(float), bins[col], col)
            out[col] = labels
            continue
        numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        if numeric and s.nunique() > MAX_CATEGORIES:
            raise ValueError(
                f"Sensitive feature {col!r} is numeric with {s.nunique()} distinct values; it needs bins. "
                f"Pass e.g. FairnessSection(bins={{{col!r}: [25, 40, 60]}}) for cut points, "
                f"FairnessSection(bins={{{col!r}: 4}}) for quartiles, or cut it with pandas.cut beforehand."
            )
        out[col] = _as_labels(s)
    return pd.DataFrame(out), described


def _cut(s: pd.Series, spec, col: str) -> tuple[pd.Series, tuple[str, ...]]:
    if isinstance(spec, bool):
        raise ValueError(f"Expected bins for {col!r} as an int or a list of cut points. Got {spec!r}.")
    if isinstance(spec, (int, np.integer)):
        if spec < 2:
            raise ValueError(f"Expected at least 2 quantile bins for {col!r}. Got {spec}.")
        inner = np.unique(np.quantile(s, np.linspace(0, 1, int(spec) + 1)[1:-1]))
    else:
        inner = np.asarray(sorted(float(x) for x in spec))
        if len(inner) == 0 or len(np.unique(inner)) != len(inner):
            raise ValueError(f"Expected distinct cut points for {col!r}. Got {list(spec)!r}.")
    # left-closed intervals read naturally for ages and amounts: "25 to under 40"
    edges = np.concatenate([[-np.inf], inner, [np.inf]])
    names = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        if lo == -np.inf:
            names.append(f"under {_fmt_edge(hi)}")
        elif hi == np.inf:
            names.append(f"{_fmt_edge(lo)} and over")
        else:
            names.append(f"{_fmt_edge(lo)} to under {_fmt_edge(hi)}")
    idx = np.searchsorted(inner, s.to_numpy(), side="right")
    labels = pd.Series(pd.Categorical.from_codes(idx, categories=names, ordered=True), index=s.index)
    return labels, tuple(names)


def _as_labels(s: pd.Series) -> pd.Series:
    """String labels, keeping a categorical's order of categories."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = [str(c) for c in s.cat.categories]
        return pd.Series(pd.Categorical(s.astype(str), categories=list(dict.fromkeys(cats)), ordered=True), index=s.index)
    values = s.map(lambda v: str(v.item() if hasattr(v, "item") else v))
    return pd.Series(pd.Categorical(values, categories=sorted(values.unique(), key=_natural)), index=s.index)


def _natural(label: str):
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def build_groupings(labels: pd.DataFrame, depth: int) -> list[Grouping]:
    """Every sensitive feature alone, then intersections of up to ``depth`` features."""
    if depth < 1:
        raise ValueError(f"Expected intersection depth of at least 1. Got {depth}.")
    cols = list(labels.columns)
    out = []
    for k in range(1, min(depth, len(cols)) + 1):
        for combo in combinations(cols, k):
            out.append(_grouping(labels, combo))
    return out


def _grouping(labels: pd.DataFrame, features: tuple[str, ...]) -> Grouping:
    frame = labels[list(features)]
    # observed=True: only combinations that occur are groups
    grouped = frame.groupby(list(features), observed=True, sort=True)
    codes = grouped.ngroup().to_numpy()
    # size()'s index lists the groups in ngroup() order: tuples for several
    # features, scalars for one
    keys = list(grouped.size().index)
    values = tuple(tuple(str(v) for v in (k if isinstance(k, tuple) else (k,))) for k in keys)
    return Grouping(
        name=" × ".join(features),
        features=features,
        codes=codes.astype(np.int64),
        labels=tuple(SEPARATOR.join(v) for v in values),
        values=values,
    )
