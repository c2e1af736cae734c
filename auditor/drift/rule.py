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

from auditor.results.drift import DriftVerdict, FeatureDrift

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


def drift_verdict(feature: FeatureDrift, thresholds: DriftThresholds = DriftThresholds()) -> DriftVerdict:
    """Apply the drift rule to one feature's measurements (see :meth:`FeatureDrift.verdict`)."""
    t = thresholds
    return feature.verdict(alpha=t.alpha, distance=t.distance, psi=t.psi, missing_share=t.missing_share)


def drift_verdicts(features, thresholds: DriftThresholds = DriftThresholds()) -> tuple[DriftVerdict, ...]:
    """The rule for every feature of a :class:`FeatureDriftResult` (or an iterable of :class:`FeatureDrift`)."""
    items = getattr(features, "features", features)
    return tuple(drift_verdict(f, thresholds) for f in items)


def drifted_features(features, thresholds: DriftThresholds = DriftThresholds()) -> tuple[str, ...]:
    """Names of the features the rule flags, in input order."""
    return tuple(v.feature for v in drift_verdicts(features, thresholds) if v.drifted)
