"""The thresholds an audit is judged against.

The policy is data, recorded in every result so that an archived audit states which
rules it was held to. Turning a policy and results into findings lives in
:mod:`auditor.policy`.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from os import PathLike
from typing import Any, Literal

from auditor.results._serde import from_jsonable, to_jsonable

__all__ = [
    "Policy",
    "PerformancePolicy",
    "FairnessPolicy",
    "ExplanationPolicy",
    "DataQualityPolicy",
    "DriftPolicy",
    "PolicyError",
]


class PolicyError(ValueError):
    """A policy file or object is malformed."""


@dataclass(frozen=True)
class PerformancePolicy:
    """Minimum performance a model must show.

    Each threshold applies where the metric exists for the task; ``None`` turns the
    check off.

    Parameters
    ----------
    min_roc_auc : float or None, default=0.7
        ROC AUC (binary; one-vs-rest macro average for multiclass).
    min_balanced_accuracy : float or None, default=None
    min_r2 : float or None, default=None
        Coefficient of determination, regression only.
    max_expected_calibration_error : float or None, default=None
    """

    min_roc_auc: float | None = 0.7
    min_balanced_accuracy: float | None = None
    min_r2: float | None = None
    max_expected_calibration_error: float | None = None


@dataclass(frozen=True)
class FairnessPolicy:
    """Limits on the gaps between groups.

    Each check applies to every sensitive feature alone and, when
    ``judge_intersections``, to their intersections. ``None`` turns a check off.

    Parameters
    ----------
    min_selection_rate_ratio : float or None, default=0.8
        The four-fifths rule: the lowest group's selection rate over the highest's
        (or over the reference group's, with ``compare="reference"``).
    max_equalized_odds_difference : float or None, default=0.1
        The larger of the true-positive-rate and false-positive-rate gaps.
    max_demographic_parity_difference : float or None, default=None
        Gap in selection rates.
    max_equal_opportunity_difference : float or None, default=None
        Gap in true positive rates.
    max_predictive_parity_difference : float or None, default=None
        Gap in precision.
    max_error_ratio : float or None, default=None
        Regression: the worst group's mean absolute error over the best group's.
    compare : {"between_groups", "reference"}, default="between_groups"
        Judge the gap between the extreme groups, or between each group and the
        reference group (the fairness section's ``reference_groups``).
    judge_intersections : bool, default=True
    proxy_warning_strength : float or None, default=0.25
        WARN when a feature carries at least this share of the information about a
        sensitive attribute (normalised mutual information).
    """

    min_selection_rate_ratio: float | None = 0.8
    max_equalized_odds_difference: float | None = 0.1
    max_demographic_parity_difference: float | None = None
    max_equal_opportunity_difference: float | None = None
    max_predictive_parity_difference: float | None = None
    max_error_ratio: float | None = None
    compare: Literal["between_groups", "reference"] = "between_groups"
    judge_intersections: bool = True
    proxy_warning_strength: float | None = 0.25

    def __post_init__(self) -> None:
        if self.compare not in ("between_groups", "reference"):
            raise PolicyError(
                f"Expected fairness.compare to be 'between_groups' or 'reference'. Got {self.compare!r}."
            )


@dataclass(frozen=True)
class ExplanationPolicy:
    """When explanations disagree enough, or fail their own check, to tell the reader.

    Disagreement is a WARN, never a FAIL: it says the explanations should not be
    read at face value, not that the model is wrong. ``None`` turns a check off.

    Parameters
    ----------
    min_global_rank_correlation : float or None, default=0.5
        Spearman correlation between any two global importance rankings
        (permutation importance, mean |SHAP|, native importance) over the features
        they share. Below 0.5 the methods broadly disagree on what matters.
    min_row_rank_correlation : float or None, default=0.0
        Median, over the LIME-explained rows, of the Spearman correlation between
        |LIME weight| and |SHAP value| on the top features. Below 0 the two methods
        order a typical row's features in opposite ways.
    min_row_sign_agreement : float or None, default=0.5
        Median share of a row's top features on which LIME and SHAP push the
        prediction the same way. Below one half they disagree more often than not.
    max_additivity_deviation : float or None, default=1e-5
        Largest ``|base + sum(SHAP) - model output|`` allowed, relative to
        ``max(1, largest |output|)``. Exact explainers sit near 1e-12 in float64
        (XGBoost's float32 trees near 1e-7); more means the explanation does not
        add up to the model's output.
    """

    min_global_rank_correlation: float | None = 0.5
    min_row_rank_correlation: float | None = 0.0
    min_row_sign_agreement: float | None = 0.5
    max_additivity_deviation: float | None = 1e-5


def _check_fraction(owner: str, name: str, value: float | None, *, upper: float = 1.0) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= upper:
        raise PolicyError(f"Expected {owner}.{name} to be a number in [0, {upper:g}] or off. Got {value!r} instead.")


@dataclass(frozen=True)
class DataQualityPolicy:
    """When the data itself deserves a finding.

    Differences count when they are significant (Benjamini-Hochberg adjusted
    p-value below ``alpha``) *and* at least the threshold: with many rows a
    negligible gap is significant, with few a large one is noise. ``None`` turns
    a check off.

    Parameters
    ----------
    alpha : float, default=0.05
        False discovery rate of the per-group tests.
    max_differential_missingness : float or None, default=0.05
        FAIL when a column is missing for one sensitive group at least this much
        more often (absolute difference of shares) than for the other rows, in
        the audited or in the reference data: a measurement-bias signal (the
        model learns from worse data about that group).
    max_representation_shift : float or None, default=0.05
        WARN when a group's share of the audited rows differs from its share of
        the reference by at least this much (absolute) and the Newcombe interval
        of the difference excludes 0: a sampling-bias signal.
    max_unseen_share : float or None, default=0.01
        WARN when more than this share of a column's audited values lies outside
        the reference's range or is a category the reference never had (the
        model has not learned what to do with them).
    """

    alpha: float = 0.05
    max_differential_missingness: float | None = 0.05
    max_representation_shift: float | None = 0.05
    max_unseen_share: float | None = 0.01

    def __post_init__(self) -> None:
        if isinstance(self.alpha, bool) or not isinstance(self.alpha, (int, float)) or not 0 < self.alpha < 1:
            raise PolicyError(f"Expected data_quality.alpha strictly between 0 and 1. Got {self.alpha!r} instead.")
        for name in ("max_differential_missingness", "max_representation_shift", "max_unseen_share"):
            _check_fraction("data_quality", name, getattr(self, name))


@dataclass(frozen=True)
class DriftPolicy:
    """What counts as drift against the reference data, and how much is too much.

    A feature *drifted* when its Benjamini-Hochberg adjusted p-value (KS for
    numbers, chi-squared for categories) is below ``alpha`` and an effect size
    that does not grow with the number of rows reaches its threshold (the
    normalised Wasserstein or Jensen-Shannon distance, or the PSI); or when its
    missing share moved significantly by at least ``missing_share_threshold``.
    Every drifted feature is a WARN finding; the ``max_*`` checks FAIL when
    crossed. ``None`` turns a criterion or a check off.

    Parameters
    ----------
    alpha : float, default=0.05
        False discovery rate of the per-feature tests.
    distance_threshold : float or None, default=0.1
        Normalised Wasserstein (a shift of 0.1 reference standard deviations) or
        Jensen-Shannon distance at which a change is large (Evidently's default).
    psi_threshold : float or None, default=0.2
        PSI at which a change is large (the customary "significant shift" level).
    missing_share_threshold : float or None, default=0.05
        Absolute change of a feature's missing share that counts as drift.
    max_drifted_share : float or None, default=0.5
        FAIL when at least this share of the model's features drifted
        (Evidently's dataset-drift default): the data changed wholesale.
    top_k : int, default=5
        How many of the features the model relies on most (by mean |SHAP|, else
        permutation importance) ``max_top_feature_psi`` watches.
    max_top_feature_psi : float or None, default=0.25
        FAIL when one of the ``top_k`` most important features has a PSI of at
        least this (0.25: the customary "major shift") and its change is
        significant. Without an importance ranking every feature is watched.
    max_domain_auc : float or None, default=0.6
        Largest ROC AUC allowed to a classifier telling the audited rows from the
        reference rows (0.5: indistinguishable); judged on its DeLong interval
        (PASS when the whole interval is below, INCONCLUSIVE when it straddles).
    max_performance_drop : float or None, default=0.05
        Largest loss of ROC AUC (binary with scores; else accuracy) from the
        reference rows to the audited rows, judged on the interval of the
        difference; for regression, the largest rise of the mean absolute error
        as a share of the reference's (0.05: 5% larger errors).
    """

    alpha: float = 0.05
    distance_threshold: float | None = 0.1
    psi_threshold: float | None = 0.2
    missing_share_threshold: float | None = 0.05
    max_drifted_share: float | None = 0.5
    top_k: int = 5
    max_top_feature_psi: float | None = 0.25
    max_domain_auc: float | None = 0.6
    max_performance_drop: float | None = 0.05

    def __post_init__(self) -> None:
        if isinstance(self.alpha, bool) or not isinstance(self.alpha, (int, float)) or not 0 < self.alpha < 1:
            raise PolicyError(f"Expected drift.alpha strictly between 0 and 1. Got {self.alpha!r} instead.")
        if isinstance(self.top_k, bool) or not isinstance(self.top_k, int) or self.top_k < 1:
            raise PolicyError(f"Expected drift.top_k to be a positive integer. Got {self.top_k!r} instead.")
        for name in ("missing_share_threshold", "max_drifted_share", "max_domain_auc"):
            _check_fraction("drift", name, getattr(self, name))
        for name in ("distance_threshold", "psi_threshold", "max_top_feature_psi", "max_performance_drop"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
                raise PolicyError(f"Expected drift.{name} to be a non-negative number or off. Got {value!r} instead.")

    def rule(self) -> dict[str, float | None]:
        """The drift rule's thresholds, as :meth:`auditor.results.FeatureDrift.verdict` takes them."""
        return {"alpha": self.alpha, "distance": self.distance_threshold, "psi": self.psi_threshold,
                "missing_share": self.missing_share_threshold}


@dataclass(frozen=True)
class Policy:
    """Thresholds for every check of an audit, and nothing else.

    The policy judges; it never steers computation. Everything that changes a
    computed number (the confidence level, the minimum group size, reference
    groups, bins, ...) is an option of the audit or of a section, recorded in the
    result's ``config``, so :func:`auditor.rejudge` with another policy can never
    contradict the stored numbers.

    Parameters
    ----------
    performance : PerformancePolicy
    fairness : FairnessPolicy
    explanations : ExplanationPolicy
    data_quality : DataQualityPolicy
    drift : DriftPolicy
    custom : dict of str to dict, default={}
        Thresholds of sections defined outside auditor, by section name; a
        section's findings function reads ``policy.custom.get(name, {})``.

    Examples
    --------
    The TOML form mirrors the fields; ``false`` turns a check off::

        [performance]
        min_roc_auc = 0.75
        min_r2 = false
        [fairness]
        min_selection_rate_ratio = 0.8
        [explanations]
        min_global_rank_correlation = 0.5
        [drift]
        max_top_feature_psi = 0.25
        [custom.leakage]
        max_correlation = 0.9
    """

    performance: PerformancePolicy = field(default_factory=PerformancePolicy)
    fairness: FairnessPolicy = field(default_factory=FairnessPolicy)
    explanations: ExplanationPolicy = field(default_factory=ExplanationPolicy)
    data_quality: DataQualityPolicy = field(default_factory=DataQualityPolicy)
    drift: DriftPolicy = field(default_factory=DriftPolicy)
    custom: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "policy") -> Policy:
        """Build a policy from nested dicts, where ``False`` turns a check off.

        A key that changes computed numbers (``confidence_level``,
        ``fairness.min_group_size``, ...) is refused with where it lives now.
        """
        _check_moved(data, source)
        _check_keys(cls, data, source)
        try:
            return from_jsonable(cls, _false_to_none(cls, data))
        except (TypeError, ValueError) as exc:
            if isinstance(exc, PolicyError):
                raise
            raise PolicyError(f"Invalid {source}: {exc}") from exc

    @classmethod
    def from_toml(cls, path: str | PathLike[str]) -> Policy:
        """Read a policy from a TOML file (see the class docstring for the form)."""
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(f"Policy file {str(path)!r} is not valid TOML: {exc}") from exc
        # an audit config file may hold other tables; the policy is its [policy] table
        if "policy" in data and isinstance(data["policy"], dict):
            data = data["policy"]
        return cls.from_dict(data, source=f"policy file {str(path)!r}")


def _false_to_none(cls: type, data: Any) -> Any:
    """TOML has no null: ``false`` turns off a check whose field accepts ``None``.

    Type-directed, so a real boolean option (``judge_intersections = false``) keeps
    its value.
    """
    import typing

    if not isinstance(data, dict):
        return data
    hints = typing.get_type_hints(cls)
    out = {}
    for key, value in data.items():
        tp = hints.get(key)
        args = typing.get_args(tp)
        if dataclasses.is_dataclass(tp):
            out[key] = _false_to_none(tp, value)
        elif value is False and type(None) in args and bool not in args:
            out[key] = None
        else:
            out[key] = value
    return out


#: Keys that schema 1.x policies held but that change computed numbers: where they
#: live now (policy path -> (TOML table and key, Python spelling)).
MOVED_KEYS = {
    ("confidence_level",): ("[audit] confidence_level", "Auditor(confidence_level=...)"),
    ("fairness", "min_group_size"): ("[sections.fairness] min_group_size", "FairnessSection(min_group_size=...)"),
    ("fairness", "reference_groups"): ("[sections.fairness] reference_groups", "FairnessSection(reference_groups=...)"),
    ("explanations", "max_rank_gap"): ("[sections.agreement] max_rank_gap", "AgreementSection(max_rank_gap=...)"),
}


def _check_moved(data: Any, source: str) -> None:
    if not isinstance(data, dict):
        return
    for path, (toml, python) in MOVED_KEYS.items():
        table: Any = data
        for part in path[:-1]:
            table = table.get(part) if isinstance(table, dict) else None
        if isinstance(table, dict) and path[-1] in table:
            raise PolicyError(
                f"{'.'.join(path)} in {source} is no longer a policy key: it changes the computed numbers, and the "
                f"policy only judges them. Set it as {toml} in the audit configuration, or {python} in Python."
            )


def _check_keys(cls: type, data: Any, source: str, prefix: str = "") -> None:
    if not isinstance(data, dict):
        raise PolicyError(f"Expected a table at {prefix or 'the top level'} of {source}. Got {data!r}.")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        where = f"[{prefix}]" if prefix else "the top level"
        raise PolicyError(
            f"Unknown key(s) {unknown} in {where} of {source}. "
            f"Expected some of {sorted(fields)}."
        )
    for name, value in data.items():
        default = fields[name].default_factory if fields[name].default_factory is not dataclasses.MISSING else None
        if default is not None and dataclasses.is_dataclass(default):
            _check_keys(default, value, source, f"{prefix}.{name}" if prefix else name)
