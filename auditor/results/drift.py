"""Results of the drift section, and the records of the drift engine it is built from.

The engine (:mod:`auditor.drift`) returns these frozen dataclasses and the section
nests them in :class:`DriftResult`; they live here, at the bottom of the house, so
that a stored audit reads them back without importing any computation.

Which features *drifted* is a judgement: :meth:`FeatureDrift.verdict` applies the
"significant and large" rule to the stored numbers with thresholds from the policy
(:class:`~auditor.results.DriftPolicy`), so the findings, the report and
:func:`auditor.drift.drift_table` apply one rule and a re-judged archive never
contradicts its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.results._base import Estimate
from auditor.results._section import SectionResult

__all__ = [
    "FeatureDrift",
    "DriftVerdict",
    "FeatureDriftResult",
    "DomainImportance",
    "DomainClassifierResult",
    "GroupDrift",
    "PerformanceShift",
    "EstimatedPerformance",
    "DriftImportance",
    "FeatureHistogram",
    "DriftResult",
]


_DISTANCE_NAMES = {"normalized_wasserstein": "normalised Wasserstein", "jensen_shannon": "Jensen-Shannon"}


@dataclass(frozen=True)
class DriftVerdict:
    """The drift rule applied to one feature.

    ``drifted`` is ``distribution or missing``. ``significant`` and ``large``
    describe the distribution test; ``reason`` says why, in plain words.
    """

    feature: str
    drifted: bool
    distribution: bool
    missing: bool
    significant: bool
    large: bool
    reason: str


@dataclass(frozen=True)
class FeatureDrift:
    """How one column changed between the reference and the current data.

    Parameters
    ----------
    feature : str
    kind : {"numeric", "categorical"}
    test : {"ks", "chi2"}
        Two-sample Kolmogorov-Smirnov (numeric) or chi-squared homogeneity.
    p_value_method : {"exact", "asymp", "chi2"}
    n_reference, n_current : int
        Rows on each side (missing included).
    statistic, p_value : float or None
        The test's statistic (KS: ``D``; chi2: Pearson's ``X^2``) and p-value.
    p_value_adjusted : float or None
        Benjamini-Hochberg adjusted over the features tested together.
    psi : float or None
    distance : float or None
        Normalised Wasserstein (numeric) or Jensen-Shannon distance (categorical).
    distance_name : {"normalized_wasserstein", "jensen_shannon"}
    bins : tuple of str
        The PSI bins: intervals such as ``"(25, 31]"`` or category labels (at
        most 50; smaller categories summed into ``"(other categories)"``, the
        computation still uses all of them).
    shares_reference, shares_current : tuple of float
        Share of each side's (non-missing, for numeric) rows in each bin.
    missing_share_reference, missing_share_current : float or None
    missing_p_value, missing_p_value_adjusted : float or None
        Two-proportion z-test of the missing shares, and adjusted as above.
    reason : str or None
        Why something above is ``None``.
    mean_reference, mean_current : float or None
        Numeric columns: the mean of the non-missing values on each side (so a
        reader learns which way a column moved); ``None`` for categories.
    """

    feature: str
    kind: str
    test: str
    p_value_method: str
    n_reference: int
    n_current: int
    statistic: float | None
    p_value: float | None
    p_value_adjusted: float | None
    psi: float | None
    distance: float | None
    distance_name: str
    bins: tuple[str, ...]
    shares_reference: tuple[float, ...]
    shares_current: tuple[float, ...]
    missing_share_reference: float | None
    missing_share_current: float | None
    missing_p_value: float | None
    missing_p_value_adjusted: float | None
    reason: str | None = None
    mean_reference: float | None = None
    mean_current: float | None = None

    def verdict(
        self,
        *,
        alpha: float = 0.05,
        distance: float | None = 0.1,
        psi: float | None = 0.2,
        missing_share: float | None = 0.05,
    ) -> DriftVerdict:
        """Apply the drift rule: significant AND large.

        The distribution drifted when the adjusted p-value is below ``alpha`` and
        the distance reaches ``distance`` or the PSI reaches ``psi``; the missing
        share drifted when its adjusted p-value is below ``alpha`` and it moved by
        at least ``missing_share`` (absolute). A threshold of ``None`` leaves its
        criterion out (both effect thresholds ``None``: significance alone).
        """
        p = self.p_value_adjusted
        significant = p is not None and p < alpha
        by_distance = distance is not None and self.distance is not None and self.distance >= distance
        by_psi = psi is not None and self.psi is not None and self.psi >= psi
        large = by_distance or by_psi or (distance is None and psi is None)
        mp = self.missing_p_value_adjusted
        m_ref, m_cur = self.missing_share_reference, self.missing_share_current
        missing = (missing_share is not None and mp is not None and mp < alpha and m_ref is not None
                   and m_cur is not None and abs(m_cur - m_ref) >= missing_share)
        parts = []
        # plain decimals for lay readers: "p < 0.001" rather than 4.28e-11
        shown = "p < 0.001" if p is not None and p < 0.001 else f"p = {p:.3f}" if p is not None else ""
        if p is None:
            parts.append(f"not tested ({self.reason or 'undefined'})")
        elif significant and large:
            name = _DISTANCE_NAMES.get(self.distance_name, self.distance_name.replace("_", " "))
            which = " and ".join(n for n, ok in ((name + " distance", by_distance), ("PSI", by_psi)) if ok)
            parts.append(f"distribution changed (adjusted {shown}; {which} above threshold)"
                         if which else f"distribution changed (adjusted {shown})")
        elif significant:
            parts.append(f"significant but small change (adjusted {shown})")
        elif large:
            parts.append(f"large but not significant change (adjusted {shown})")
        else:
            parts.append("no distribution change")
        if missing:
            parts.append(f"missing share moved from {100 * m_ref:.1f}% to {100 * m_cur:.1f}%")
        return DriftVerdict(
            feature=self.feature,
            drifted=bool((significant and large) or missing),
            distribution=bool(significant and large),
            missing=bool(missing),
            significant=bool(significant),
            large=bool(large),
            reason="; ".join(parts),
        )


@dataclass(frozen=True)
class FeatureDriftResult:
    """Per-feature drift of one pair of frames.

    ``features`` keeps the order of the columns of ``X``.
    """

    features: tuple[FeatureDrift, ...]
    n_reference: int
    n_current: int
    ks_method: str
    n_bins: int
    psi_epsilon: float

    def get(self, feature: str) -> FeatureDrift:
        """The entry of ``feature``; ``KeyError`` when it was not compared."""
        for f in self.features:
            if f.feature == feature:
                return f
        raise KeyError(f"Expected one of {[f.feature for f in self.features]}. Got {feature!r} instead.")


@dataclass(frozen=True)
class DomainImportance:
    """How much the domain classifier relied on one feature (mean AUC drop when shuffled)."""

    feature: str
    importance: float
    std: float


@dataclass(frozen=True)
class DomainClassifierResult:
    """Cross-validated domain classifier, reference (0) versus current (1).

    ``auc`` is an :class:`auditor.results.Estimate` with DeLong's interval;
    ``p_value`` is one-sided for ``AUC > 0.5``. ``importances`` are sorted by
    importance, largest first (ties by name).
    """

    auc: Estimate
    p_value: float | None
    n_reference: int
    n_current: int
    n_reference_total: int
    n_current_total: int
    n_splits: int
    confidence_level: float
    importances: tuple[DomainImportance, ...]
    method: str


@dataclass(frozen=True)
class GroupDrift:
    """Per-feature drift within one group of one sensitive feature.

    ``features`` is empty, with a ``reason``, when the group is too small on a side.
    """

    sensitive_feature: str
    group: str
    n_reference: int
    n_current: int
    features: tuple[FeatureDrift, ...]
    reason: str | None = None


@dataclass(frozen=True)
class PerformanceShift:
    """A metric on the reference and on the current data, and their difference.

    ``difference`` is ``current - reference``; with ``higher_is_better`` a
    negative difference is a loss. ``interval_method`` is ``"percentile bootstrap"``
    (``n_resamples`` of each side) or ``"DeLong"`` (ROC AUC on large data).
    """

    metric: str
    higher_is_better: bool
    reference: Estimate
    current: Estimate
    difference: Estimate
    n_reference: int
    n_current: int
    n_resamples: int
    confidence_level: float
    interval_method: str = "percentile bootstrap"


@dataclass(frozen=True)
class EstimatedPerformance:
    """A performance metric estimated without labels (``is_estimate`` is always True).

    ``estimate`` carries the interval for the value the labels will show on these
    rows (estimation plus sampling uncertainty, see :mod:`auditor.drift.cbpe`).
    """

    metric: str
    estimate: Estimate
    is_estimate: bool
    n_rows: int
    n_reference: int
    threshold: float | None
    n_resamples: int
    confidence_level: float
    method: str


@dataclass(frozen=True)
class DriftImportance:
    """How much the model relies on one feature, as the explanation sections measured it.

    ``value`` is the importance (mean |SHAP| or permutation importance);
    ``share`` its part of the total over the compared features (negative
    permutation importances count as 0); ``rank`` 1 is the feature the model
    relies on most.
    """

    feature: str
    value: float
    share: float
    rank: int


@dataclass(frozen=True)
class FeatureHistogram:
    """Equal-width histogram of one numeric feature on both sides, for the figures.

    ``edges`` span the pooled 0.5% to 99.5% quantiles (one bin per integer for a
    column of few integers); values beyond them are counted in the end bins and
    their number given in ``n_clipped_reference`` / ``n_clipped_current``.
    Counts are of non-missing rows.
    """

    feature: str
    edges: tuple[float, ...]
    counts_reference: tuple[int, ...]
    counts_current: tuple[int, ...]
    n_clipped_reference: int
    n_clipped_current: int


@dataclass(frozen=True)
class DriftResult(SectionResult):
    """What changed between the reference data and the audited rows, and whether it matters.

    Attributes
    ----------
    n_reference, n_current : int
        Rows of the reference data and of the audited (current) data.
    features : tuple of FeatureDrift
        Every compared feature (the model's inputs), p-values adjusted over them.
    ks_method, n_bins, psi_epsilon
        How the per-feature tests and the PSI were computed.
    importance : tuple of DriftImportance
        The model's reliance on each compared feature, from ``importance_source``;
        empty when no explanation section ran (``importance_reason`` says why).
    importance_source : {"shap", "importance"} or None
    importance_label : str
        What the importance is, in words ("mean |SHAP| (log-odds)").
    histograms : tuple of FeatureHistogram
        Numeric features, for the reference-against-current figures.
    domain : DomainClassifierResult or None
        Multivariate drift; ``None`` with ``domain_reason``.
    prediction : tuple of FeatureDrift
        Drift of the model's scores (``"score"``, or ``"score[<class>]"``), of its
        predictions (regression: ``"prediction"``) or, for a model without
        scores, of its predicted labels (``"predicted label"``).
    label : FeatureDrift or None
        Drift of the true outcomes, when both sides have them.
    groups : tuple of GroupDrift
        Per-feature drift within each sensitive group (``min_group_rows`` rows on
        each side), p-values adjusted over all (group, feature) tests.
    performance : tuple of PerformanceShift
        The model's performance on the reference and on the current rows and the
        difference, when both have labels.
    estimated : tuple of EstimatedPerformance
        Without current labels: the performance the labels are expected to show
        (CBPE, binary classification), labelled as estimates.
    has_labels : bool
        Whether the audited rows came with true outcomes.
    """

    n_reference: int
    n_current: int
    features: tuple[FeatureDrift, ...]
    ks_method: str
    n_bins: int
    psi_epsilon: float
    confidence_level: float
    has_labels: bool
    importance: tuple[DriftImportance, ...] = ()
    importance_source: str | None = None
    importance_label: str = ""
    importance_reason: str | None = None
    histograms: tuple[FeatureHistogram, ...] = ()
    domain: DomainClassifierResult | None = None
    domain_reason: str | None = None
    prediction: tuple[FeatureDrift, ...] = ()
    prediction_reason: str | None = None
    label: FeatureDrift | None = None
    label_reason: str | None = None
    groups: tuple[GroupDrift, ...] = ()
    groups_reason: str | None = None
    min_group_rows: int = 100
    bins: dict[str, tuple[str, ...]] | None = None
    performance: tuple[PerformanceShift, ...] = ()
    performance_reason: str | None = None
    estimated: tuple[EstimatedPerformance, ...] = ()
    estimated_reason: str | None = None
    notes: tuple[str, ...] = ()

    def feature(self, name: str) -> FeatureDrift:
        """The drift entry of feature ``name``; ``KeyError`` when it was not compared."""
        for f in self.features:
            if f.feature == name:
                return f
        raise KeyError(f"Expected one of {[f.feature for f in self.features]}. Got {name!r} instead.")

    def importance_of(self, name: str) -> DriftImportance | None:
        """The importance entry of feature ``name``, ``None`` when it has none."""
        return next((i for i in self.importance if i.feature == name), None)
