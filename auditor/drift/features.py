"""Per-feature drift: each column of the current data against the reference.

Every column gets a test (is the change real?) and effect sizes (is it large?):

============  ===========================  =====================================
kind          test                         effect sizes
============  ===========================  =====================================
numeric       two-sample KS                PSI on reference deciles, normalised
                                           Wasserstein distance
categorical   chi-squared homogeneity      PSI on categories, Jensen-Shannon
                                           distance (base 2)
============  ===========================  =====================================

Missing values: for a categorical column a missing value is one more category,
inside the test and the effects. For a numeric column the test and the effects
describe the values that are present, and the change in the missing share is
reported on its own (two-proportion z-test) for every column, so that "more
missing" and "different values" are told apart. p-values are adjusted with
Benjamini-Hochberg over the features of one call, distribution tests and
missing-share tests as two separate families.

All of it is invariant to row order (sorting and counting only).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
import pandas as pd

from auditor.drift.checks import check_frame, check_same_columns, check_weights
from auditor.drift.columns import CATEGORICAL, NUMERIC, column_kinds, encode_categorical, numeric_values
from auditor.drift.effects import (
    N_BINS,
    PSI_EPSILON,
    binned_shares,
    decile_edges,
    js_distance,
    normalized_wasserstein,
    psi,
)
from auditor.drift.stattests import (
    MergedECDF,
    SortedSample,
    benjamini_hochberg,
    chi2_homogeneity,
    effective_size,
    ks_2samp,
    two_proportion_test,
)
from auditor.results.drift import FeatureDrift, FeatureDriftResult

__all__ = ["MAX_REPORTED_BINS", "OTHER_LABEL", "FeatureDrift", "FeatureDriftResult", "compare_series", "adjust", "feature_drift"]




#: Categories listed in a result; the rest are summed into :data:`OTHER_LABEL`
#: (the tests and effects still use every category).
MAX_REPORTED_BINS = 50
OTHER_LABEL = "(other categories)"


def _fold_small_bins(labels, sh_ref, sh_cur):
    """Keep the ``MAX_REPORTED_BINS - 1`` largest categories (by the larger of the
    two shares, ties by label order), in label order, and sum the rest."""
    size = np.maximum(sh_ref, sh_cur)
    order = np.lexsort((np.arange(len(size)), -size))
    keep = np.sort(order[: MAX_REPORTED_BINS - 1])
    rest = np.setdiff1d(np.arange(len(size)), keep)
    return (
        tuple(labels[i] for i in keep) + (OTHER_LABEL,),
        np.r_[sh_ref[keep], sh_ref[rest].sum()],
        np.r_[sh_cur[keep], sh_cur[rest].sum()],
    )


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _interval_labels(edges: np.ndarray) -> tuple[str, ...]:
    if len(edges) == 0:
        return ("all values",)
    bounds = ["-inf", *(_fmt(e) for e in edges), "inf"]
    return tuple(f"({lo}, {hi}]" if hi != "inf" else f"({lo}, {hi})" for lo, hi in zip(bounds[:-1], bounds[1:]))


def _mean(sample: SortedSample) -> float | None:
    """Mean of the non-missing values (weighted when the sample is)."""
    if sample.n == 0:
        return None
    if sample.cum_weight is None:
        return float(np.mean(sample.values))
    w = np.diff(sample.cum_weight, prepend=0.0)
    return float((w * sample.values).sum() / sample.cum_weight[-1])


def _missing_part(miss_ref, miss_cur, w_ref, w_cur):
    """Missing shares of both sides and the test of their difference."""
    def share(miss, w):
        if len(miss) == 0:
            return None, 0.0
        total = len(miss) if w is None else w.sum()
        k = miss.sum() if w is None else w[miss].sum()
        return float(k / total), effective_size(w, len(miss))

    (s_ref, n_ref), (s_cur, n_cur) = share(miss_ref, w_ref), share(miss_cur, w_cur)
    if s_ref is None or s_cur is None:
        return s_ref, s_cur, None
    res = two_proportion_test(s_cur * n_cur, n_cur, s_ref * n_ref, n_ref)
    return s_ref, s_cur, res.p_value


def compare_series(
    reference: pd.Series,
    current: pd.Series,
    *,
    kind: str,
    name: str | None = None,
    sample_weight: np.ndarray | None = None,
    sample_weight_reference: np.ndarray | None = None,
    ks_method: str = "auto",
    n_bins: int = N_BINS,
    psi_epsilon: float = PSI_EPSILON,
) -> FeatureDrift:
    """Drift of one column (or of model scores, or labels): test and effect sizes.

    Parameters
    ----------
    reference, current : pandas.Series
    kind : {"numeric", "categorical"}
    name : str, optional
        Name in the result; the current series' name by default.
    sample_weight, sample_weight_reference : ndarray, optional
        Row weights of ``current`` and ``reference``; already checked arrays.
    ks_method : {"auto", "exact", "asymp"}
        See :func:`auditor.drift.stattests.ks_2samp`.
    n_bins : int
        Quantile bins of a numeric PSI.
    psi_epsilon : float
        Share given to an empty PSI bin.

    Returns
    -------
    FeatureDrift
        With ``p_value_adjusted`` and ``missing_p_value_adjusted`` equal to the
        raw p-values (a single test); :func:`feature_drift` adjusts them.
    """
    name = str(current.name) if name is None else name
    reasons = []
    if kind == NUMERIC:
        v_ref, v_cur = numeric_values(reference), numeric_values(current)
        miss_ref, miss_cur = np.isnan(v_ref), np.isnan(v_cur)
        ref = SortedSample.of(v_ref, sample_weight_reference)
        cur = SortedSample.of(v_cur, sample_weight)
        merged = MergedECDF.of(ref, cur) if ref.n and cur.n else None
        ks = ks_2samp(ref, cur, method=ks_method, merged=merged)
        if ks.reason:
            reasons.append(ks.reason)
        distance, why = normalized_wasserstein(ref, cur, merged)
        if why and why not in reasons:
            reasons.append(why)
        if ref.n and cur.n:
            edges = decile_edges(ref, n_bins)
            sh_ref, sh_cur = binned_shares(ref, edges), binned_shares(cur, edges)
            value_psi = psi(sh_ref, sh_cur, epsilon=psi_epsilon)
            bins = _interval_labels(edges)
        else:
            sh_ref = sh_cur = np.empty(0)
            value_psi, bins = None, ()
        test, statistic, p_value, method = "ks", ks.statistic, ks.p_value, ks.method
        distance_name = "normalized_wasserstein"
        means = (_mean(ref), _mean(cur))
    elif kind == CATEGORICAL:
        codes = encode_categorical(reference, current)
        k = codes.n_categories
        c_ref = np.bincount(codes.reference, weights=sample_weight_reference, minlength=k).astype(float)
        c_cur = np.bincount(codes.current, weights=sample_weight, minlength=k).astype(float)
        miss_ref = np.zeros(len(codes.reference), dtype=bool)
        miss_cur = np.zeros(len(codes.current), dtype=bool)
        if codes.labels and codes.labels[-1] == "(missing)":
            miss_ref, miss_cur = codes.reference == k - 1, codes.current == k - 1
        # weighted counts stand for each side's effective number of rows
        n_eff_ref = effective_size(sample_weight_reference, len(codes.reference))
        n_eff_cur = effective_size(sample_weight, len(codes.current))
        t_ref = c_ref * (n_eff_ref / c_ref.sum()) if c_ref.sum() > 0 else c_ref
        t_cur = c_cur * (n_eff_cur / c_cur.sum()) if c_cur.sum() > 0 else c_cur
        chi = chi2_homogeneity(t_ref, t_cur)
        if chi.reason:
            reasons.append(chi.reason)
        test, statistic, p_value, method = "chi2", chi.statistic, chi.p_value, "chi2"
        if c_ref.sum() > 0 and c_cur.sum() > 0:
            sh_ref, sh_cur = c_ref / c_ref.sum(), c_cur / c_cur.sum()
            value_psi = psi(sh_ref, sh_cur, epsilon=psi_epsilon)
            distance = js_distance(sh_ref, sh_cur)
        else:
            sh_ref = sh_cur = np.empty(0)
            value_psi = distance = None
        bins = codes.labels
        if len(bins) > MAX_REPORTED_BINS and len(sh_ref):
            bins, sh_ref, sh_cur = _fold_small_bins(bins, sh_ref, sh_cur)
        distance_name = "jensen_shannon"
        means = (None, None)
    else:
        raise ValueError(f"Expected kind 'numeric' or 'categorical' for {name!r}. Got {kind!r} instead.")
    m_ref, m_cur, m_p = _missing_part(miss_ref, miss_cur, sample_weight_reference, sample_weight)
    return FeatureDrift(
        feature=name,
        kind=kind,
        test=test,
        p_value_method=method,
        n_reference=int(len(reference)),
        n_current=int(len(current)),
        statistic=statistic,
        p_value=p_value,
        p_value_adjusted=p_value,
        psi=value_psi,
        distance=distance,
        distance_name=distance_name,
        bins=tuple(bins),
        shares_reference=tuple(float(x) for x in sh_ref),
        shares_current=tuple(float(x) for x in sh_cur),
        missing_share_reference=m_ref,
        missing_share_current=m_cur,
        missing_p_value=m_p,
        missing_p_value_adjusted=m_p,
        reason="; ".join(reasons) or None,
        mean_reference=means[0],
        mean_current=means[1],
    )


def adjust(features: Iterable[FeatureDrift]) -> tuple[FeatureDrift, ...]:
    """Benjamini-Hochberg over ``features``: distribution and missing-share tests
    as two families."""
    features = tuple(features)
    adj = benjamini_hochberg([f.p_value for f in features])
    adj_missing = benjamini_hochberg([f.missing_p_value for f in features])
    return tuple(replace(f, p_value_adjusted=a, missing_p_value_adjusted=b) for f, a, b in zip(features, adj, adj_missing))


def feature_drift(
    X: pd.DataFrame,
    X_reference: pd.DataFrame,
    *,
    features: Iterable[str] | None = None,
    categorical_features: Iterable[str] | None = None,
    sample_weight=None,
    sample_weight_reference=None,
    ks_method: str = "auto",
    n_bins: int = N_BINS,
    psi_epsilon: float = PSI_EPSILON,
) -> FeatureDriftResult:
    """Test and measure the change of every feature from ``X_reference`` to ``X``.

    Parameters
    ----------
    X : pandas.DataFrame
        The current data.
    X_reference : pandas.DataFrame
        The reference data (what the model learned from), same columns.
    features : iterable of str, optional
        Columns to compare; all of ``X``'s by default.
    categorical_features : iterable of str, optional
        Numeric columns to compare as categories.
    sample_weight, sample_weight_reference : array-like, optional
        Row weights of ``X`` and ``X_reference``.
    ks_method : {"auto", "exact", "asymp"}, default "auto"
        KS p-value method; see :func:`auditor.drift.stattests.ks_2samp`.
    n_bins : int, default 10
        Reference quantile bins of a numeric PSI.
    psi_epsilon : float, default 1e-4
        Share given to an empty PSI bin.

    Returns
    -------
    FeatureDriftResult
        p-values adjusted with Benjamini-Hochberg over the compared features.
        :func:`auditor.drift.rule.drift_verdicts` says which drifted.

    Raises
    ------
    TypeError, ValueError, KeyError
        If a frame is not a DataFrame, the columns differ, a feature is unknown
        or a weight vector is malformed.
    """
    check_frame(X, "X")
    check_frame(X_reference, "X_reference")
    check_same_columns(X, X_reference)
    if n_bins < 2:
        raise ValueError(f"Expected n_bins of at least 2. Got {n_bins} instead.")
    if not 0 < psi_epsilon < 1:
        raise ValueError(f"Expected psi_epsilon in (0, 1). Got {psi_epsilon} instead.")
    w_cur = check_weights(sample_weight, len(X), "sample_weight")
    w_ref = check_weights(sample_weight_reference, len(X_reference), "sample_weight_reference")
    cols = list(X.columns) if features is None else list(features)
    unknown = [c for c in cols if c not in X.columns]
    if unknown:
        raise KeyError(f"Expected features to name columns of X. Got {unknown!r} instead.")
    forced = list(categorical_features or ())
    unknown = [c for c in forced if c not in X.columns]
    if unknown:
        raise KeyError(f"Expected categorical_features to name columns of X. Got {unknown!r} instead.")
    kinds = column_kinds(X[cols], X_reference[cols], categorical_features=[c for c in forced if c in cols])
    out = [
        compare_series(X_reference[c], X[c], kind=kinds[c], name=c, sample_weight=w_cur, sample_weight_reference=w_ref,
                       ks_method=ks_method, n_bins=n_bins, psi_epsilon=psi_epsilon)
        for c in cols
    ]
    return FeatureDriftResult(
        features=adjust(out),
        n_reference=len(X_reference),
        n_current=len(X),
        ks_method=ks_method,
        n_bins=n_bins,
        psi_epsilon=psi_epsilon,
    )
