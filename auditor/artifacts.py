"""Large intermediate results that sections share through the context, and the
memo keys they live under (every key is defined here, in one place).

These are not part of the JSON result (they hold a value per row); they live in
the context's memo so that a later section reuses them instead of recomputing.
A section reads another section's *result* with ``ctx.result(name)`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ShapValues", "ShapGroupSums", "SHAP_GROUP_SUMS", "SHAP_VALUES", "SHAP_RUN", "SHAP_SAMPLE_RUN", "ENGINE_SAMPLE", "X_MODEL", "TRANSFORMED", "REFERENCE_PREDICTIONS", "SENSITIVE_GROUPS"]

#: The model's input: its columns of X, in its order (``ctx.X_model``).
X_MODEL = "X_model"
#: The design matrix the final estimator sees (``ctx.transformed``).
TRANSFORMED = "transformed"
#: The model's :class:`~auditor.model.Predictions` on the reference rows
#: (``ctx.reference_predictions``), computed once for every section comparing with them.
REFERENCE_PREDICTIONS = "reference.predictions"
#: Prefix of the memo keys of the sensitive groups of the audited and reference
#: rows cut alike (one per ``bins`` option; the data-quality and drift sections share it).
SENSITIVE_GROUPS = "reference.sensitive_groups"
#: The SHAP section's run (:class:`auditor.explain.ShapRun`): explainer, values and
#: the means to explain further rows (the agreement section asks it for LIME rows).
SHAP_RUN = "explain.shap_run"

#: Dask engine: the sorted positions of the rows the sampled sections audit in
#: memory (``Auditor(max_samples=...)``), set by the audit before any section runs.
ENGINE_SAMPLE = "engine.sample"
#: Dask engine, TreeSHAP on the workers: the tree route's run over the engine's
#: sample alone, its rows numbered as in the sample, for the sampled sections
#: (the agreement section) to read as :data:`SHAP_RUN` of their context.
SHAP_SAMPLE_RUN = "explain.shap_sample_run"

#: Memo key of the :class:`ShapValues` the SHAP section computes. A later section
#: (fairness' "SHAP by group") reads it with ``ctx.has(SHAP_VALUES)`` /
#: ``ctx.memo(SHAP_VALUES, ...)``; it does not trigger a SHAP computation itself.
SHAP_VALUES = "shap_values"


@dataclass(frozen=True, eq=False)
class ShapValues:
    """Per-row SHAP contributions, folded to raw columns.

    Attributes
    ----------
    values : numpy.ndarray of shape (n_explained, n_features, n_outputs)
        Contributions per explained row, raw feature (one-hot children summed into
        their parent) and model output. Always 3-D, whatever the shap version.
    base_values : numpy.ndarray of shape (n_explained, n_outputs)
        The expected value each row's contributions add to.
    feature_names : tuple of str
        The raw columns (or joint groups such as ``"a + b"``) of axis 1.
    rows : numpy.ndarray of shape (n_explained,)
        Positions of the explained rows among the audited rows (all rows for
        TreeSHAP; a stratified sample for model-agnostic explainers).
    output_names : tuple of str
        What each output is, e.g. the positive class, or each class.
    output_space : str
        ``"log-odds"``, ``"probability"``, ``"margin"`` or ``"raw"``.
    method : str
        The explainer used, e.g. ``"TreeExplainer"``.
    transformed_values : numpy.ndarray or None
        The same contributions per transformed column (before folding), when a
        pipeline's preprocessor produced them. An exact explainer over more than
        65,536 rows keeps only their means (``transformed_mean_abs``): the
        per-row matrix over the one-hot columns is the largest array of an audit
        (half a gigabyte at a million rows x 66 columns) and nothing else reads it.
    transformed_mean_abs : numpy.ndarray of shape (n_transformed, n_outputs) or None
        The row-weighted mean |SHAP| of each transformed column, summed while the
        exact explainers' chunks were folded; ``None`` when not computed (then
        the report computes it from ``transformed_values``).
    transformed_feature_names : tuple of str
    """

    values: np.ndarray
    base_values: np.ndarray
    feature_names: tuple[str, ...]
    rows: np.ndarray
    output_names: tuple[str, ...]
    output_space: str
    method: str
    transformed_values: np.ndarray | None = None
    transformed_feature_names: tuple[str, ...] = ()
    transformed_mean_abs: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.values.ndim != 3:
            raise ValueError(f"Expected SHAP values of shape (rows, features, outputs). Got {self.values.shape}.")
        if self.values.shape[1] != len(self.feature_names):
            raise ValueError("Expected one feature name per SHAP column.")
        if self.values.shape[0] != len(self.rows):
            raise ValueError("Expected one row position per explained row.")


#: Memo key of the :class:`ShapGroupSums` of a SHAP run over every row on a
#: cluster: fairness' SHAP by group reads them instead of per-row values.
SHAP_GROUP_SUMS = "explain.shap_group_sums"


@dataclass(frozen=True, eq=False)
class ShapGroupSums:
    """Sums of SHAP values per value of each sensitive column, over every row.

    Fairness' "SHAP by group" is a mean per group: sums and counts per distinct
    value merge across partitions, and a group made of several values (bins of a
    numeric column) is the sum of theirs.

    Attributes
    ----------
    feature_names, output_names : tuple of str
        As in :class:`ShapValues`.
    n_rows : int
        Rows summed (every audited row).
    columns : dict of str to tuple
        Per sensitive column, ``(first, counts, abs_sums, signed_sums)``: for
        each of its distinct values (missing included) the position of a row
        holding it, the number of rows, the sums over those rows of |SHAP|
        averaged over the outputs ``(k, n_features)``, and of SHAP
        ``(k, n_features)`` for a single output (``None`` otherwise).
    """

    feature_names: tuple[str, ...]
    output_names: tuple[str, ...]
    n_rows: int
    columns: dict
