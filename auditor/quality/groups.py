"""Data quality per sensitive group: representation, base rates, differential missingness.

**Differential missingness** (a measurement-bias signal: a value recorded less
often for one group, so the model learns from worse data about it). For every
sensitive feature, group ``g`` and column ``c`` with any missing value, the
measure is the *difference* of missing shares, ``share(g) - share(rest)``, where
the rest is every other row (missing group labels included), with Newcombe's
hybrid score interval and the pooled two-proportion z-test (equal to the 2 x 2
chi-squared test without continuity correction); p-values are adjusted with
Benjamini-Hochberg over all (feature, group, column) entries of one call. The
ratio of the shares is reported too, but a difference is the headline: a ratio
explodes when the rest's share is near 0 (0.1% against 0.01% is "10 times").
:func:`differential_missingness_flags` keeps the entries that are significant and
at least ``min_difference`` (absolute, default 0.05) more missing for the group.

**Representation**: each group's share of the current data against its share of
the reference, with Newcombe intervals of the difference, and a chi-squared test
of homogeneity of the two samples' group counts (the reference is a sample too,
so homogeneity rather than goodness of fit against fixed shares).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from auditor.drift.checks import check_frame, check_vector
from auditor.drift.columns import natural_key
from auditor.drift.sensitive import as_sensitive_frame, group_labels
from auditor.drift.stattests import benjamini_hochberg, chi2_homogeneity, two_proportion_test
from auditor.quality._proportions import newcombe_interval, wilson_interval
from auditor.results import Estimate
from auditor.results.data_quality import DifferentialMissingness, GroupProfile, GroupShare, RepresentationShift

__all__ = [
    "GroupProfile", "group_profiles", "group_profiles_from_missing",
    "DifferentialMissingness", "differential_missingness", "differential_missingness_from_missing",
    "differential_missingness_flags",
    "GroupShare", "RepresentationShift", "representation_shift",
]


def _check_level(confidence_level: float) -> None:
    if not 0 < confidence_level < 1:
        raise ValueError(f"Expected confidence_level in (0, 1). Got {confidence_level} instead.")


def group_profiles(
    X: pd.DataFrame, sensitive, *, y_true=None, pos_label=1, confidence_level: float = 0.95
) -> tuple[GroupProfile, ...]:
    """Share, base rate and per-column missing share of every sensitive group.

    Parameters
    ----------
    X : pandas.DataFrame
    sensitive : pandas.DataFrame or Series
        Sensitive columns aligned by position with ``X``.
    y_true : array-like of shape (n_rows,), optional
    pos_label : default 1
    confidence_level : float, default 0.95

    Returns
    -------
    tuple of GroupProfile
        Sensitive features in order, groups sorted by label.
    """
    check_frame(X, "X")
    as_sensitive_frame(sensitive, len(X), "sensitive")
    na = X.isna().to_numpy()
    with_missing = np.flatnonzero(na.any(axis=0))
    return group_profiles_from_missing(list(X.columns), [X.columns[j] for j in with_missing], na[:, with_missing],
                                       sensitive, y_true=y_true, pos_label=pos_label, confidence_level=confidence_level)


def group_profiles_from_missing(
    columns, missing_columns, missing: np.ndarray, sensitive, *, y_true=None, pos_label=1,
    confidence_level: float = 0.95,
) -> tuple[GroupProfile, ...]:
    """:func:`group_profiles` from where values are missing, not from the values:
    ``missing`` is the ``(n_rows, len(missing_columns))`` boolean matrix of the
    columns that have a missing value (every other column of ``columns`` has
    none). The Dask engine brings exactly this back from the workers."""
    _check_level(confidence_level)
    missing = np.asarray(missing, dtype=bool)
    n_rows = missing.shape[0]
    S = as_sensitive_frame(sensitive, n_rows, "sensitive")
    y = None if y_true is None else check_vector(y_true, n_rows, "y_true") == pos_label
    where = {c: j for j, c in enumerate(missing_columns)}
    out = []
    for attr in S.columns:
        labels, groups = group_labels(S[attr], attr, "sensitive")
        for g in groups:
            rows = labels == g
            n = int(rows.sum())
            rate = None
            if y is not None:
                k = int(y[rows].sum())
                rate = Estimate.of(k / n, wilson_interval(k, n, confidence_level))
            shares = missing[rows].mean(axis=0)
            out.append(GroupProfile(
                sensitive_feature=attr, group=g, n_rows=n, share=n / n_rows,
                base_rate=rate,
                missing_share={c: float(shares[where[c]]) if c in where else 0.0 for c in columns},
            ))
    return tuple(out)


def differential_missingness(
    X: pd.DataFrame, sensitive, *, columns=None, confidence_level: float = 0.95
) -> tuple[DifferentialMissingness, ...]:
    """Missing share of each group against the rest, for every column with a missing value.

    Parameters
    ----------
    X : pandas.DataFrame
    sensitive : pandas.DataFrame or Series
        Sensitive columns aligned by position with ``X``.
    columns : iterable of str, optional
        Columns to examine; all by default. Columns without any missing value
        are left out (nothing to differ).
    confidence_level : float, default 0.95

    Returns
    -------
    tuple of DifferentialMissingness
        Ordered by sensitive feature, group, then column as in ``X``;
        ``p_value_adjusted`` is Benjamini-Hochberg over all entries.
    """
    check_frame(X, "X")
    _check_level(confidence_level)
    as_sensitive_frame(sensitive, len(X), "sensitive")  # the length is checked against X's
    cols = list(X.columns) if columns is None else list(columns)
    unknown = [c for c in cols if c not in X.columns]
    if unknown:
        raise KeyError(f"Expected columns of X. Got {unknown!r} instead.")
    na = X[cols].isna().to_numpy()
    with_missing = np.flatnonzero(na.any(axis=0))
    return differential_missingness_from_missing([cols[j] for j in with_missing], na[:, with_missing], sensitive,
                                                 confidence_level=confidence_level)


def differential_missingness_from_missing(
    missing_columns, missing: np.ndarray, sensitive, *, confidence_level: float = 0.95
) -> tuple[DifferentialMissingness, ...]:
    """:func:`differential_missingness` from the ``(n_rows, len(missing_columns))``
    boolean matrix of where the columns with a missing value are missing (see
    :func:`group_profiles_from_missing`)."""
    _check_level(confidence_level)
    missing = np.asarray(missing, dtype=bool)
    n_rows = missing.shape[0]
    S = as_sensitive_frame(sensitive, n_rows, "sensitive")
    total_missing = missing.sum(axis=0)
    out = []
    for attr in S.columns:
        labels, groups = group_labels(S[attr], attr, "sensitive")
        for g in groups:
            rows = labels == g
            n_g, n_rest = int(rows.sum()), int(n_rows - rows.sum())
            k_g = missing[rows].sum(axis=0)
            for j, column in enumerate(missing_columns):
                if not total_missing[j]:
                    continue
                kg, kr = float(k_g[j]), float(total_missing[j] - k_g[j])
                sg = kg / n_g
                sr = kr / n_rest if n_rest else None
                reason = None
                if sr is None:
                    diff, ratio, p = Estimate.undefined("no rows outside the group"), None, None
                    reason = "no rows outside the group"
                else:
                    diff = Estimate.of(sg - sr, newcombe_interval(kg, n_g, kr, n_rest, confidence_level))
                    ratio = sg / sr if sr > 0 else None
                    if ratio is None:
                        reason = "the other rows have no missing value, so the ratio is undefined"
                    p = two_proportion_test(kg, n_g, kr, n_rest).p_value
                out.append(DifferentialMissingness(
                    sensitive_feature=attr, group=g, column=column, n_group=n_g, n_rest=n_rest,
                    missing_share_group=sg, missing_share_rest=sr, difference=diff, ratio=ratio,
                    p_value=p, p_value_adjusted=p, reason=reason,
                ))
    adjusted = benjamini_hochberg([e.p_value for e in out])
    return tuple(replace(e, p_value_adjusted=a) for e, a in zip(out, adjusted))


def differential_missingness_flags(
    entries, *, alpha: float = 0.05, min_difference: float = 0.05
) -> tuple[DifferentialMissingness, ...]:
    """Entries where the group's column is significantly and materially more often missing.

    Kept when ``p_value_adjusted < alpha`` and ``difference >= min_difference``;
    sorted by difference, largest first (ties: feature, group, column).
    """
    keep = [e for e in entries if e.p_value_adjusted is not None and e.p_value_adjusted < alpha
            and e.difference.value is not None and e.difference.value >= min_difference]
    return tuple(sorted(keep, key=lambda e: (-e.difference.value, e.sensitive_feature, e.group, e.column)))


def representation_shift(
    sensitive, sensitive_reference, *, confidence_level: float = 0.95
) -> tuple[RepresentationShift, ...]:
    """Group shares of the current data against the reference's, per sensitive feature.

    Parameters
    ----------
    sensitive, sensitive_reference : pandas.DataFrame or Series
        The sensitive columns of the current and of the reference rows.
    confidence_level : float, default 0.95

    Returns
    -------
    tuple of RepresentationShift
    """
    _check_level(confidence_level)
    S = as_sensitive_frame(sensitive, len(sensitive), "sensitive")
    S_ref = as_sensitive_frame(sensitive_reference, len(sensitive_reference), "sensitive_reference")
    missing = [c for c in S.columns if c not in S_ref.columns]
    if missing:
        raise ValueError(f"Expected sensitive_reference to have the columns of sensitive. Got {missing!r} missing instead.")
    out = []
    for attr in S.columns:
        lab, groups = group_labels(S[attr], attr, "sensitive")
        lab_ref, groups_ref = group_labels(S_ref[attr], attr, "sensitive_reference")
        all_groups = sorted(set(groups) | set(groups_ref), key=natural_key)
        n, n_ref = len(lab), len(lab_ref)
        counts = np.array([(lab == g).sum() for g in all_groups], dtype=float)
        counts_ref = np.array([(lab_ref == g).sum() for g in all_groups], dtype=float)
        shares = []
        for g, k, k_ref in zip(all_groups, counts.tolist(), counts_ref.tolist()):
            diff = Estimate.of(
                k / n - k_ref / n_ref if n and n_ref else None,
                newcombe_interval(k, n, k_ref, n_ref, confidence_level),
                undefined_reason="a side has no rows",
            )
            shares.append(GroupShare(group=g, n_current=int(k), n_reference=int(k_ref),
                                     share_current=k / n if n else None, share_reference=k_ref / n_ref if n_ref else None,
                                     difference=diff))
        test = chi2_homogeneity(counts_ref, counts)
        out.append(RepresentationShift(
            sensitive_feature=attr, statistic=test.statistic, p_value=test.p_value,
            dof=max(int(((counts + counts_ref) > 0).sum()) - 1, 0), groups=tuple(shares), reason=test.reason,
        ))
    return tuple(out)
