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
from typing import Any

from auditor.results._serde import from_jsonable, to_jsonable

__all__ = [
    "Policy",
    "PerformancePolicy",
    "FairnessPolicy",
    "ExplanationPolicy",
    "DataQualityPolicy",
    "DriftPolicy",
    "PolicyError",
    "MOVED_KEYS",
]


class PolicyError(ValueError):
    """A policy file or object is malformed."""


def _number(owner: str, name: str, value: object, low: float, high: float, what: str, *,
            low_open: bool = False, integer: bool = False, allow_none: bool = True) -> None:
    """Refuse a threshold outside the range its quantity can take, naming the key."""
    if value is None and allow_none:
        return
    kinds = (int,) if integer else (int, float)
    ok = isinstance(value, kinds) and not isinstance(value, bool)
    if ok:
        ok = (value > low if low_open else value >= low) and value <= high
    if not ok:
        lo = "(" if low_open else "["
        lo_text = "-inf" if low == float("-inf") else f"{low:g}"
        hi_text = "inf" if high == float("inf") else f"{high:g}"
        hi = ")" if high == float("inf") else "]"
        raise PolicyError(f"Expected {owner}.{name} to be {what} in {lo}{lo_text}, {hi_text}{hi}. Got {value!r} instead.")


@dataclass(frozen=True)
class PerformancePolicy:
    """Minimum performance a model must show.

    Each threshold applies where the metric exists for the task; ``None`` turns the
    check off.

    Parameters
    ----------
    min_roc_auc : float or None, default=0.7
        ROC AUC (binary; one-vs-rest macro average for multiclass), in [0, 1].
    min_balanced_accuracy : float or None, default=None
        In [0, 1].
    min_r2 : float or None, default=0.0
        Coefficient of determination, regression only, at most 1. The default
        asks the model to predict better than always predicting the mean of the
        audited target (R² > 0 with its whole interval).
    max_expected_calibration_error : float or None, default=None
        In [0, 1].
    min_rows : int or None, default=30
        Rows a performance check needs: of every class for classification, in
        all for regression. With fewer, the check is INCONCLUSIVE whatever its
        interval says (an interval from a handful of rows is not evidence).
    """

    min_roc_auc: float | None = 0.7
    min_balanced_accuracy: float | None = None
    min_r2: float | None = 0.0
    max_expected_calibration_error: float | None = None
    min_rows: int | None = 30

    def __post_init__(self) -> None:
        owner = "performance"
        _number(owner, "min_roc_auc", self.min_roc_auc, 0, 1, "an AUC")
        _number(owner, "min_balanced_accuracy", self.min_balanced_accuracy, 0, 1, "an accuracy")
        _number(owner, "min_r2", self.min_r2, float("-inf"), 1, "an R²")
        _number(owner, "max_expected_calibration_error", self.max_expected_calibration_error, 0, 1,
                "a calibration error")
        _number(owner, "min_rows", self.min_rows, 1, float("inf"), "a number of rows", integer=True)


@dataclass(frozen=True)
class FairnessPolicy:
    """Limits on how far each group may be from the reference group.

    Every check compares each group with the reference group of its grouping
    (``FairnessSection(reference_groups=...)``, else the largest group), on the
    simultaneous intervals the fairness section stores. Each check applies to
    every sensitive feature alone and, when ``judge_intersections``, to their
    intersections. ``None`` turns a check off.

    Parameters
    ----------
    min_selection_rate_ratio : float or None, default=0.8
        The four-fifths rule: every group's selection rate over the reference
        group's must lie in ``[r, 1/r]``; a ratio in (0, 1]. Multiclass: for
        every class.
    max_equalized_odds_difference : float or None, default=0.1
        Largest gap to the reference in true or false positive rate, in [0, 1].
    max_demographic_parity_difference : float or None, default=None
        Largest gap to the reference in selection rate, in [0, 1].
    max_equal_opportunity_difference : float or None, default=None
        Largest gap to the reference in true positive rate, in [0, 1].
    max_predictive_parity_difference : float or None, default=None
        Largest gap to the reference in precision, in [0, 1].
    max_error_ratio : float or None, default=1.25
        Regression: every group's mean absolute error over the reference
        group's must lie in ``[1/r, r]``; at least 1.
    max_ratio_outside : int or None, default=None
        dalex's fairness check: how many of its five rates (true positive rate,
        accuracy, precision, false positive rate, selection rate) may have a
        group whose ratio to the reference lies outside
        ``(ratio_epsilon, 1/ratio_epsilon)``; 0 to 5. dalex calls a model "not
        fair" from two such metrics on, so 1 mirrors it. Binary tasks.
    ratio_epsilon : float, default=0.8
        The ``epsilon`` of that check (dalex's default), in (0, 1].
    judge_intersections : bool, default=True
    proxy_warning_strength : float or None, default=0.25
        WARN when a feature carries at least this share of the information about a
        sensitive attribute (normalised mutual information), in [0, 1].
    """

    min_selection_rate_ratio: float | None = 0.8
    max_equalized_odds_difference: float | None = 0.1
    max_demographic_parity_difference: float | None = None
    max_equal_opportunity_difference: float | None = None
    max_predictive_parity_difference: float | None = None
    max_error_ratio: float | None = 1.25
    max_ratio_outside: int | None = None
    ratio_epsilon: float = 0.8
    judge_intersections: bool = True
    proxy_warning_strength: float | None = 0.25

    def __post_init__(self) -> None:
        owner = "fairness"
        _number(owner, "min_selection_rate_ratio", self.min_selection_rate_ratio, 0, 1, "a ratio", low_open=True)
        for name in ("max_equalized_odds_difference", "max_demographic_parity_difference",
                     "max_equal_opportunity_difference", "max_predictive_parity_difference"):
            _number(owner, name, getattr(self, name), 0, 1, "a difference of rates")
        _number(owner, "max_error_ratio", self.max_error_ratio, 1, float("inf"), "a ratio of errors")
        _number(owner, "max_ratio_outside", self.max_ratio_outside, 0, 5, "a number of dalex's five metrics",
                integer=True)
        _number(owner, "ratio_epsilon", self.ratio_epsilon, 0, 1, "a ratio", low_open=True, allow_none=False)
        if not isinstance(self.judge_intersections, bool):
            raise PolicyError(f"Expected fairness.judge_intersections to be true or false. Got "
                              f"{self.judge_intersections!r} instead.")
        _number(owner, "proxy_warning_strength", self.proxy_warning_strength, 0, 1, "a share of information")


