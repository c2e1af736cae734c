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

__all__ = ["Policy", "PerformancePolicy", "FairnessPolicy", "ExplanationPolicy", "PolicyError"]


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
    min_group_size : int, default=30
        Rows a group needs in the denominator of a rate (positives for the true
        positive rate, negatives for the false positive rate, predicted positives
        for precision, all its rows for the selection rate) to enter a verdict.
        Smaller groups are still shown, with their intervals, and listed as
        excluded; if one of them crosses a threshold the check is INCONCLUSIVE
        rather than PASS.
    compare : {"between_groups", "reference"}, default="between_groups"
        Judge the gap between the extreme groups, or between each group and the
        reference group.
    reference_groups : dict of str to str, default={}
        Reference group per sensitive feature (e.g. ``{"sex": "Male"}``); the
        largest group otherwise.
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
    min_group_size: int = 30
    compare: Literal["between_groups", "reference"] = "between_groups"
    reference_groups: dict[str, str] = field(default_factory=dict)
    judge_intersections: bool = True
    proxy_warning_strength: float | None = 0.25

    def __post_init__(self) -> None:
        if isinstance(self.min_group_size, bool) or not isinstance(self.min_group_size, int) or self.min_group_size < 1:
            raise PolicyError(f"Expected fairness.min_group_size to be a positive int. Got {self.min_group_size!r}.")
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
    max_rank_gap : int, default=3
        A feature is listed as a disagreement when two methods rank it more than
        this many places apart (among the features either method ranks in its top
        ten). Used to list features, not to judge.
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
    max_rank_gap: int = 3
    min_row_rank_correlation: float | None = 0.0
    min_row_sign_agreement: float | None = 0.5
    max_additivity_deviation: float | None = 1e-5


@dataclass(frozen=True)
class Policy:
    """Thresholds for every check of an audit.

    Parameters
    ----------
    confidence_level : float, default=0.95
        Level of every bootstrap confidence interval, and of the verdicts drawn from
        them: a check is ``INCONCLUSIVE`` when the interval straddles its threshold.
    performance : PerformancePolicy
    fairness : FairnessPolicy
    explanations : ExplanationPolicy

    Examples
    --------
    The TOML form mirrors the fields; ``false`` turns a check off::

        confidence_level = 0.95
        [performance]
        min_roc_auc = 0.75
        min_r2 = false
        [fairness]
        min_selection_rate_ratio = 0.8
        reference_groups = { sex = "Male" }
        [explanations]
        min_global_rank_correlation = 0.5
    """

    confidence_level: float = 0.95
    performance: PerformancePolicy = field(default_factory=PerformancePolicy)
    fairness: FairnessPolicy = field(default_factory=FairnessPolicy)
    explanations: ExplanationPolicy = field(default_factory=ExplanationPolicy)

    def __post_init__(self) -> None:
        if not 0.5 < self.confidence_level < 1:
            raise PolicyError(
                "Expected confidence_level strictly between 0.5 and 1. "
                f"Got {self.confidence_level!r} instead."
            )

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "policy") -> Policy:
        """Build a policy from nested dicts, where ``False`` turns a check off."""
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
