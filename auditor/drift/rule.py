"""When a change counts as drift: significant AND large.

A test alone flags negligible changes once there are enough rows; an effect size
alone flags noise in small samples. A feature's distribution has drifted when its
adjusted p-value is below ``alpha`` and an effect size reaches its threshold: the
distance (normalised Wasserstein for numbers, Jensen-Shannon for categories,
Evidently's default 0.1 for both) or the PSI (0.2, the customary "significant
shift" level). Its missing share has drifted when the adjusted missing-share
p-value is below ``alpha`` and the share moved by at least ``missing_threshold``
(absolute). Thresholds belong to the policy; the defaults here are only defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.drift.features import FeatureDrift

__all__ = ["DriftThresholds", "DriftVerdict", "drift_verdict", "drift_verdicts", "drifted_features"]


@dataclass(frozen=True)
class DriftThresholds:
    """Thresholds of the drift rule.

    Parameters
    ----------
    alpha : float, default 0.05
        Significance level for adjusted p-values (a false discovery rate).
    distance : float, default 0.1
        Normalised Wasserstein / Jensen-Shannon distance at which a change is large.
    psi : float, default 0.2
        PSI at which a change is large.
    missing_share : float, default 0.05
        Absolute change of the missing share at which it is large.
    """

    alpha: float = 0.05
    distance: float = 0.1
    psi: float = 0.2
    missing_share: float = 0.05

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ValueError(f"Expected alpha in (0, 1). Got {self.alpha} instead.")
        for name in ("distance", "psi", "missing_share"):
            if getattr(self, name) < 0:
                raise ValueError(f"Expected a non-negative {name} threshold. Got {getattr(self, name)} instead.")


@dataclass(frozen=True)
class DriftVerdict:
    """The rule applied to one feature.

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


def drift_verdict(feature: FeatureDrift, thresholds: DriftThresholds = DriftThresholds()) -> DriftVerdict:
    """Apply the drift rule to one feature's measurements."""
    t = thresholds
    p = feature.p_value_adjusted
    significant = p is not None and p < t.alpha
    by_distance = feature.distance is not None and feature.distance >= t.distance
    by_psi = feature.psi is not None and feature.psi >= t.psi
    large = by_distance or by_psi
    mp = feature.missing_p_value_adjusted
    m_ref, m_cur = feature.missing_share_reference, feature.missing_share_current
    missing = (mp is not None and mp < t.alpha and m_ref is not None and m_cur is not None
               and abs(m_cur - m_ref) >= t.missing_share)
    parts = []
    if p is None:
        parts.append(f"not tested ({feature.reason or 'undefined'})")
    elif significant and large:
        which = " and ".join(n for n, ok in ((feature.distance_name.replace("_", " ") + " distance", by_distance),
                                             ("PSI", by_psi)) if ok)
        parts.append(f"distribution changed (adjusted p = {p:.3g}; {which} above threshold)")
    elif significant:
        parts.append(f"significant but small change (adjusted p = {p:.3g})")
    elif large:
        parts.append(f"large but not significant change (adjusted p = {p:.3g})")
    else:
        parts.append("no distribution change")
    if missing:
        parts.append(f"missing share moved from {m_ref:.3g} to {m_cur:.3g}")
    return DriftVerdict(
        feature=feature.feature,
        drifted=bool((significant and large) or missing),
        distribution=bool(significant and large),
        missing=bool(missing),
        significant=bool(significant),
        large=bool(large),
        reason="; ".join(parts),
    )


def drift_verdicts(features, thresholds: DriftThresholds = DriftThresholds()) -> tuple[DriftVerdict, ...]:
    """The rule for every feature of a :class:`FeatureDriftResult` (or an iterable of :class:`FeatureDrift`)."""
    items = getattr(features, "features", features)
    return tuple(drift_verdict(f, thresholds) for f in items)


def drifted_features(features, thresholds: DriftThresholds = DriftThresholds()) -> tuple[str, ...]:
    """Names of the features the rule flags, in input order."""
    return tuple(v.feature for v in drift_verdicts(features, thresholds) if v.drifted)