@dataclass(frozen=True)
class ExplanationPolicy:
    """When explanations disagree enough, or fail their own check, to tell the reader.

    Disagreement is a WARN, never a FAIL: it says the explanations should not be
    read at face value, not that the model is wrong. ``None`` turns a check off.
    The defaults come from simulated audits in which the methods should agree
    (models with a known additive structure) and one in which they should not
    (a strong interaction): ``python bench/bench_explanation_agreement.py``, kept
    small in ``tests/explain/test_agreement_simulation.py``.

    Parameters
    ----------
    min_global_rank_correlation : float or None, default=0.5
        Spearman correlation between any two global importance rankings
        (permutation importance, mean |SHAP|, native importance) over the features
        they share, in [-1, 1]. Below 0.5 the methods broadly disagree on what matters.
    min_row_rank_correlation : float or None, default=0.4
        Median, over the LIME-explained rows, of the Spearman correlation between
        |LIME weight| and |SHAP value| on the top features, in [-1, 1]. On
        additive models, where the two should agree, the median stayed at 0.45
        or above in 40 simulated audits (half of them at 0.83 or above); on a
        model with a strong interaction it sat near 0. Below 0.4 they order a
        typical row's main features differently.
    min_row_sign_agreement : float or None, default=0.75
        Median share of a row's top features on which LIME and SHAP push the
        prediction the same way, in [0, 1]. Additive models: 0.92 or above in
        every simulated audit; the interaction model: about 0.7.
    max_additivity_deviation : float or None, default=1e-5
        Largest ``|base + sum(SHAP) - model output|`` allowed, relative to
        ``max(1, largest |output|)``, at least 0. Exact explainers sit near 1e-12
        in float64 (XGBoost's float32 trees near 1e-7); more means the
        explanation does not add up to the model's output.
    min_lime_local_r2 : float or None, default=0.03
        LIME's local linear model must explain at least this share of the
        model's output over LIME's perturbed samples (weighted R², in [0, 1]).
        LIME's fit is modest even where it should be good (median R² about 0.3
        on additive models, whose rows fell below 0.03 about 1% of the time);
        below it (the interaction model's median: 0.025) its weights describe
        little. A row that does not fit is a WARN; ``None`` turns the check off.
    max_lime_range_excess : float or None, default=0.1
        How far beyond the range the output can take (0 to 1 for a
        probability) LIME's local model may predict at the row, as a share of
        that range, at least 0. On a logistic model LIME predicts past [0, 1]
        for confident rows (by more than 0.1 for about 5% of them): a local
        model that predicts a probability of -0.135 does not describe the model
        there. ``None`` turns this part of the check off.
    """

    min_global_rank_correlation: float | None = 0.5
    min_row_rank_correlation: float | None = 0.4
    min_row_sign_agreement: float | None = 0.75
    max_additivity_deviation: float | None = 1e-5
    min_lime_local_r2: float | None = 0.03
    max_lime_range_excess: float | None = 0.1

    def __post_init__(self) -> None:
        owner = "explanations"
        _number(owner, "min_global_rank_correlation", self.min_global_rank_correlation, -1, 1, "a correlation")
        _number(owner, "min_row_rank_correlation", self.min_row_rank_correlation, -1, 1, "a correlation")
        _number(owner, "min_row_sign_agreement", self.min_row_sign_agreement, 0, 1, "a share")
        _number(owner, "max_additivity_deviation", self.max_additivity_deviation, 0, float("inf"), "a deviation")
        _number(owner, "min_lime_local_r2", self.min_lime_local_r2, 0, 1, "an R²")
        _number(owner, "max_lime_range_excess", self.max_lime_range_excess, 0, float("inf"), "a share of the range")


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


#: Keys that policies held but that no longer mean anything: why.
RETIRED_KEYS = {
    ("fairness", "compare"): (
        "every fairness verdict now compares each group with the reference group, on intervals that hold together "
        "over the groups (the gap between the extreme groups is still described in the report, never judged). Choose "
        "the reference with [sections.fairness] reference_groups, or FairnessSection(reference_groups=...) in Python"
    ),
}

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
    for path, why in RETIRED_KEYS.items():
        table = data.get(path[0])
        if isinstance(table, dict) and path[-1] in table:
            raise PolicyError(f"{'.'.join(path)} in {source} is no longer a policy key: {why}. Remove it.")
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
