"""Results of the explanation sections: feature importance, SHAP, LIME and their agreement.

Everything here is a summary. Per-row SHAP values stay out of the JSON (see
:class:`ShapResult`); what is kept is what the report shows and what a reviewer
needs to check it: global importances with intervals, a bounded sample of points
for the beeswarm and dependence figures, waterfalls of a few named rows, and the
additivity check.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.results._base import Estimate
from auditor.results._section import SectionResult

__all__ = [
    "FeatureImportance",
    "PermutationImportance",
    "NativeImportance",
    "ImportanceResult",
    "ShapFeature",
    "TransformedShapFeature",
    "ShapBeeswarm",
    "ShapDependence",
    "ShapContribution",
    "ShapWaterfall",
    "ShapResult",
    "LimeTerm",
    "LimeRow",
    "LimeResult",
    "FeatureComparison",
    "RowAgreement",
    "MethodAgreement",
    "FeatureRanks",
    "AgreementResult",
]


# -- feature importance -----------------------------------------------------------
@dataclass(frozen=True)
class FeatureImportance:
    """Importance of one raw feature.

    ``estimate`` holds the value and, where computed, its interval; ``std`` the
    standard deviation over permutation repeats (permutation importance only).
    """

    feature: str
    estimate: Estimate
    std: float | None = None


@dataclass(frozen=True)
class PermutationImportance:
    """Drop in score when one raw column is shuffled, through the whole model.

    Parameters
    ----------
    scoring : str
        Code name of the score (``"roc_auc"``, ``"neg_log_loss"``, ``"r2"``, ...).
    scoring_label : str
        What the score is, in words (names the positive class for ROC AUC).
    baseline_score : float or None
        The score on the unshuffled rows.
    n_repeats : int
    features : tuple of FeatureImportance
        Sorted from most to least important. The interval is a t-interval of the
        mean over repeats: it reflects the randomness of the shuffles, not the
        sampling of the audited rows.
    n_rows : int
        Rows scored (every audited row, or a seeded sample when ``max_rows`` is set).
    """

    scoring: str
    scoring_label: str
    baseline_score: float | None
    n_repeats: int
    features: tuple[FeatureImportance, ...]
    n_rows: int
    interval_method: str = ""


@dataclass(frozen=True)
class NativeImportance:
    """The model's own importance (``feature_importances_`` or ``coef_``), mapped to
    raw columns through the pipeline's lineage."""

    source: str
    description: str
    features: tuple[FeatureImportance, ...]


@dataclass(frozen=True)
class ImportanceResult(SectionResult):
    """Which raw columns the model relies on, by two independent routes.

    ``native`` is ``None`` when the model has no importance of its own
    (``native_reason`` says why).
    """

    permutation: PermutationImportance
    native: NativeImportance | None = None
    native_reason: str | None = None
    confidence_level: float = 0.95
    notes: tuple[str, ...] = ()


# -- SHAP ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ShapFeature:
    """Global SHAP importance of one raw feature (or joint group ``"a + b"``).

    ``mean_abs`` and ``mean`` have one entry per model output (see
    ``ShapResult.output_names``); ``mean_abs`` carries a bootstrap interval over
    the explained rows.
    """

    feature: str
    mean_abs: tuple[Estimate, ...]
    mean: tuple[float, ...]


@dataclass(frozen=True)
class TransformedShapFeature:
    """Global mean |SHAP| of one column of the preprocessor's output, before folding."""

    name: str
    parent: str
    mean_abs: tuple[float, ...]


@dataclass(frozen=True)
class ShapBeeswarm:
    """A bounded, seeded sample of per-row values for the beeswarm figure.

    ``values[f][i]`` is the SHAP value of ``features[f]`` for sampled row ``i`` on
    output ``output``; ``colour[f][i]`` the feature's value as a rank in [0, 1]
    (``None`` for categorical features, drawn grey).
    """

    output: str
    features: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]
    colour: tuple[tuple[float | None, ...], ...]
    n_points: int


