"""Which raw input columns each column of a fitted preprocessor's output comes from.

Explanations computed on a pipeline's transformed matrix (one-hot children, scaled
copies, imputer indicators) are reported in terms of the columns a person knows.
The lineage is read from the fitted transformers' structure, not guessed from
names: ``ColumnTransformer`` slices, ``OneHotEncoder`` category counts,
one-to-one transformers, ``SimpleImputer`` kept features and indicators, nested
pipelines. A transformer we cannot read is treated conservatively: each of its
outputs is attributed to *all* of its inputs jointly, so a contribution is never
credited to a single column it may not come from.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["column_lineage", "group_label"]

Parents = frozenset[str]


def group_label(parents: Sequence[str]) -> str:
    """Name of the raw feature (or joint group of features) an output belongs to."""
    return " + ".join(parents) if parents else "(constant)"


def column_lineage(preprocessor, input_names: Sequence[str], n_outputs: int) -> tuple[tuple[str, ...], ...]:
    """Return, for each output column, the sorted raw columns it derives from.

    Parameters
    ----------
    preprocessor : fitted transformer or None
        Everything before the final estimator of a pipeline; ``None`` means the
        estimator sees the raw columns.
    input_names : sequence of str
        The raw columns given to ``preprocessor``, in order.
    n_outputs : int
        Number of columns ``preprocessor.transform`` returns; used to check the walk.
    """
    parents = [frozenset([c]) for c in input_names]
    if preprocessor is None:
        out = parents
    else:
        out = _trace(preprocessor, list(parents))
    if len(out) != n_outputs:
        # Structure and output disagree (an exotic transformer): fall back to the
        # one answer that cannot be wrong, every output from every input.
        everything = frozenset(input_names)
        out = [everything] * n_outputs
    order = {c: i for i, c in enumerate(input_names)}
    return tuple(tuple(sorted(p, key=order.__getitem__)) for p in out)


def _all_inputs(parents: list[Parents], n_out: int) -> list[Parents]:
    union = frozenset().union(*parents) if parents else frozenset()
    return [union] * n_out


def _n_out(transformer, n_in: int) -> int | None:
    try:
        return len(transformer.get_feature_names_out())
    except Exception:  # noqa: BLE001 - many transformers cannot name outputs
        return None


def _trace(transformer, parents: list[Parents]) -> list[Parents]:
    from sklearn.base import OneToOneFeatureMixin
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

    if transformer is None or (isinstance(transformer, str) and transformer == "passthrough"):
        return list(parents)
    if isinstance(transformer, str) and transformer == "drop":
        return []
    if isinstance(transformer, Pipeline):
        current = list(parents)
        for _, step in transformer.steps:
            current = _trace(step, current)
        return current
    if isinstance(transformer, ColumnTransformer):
        return _trace_column_transformer(transformer, parents)
    if isinstance(transformer, FeatureUnion):
        out: list[Parents] = []
        for _, sub in transformer.transformer_list:
            out.extend(_trace(sub, parents))
        return out
    if isinstance(transformer, OneHotEncoder):
        counts = getattr(transformer, "_n_features_outs", None)
        if counts is not None and len(counts) == len(parents):
            return [p for p, k in zip(parents, counts) for _ in range(int(k))]
    if isinstance(transformer, OneToOneFeatureMixin):
        return list(parents)
    if isinstance(transformer, FunctionTransformer) and (
        transformer.func is None or transformer.feature_names_out == "one-to-one"
    ):
        # a fitted ColumnTransformer replaces a named "passthrough" by this identity
        return list(parents)
    if isinstance(transformer, SimpleImputer):
        return _trace_imputer(transformer, parents)
    n_out = _n_out(transformer, len(parents))
    if n_out is None:
        n_out = len(parents)
    return _all_inputs(parents, n_out)


def _trace_imputer(imputer, parents: list[Parents]) -> list[Parents]:
    stats = np.asarray(imputer.statistics_)
    if getattr(imputer, "keep_empty_features", False) or stats.dtype == object:
        kept = list(range(len(parents)))
    else:
        kept = [i for i in range(len(parents)) if not np.isnan(stats[i])]
    out = [parents[i] for i in kept]
    indicator = getattr(imputer, "indicator_", None)
    if indicator is not None:
        out.extend(parents[int(i)] for i in indicator.features_)
    return out


def _trace_column_transformer(ct, parents: list[Parents]) -> list[Parents]:
    n_total = sum(s.stop - s.start for s in ct.output_indices_.values())
    out: list[Parents | None] = [None] * n_total
    to_inputs = getattr(ct, "_transformer_to_input_indices", None)
    for name, trans, columns in ct.transformers_:
        sl = ct.output_indices_.get(name)
        if sl is None or sl.stop == sl.start:
            continue
        if to_inputs is not None and name in to_inputs:
            idx = list(to_inputs[name])
        else:
            idx = _resolve_columns(ct, columns, len(parents))
        sub = _trace(trans, [parents[i] for i in idx])
        if len(sub) != sl.stop - sl.start:
            sub = _all_inputs([parents[i] for i in idx], sl.stop - sl.start)
        out[sl] = sub
    if any(p is None for p in out):
        return _all_inputs(parents, n_total)
    return out  # type: ignore[return-value]


def _resolve_columns(ct, columns, n_in: int) -> list[int]:
    names = list(getattr(ct, "feature_names_in_", []))
    if isinstance(columns, slice):
        return list(range(n_in))[columns]
    cols = list(np.atleast_1d(columns))
    if cols and isinstance(cols[0], (bool, np.bool_)):
        return [i for i, keep in enumerate(cols) if keep]
    return [names.index(c) if isinstance(c, str) else int(c) for c in cols]
