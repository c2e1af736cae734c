"""Computation behind the explanation sections: SHAP routing, explainers and
folding to raw columns, LIME on raw columns, permutation and native importance,
and the agreement between them. Sections call these; nothing here draws or
formats. :mod:`auditor.explain.tables` turns results into tidy DataFrames."""

from auditor.explain._codec import RawCodec
from auditor.explain._fold import Folding, folding_from_lineage
from auditor.explain._parallel import resolve_n_jobs
from auditor.explain._rows import SelectedRow, automatic_rows, named_rows
from auditor.explain._shap import SHAP_RUN, ShapOptions, ShapRun, compute_shap
from auditor.explain.tables import importance_table, lime_table, shap_table

__all__ = [
    "RawCodec",
    "Folding",
    "folding_from_lineage",
    "resolve_n_jobs",
    "SelectedRow",
    "automatic_rows",
    "named_rows",
    "SHAP_RUN",
    "ShapOptions",
    "ShapRun",
    "compute_shap",
    "importance_table",
    "shap_table",
    "lime_table",
]