@dataclass(frozen=True)
class ShapDependence:
    """SHAP value of one feature against its raw value, for sampled rows.

    Numeric features fill ``x``; categorical ones fill ``categories`` (the label
    of each point) and leave ``x`` empty.
    """

    feature: str
    output: str
    kind: str
    x: tuple[float, ...]
    categories: tuple[str, ...]
    shap: tuple[float, ...]


@dataclass(frozen=True)
class ShapContribution:
    """One bar of a waterfall: a feature, its value in the row, its contribution."""

    feature: str
    value: str
    contribution: float


@dataclass(frozen=True)
class ShapWaterfall:
    """How one row's prediction is built from the base value, feature by feature.

    ``contributions`` are the largest ones; ``rest`` sums the others, so
    ``base_value + sum(contributions) + rest == output_value``.
    """

    row: str
    position: int
    reason: str
    output: str
    base_value: float
    output_value: float
    contributions: tuple[ShapContribution, ...]
    rest: float
    n_rest: int


@dataclass(frozen=True)
class ShapResult(SectionResult):
    """SHAP explanations in raw-column terms.

    Parameters
    ----------
    method : str
        The shap explainer used (``"TreeExplainer"``, ``"LinearExplainer"``,
        ``"KernelExplainer"``).
    exact : bool
        Whether the values are exact for the model (tree and linear explainers) or
        estimated (the model-agnostic explainer).
    route : str
        Why this explainer: ``"tree"``, ``"linear"`` or ``"model-agnostic"``.
    output_space : str
        ``"log-odds"``, ``"margin"``, ``"probability"`` or ``"raw"``: the scale of
        the values, the base value and the additivity check.
    output_names : tuple of str
        The model outputs explained: the positive class (binary), every class
        (multiclass), the prediction (regression).
    background : str
        What the contributions are measured against, in words.
    n_rows : int
        Audited rows.
    n_explained : int
        Rows explained: all of them, or the stratified sample.
    sample : str
        How the explained rows were chosen, in words.
    time_budget : float or None
        Seconds allowed to the model-agnostic explainer.
    estimated_seconds : float or None
        The cost estimated before running, recorded only when the time budget
        limited the sample (the result then depends on the machine's speed, and a
        recorded warning says so); ``None`` when the sample did not depend on it.
    additivity_max_deviation : float
        Largest ``|base + sum(contributions) - model output|`` over explained rows
        and outputs, after folding to raw columns, in ``output_space``.
    additivity_scale : float
        Largest ``|model output|`` over the same rows: the deviation is judged
        relative to it.
    features : tuple of ShapFeature
        Global importance per raw feature, most important first.
    transformed : tuple of TransformedShapFeature
        The same before folding, per column of the preprocessor's output (empty for
        a bare model or the grouped model-agnostic explainer; see ``notes``).
    values_file : str or None
        Where per-row values were written, when asked for (``save_values``).
    values_sha256 : str or None
        SHA-256 of the written arrays (values, base values, rows), to tie the file
        to this record.
    """

    method: str
    exact: bool
    route: str
    output_space: str
    output_names: tuple[str, ...]
    background: str
    n_rows: int
    n_explained: int
    sample: str
    additivity_max_deviation: float
    additivity_scale: float
    features: tuple[ShapFeature, ...]
    confidence_level: float
    n_bootstrap: int
    transformed: tuple[TransformedShapFeature, ...] = ()
    beeswarm: tuple[ShapBeeswarm, ...] = ()
    dependence: tuple[ShapDependence, ...] = ()
    waterfalls: tuple[ShapWaterfall, ...] = ()
    time_budget: float | None = None
    estimated_seconds: float | None = None
    values_file: str | None = None
    values_sha256: str | None = None
    notes: tuple[str, ...] = ()


# -- LIME ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LimeTerm:
    """One term of a LIME explanation: a raw feature, the condition LIME tested
    (``"age > 47.00"``, ``"sex=Male"``) and its weight in the local model."""

    feature: str
    term: str
    weight: float


