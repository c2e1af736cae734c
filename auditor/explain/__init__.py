"""Computation behind the explanation sections: SHAP routing, explainers and
folding to raw columns, LIME on raw columns, permutation and native importance,
and the agreement between them. Sections call these; nothing here draws or
formats. :mod:`auditor.explain.tables` turns results into tidy DataFrames."""

from auditor.explain._agreement import global_agreement, row_agreement
from auditor.explain._codec import RawCodec
from auditor.explain._fold import Folding, folding_from_lineage
from auditor.explain._importance import native_importance, permutation_importance_raw
from auditor.explain._lime import explain_rows, make_lime
from auditor.explain._parallel import resolve_n_jobs
from auditor.explain._routing import route_for
from auditor.explain._rows import SelectedRow, automatic_rows, named_rows, row_label
from auditor.explain._shap import SUM_BLOCK_ROWS, ShapOptions, ShapRun, compute_shap
from auditor.explain._shap_dist import ShapAggregates, distributed_tree_shap, sample_run
from auditor.explain._support import require_scores
from auditor.explain._values import is_numeric, raw_column, raw_value
from auditor.explain.tables import importance_table, lime_table, shap_table

__all__ = [
    "RawCodec",
    "SUM_BLOCK_ROWS",
    "Folding",
    "folding_from_lineage",
    "global_agreement",
    "row_agreement",
    "native_importance",
    "permutation_importance_raw",
    "explain_rows",
    "make_lime",
    "resolve_n_jobs",
    "SelectedRow",
    "automatic_rows",
    "named_rows",
    "row_label",
    "ShapOptions",
    "ShapRun",
    "compute_shap",
    "route_for",
    "ShapAggregates",
    "distributed_tree_shap",
    "sample_run",
    "require_scores",
    "is_numeric",
    "raw_column",
    "raw_value",
    "importance_table",
    "shap_table",
    "lime_table",
]