@dataclass(frozen=True)
class LimeRow:
    """The LIME explanation of one row.

    ``terms`` cover every raw feature, largest |weight| first. ``score`` is the
    weighted R² of LIME's local linear model on its perturbed samples (how well
    the local model fits the real one near this row), and ``local_value`` its
    prediction at the row itself. ``output_low`` and ``output_high`` bound what
    the explained output can be: 0 and 1 for a probability, otherwise the
    smallest and largest model output over LIME's samples. A local model that
    predicts outside them (a probability of -0.1) does not describe the model.
    """

    row: str
    position: int
    reason: str
    output: str
    true_label: str
    predicted_label: str
    model_value: float
    local_value: float | None
    intercept: float
    score: float | None
    terms: tuple[LimeTerm, ...]
    output_low: float | None = None
    output_high: float | None = None

    def local_fit_problem(self, min_r2: float | None = None, max_range_excess: float | None = None) -> str | None:
        """Why LIME's local model does not describe the model at this row, or ``None``.

        It does not when (with ``max_range_excess``) it predicts beyond the range
        the output can take by more than that share of the range, or (with
        ``min_r2``) when its weighted R² on LIME's samples is below ``min_r2``.
        """
        problems = []
        lo, hi, v = self.output_low, self.output_high, self.local_value
        if max_range_excess is not None and v is not None and lo is not None and hi is not None:
            tol = max_range_excess * max(hi - lo, 1e-12)
            if v < lo - tol or v > hi + tol:
                where = ("the 0 to 1 a probability can take" if (lo, hi) == (0.0, 1.0)
                         else f"the {lo:.3g} to {hi:.3g} the model's output takes over LIME's samples")
                problems.append(f"it predicts {v:.3g}, outside {where}")
        if min_r2 is not None and self.score is not None and self.score < min_r2:
            problems.append(f"it explains only {self.score:.3g} of the model's variation near the row (R²)")
        return "; ".join(problems) or None


@dataclass(frozen=True)
class LimeResult(SectionResult):
    """LIME explanations of named and automatically chosen rows, on raw columns."""

    mode: str
    output_space: str
    num_samples: int
    discretizer: str
    kernel_width: float
    rows: tuple[LimeRow, ...]
    categorical_features: tuple[str, ...]
    notes: tuple[str, ...] = ()


# -- agreement ----------------------------------------------------------------------
@dataclass(frozen=True)
class FeatureComparison:
    """A feature's LIME weight and SHAP value in one row."""

    feature: str
    lime: float
    shap: float


@dataclass(frozen=True)
class RowAgreement:
    """Do LIME and SHAP tell the same story about one row?

    ``rank_correlation`` is Spearman's correlation of |LIME weight| and |SHAP
    value| over the union of each method's ``top_k`` features;
    ``sign_agreement`` the share of those features where both push the same way.
    Both are ``None`` with a ``reason`` when SHAP is unavailable for the row.
    """

    row: str
    position: int
    output: str
    top_k: int
    rank_correlation: float | None
    sign_agreement: float | None
    features: tuple[FeatureComparison, ...]
    reason: str | None = None


@dataclass(frozen=True)
class MethodAgreement:
    """Spearman correlation of two global importance rankings over shared features."""

    method_a: str
    method_b: str
    rank_correlation: float | None
    n_features: int
    reason: str | None = None


@dataclass(frozen=True)
class FeatureRanks:
    """A feature's rank (1 = most important) under each global method, and whether
    the methods disagree about it (ranks further apart than the policy allows)."""

    feature: str
    ranks: dict[str, int]
    disagreement: bool


@dataclass(frozen=True)
class AgreementResult(SectionResult):
    """Agreement between explanation methods, locally (per LIME row) and globally.

    ``methods`` names the global rankings compared (permutation importance, mean
    |SHAP|, native importance), ``pairs`` their pairwise rank correlations.
    """

    rows: tuple[RowAgreement, ...]
    methods: tuple[str, ...]
    pairs: tuple[MethodAgreement, ...]
    features: tuple[FeatureRanks, ...]
    max_rank_gap: int
    median_row_rank_correlation: float | None = None
    median_row_sign_agreement: float | None = None
    notes: tuple[str, ...] = ()
