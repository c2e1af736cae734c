"""View of the feature importance section."""

from __future__ import annotations

from auditor.plots import plot_importance
from auditor.render._figures import Figure, encode_figure
from auditor.render._format import fmt_ci, fmt_num
from auditor.results import AuditResult, ImportanceResult

__all__ = ["build"]



def build(imp: ImportanceResult, result: AuditResult, *, figures: bool = True) -> dict:
    """The chapter's view model (see :mod:`auditor.render.views`)."""
    perm = imp.permutation
    level = f"{round(100 * imp.confidence_level)}%"
    native = {f.feature: f.estimate.value for f in imp.native.features} if imp.native is not None else {}
    rows = [
        {
            "feature": f.feature,
            "value": fmt_num(f.estimate.value),
            "ci": fmt_ci(f.estimate),
            "std": fmt_num(f.std),
            "native": fmt_num(native.get(f.feature)) if imp.native is not None else "",
        }
        for f in perm.features
    ]
    figs = []
    if figures:
        top = perm.features[0].feature if perm.features else "—"
        figs.append(Figure(
            "fig-permutation-importance", "Permutation importance",
            encode_figure(plot_importance(imp)),
            f"Bar chart of the drop in {perm.scoring_label} when each raw column is shuffled, with {level} intervals; "
            f"largest for {top}.",
            "Longer bars are columns the model relies on more; a bar whose interval reaches zero is a column the "
            "model could do without. Sensitive columns with long bars deserve a closer look.",
        ).as_dict())
        if imp.native is not None:
            figs.append(Figure(
                "fig-native-importance", "Native importance",
                encode_figure(plot_importance(imp, kind="native")),
                f"Bar chart of the model's own importance ({imp.native.source}) per raw column.",
                "The model's internal view of what it uses; compare its order with the permutation bars — where they "
                "differ, prefer permutation importance, which measures the effect on predictions.",
            ).as_dict())
    baseline = fmt_num(perm.baseline_score)
    return {
        "intro": (
            f"How much the model's {perm.scoring_label} drops when one raw column is shuffled, through the whole model "
            f"({perm.n_repeats} shuffles per column on {_rows(perm, result)}; unshuffled score {baseline})."
        ),
        "rows": rows,
        "has_native": imp.native is not None,
        "native_header": imp.native.source if imp.native is not None else "",
        "native_note": (imp.native.description + "." if imp.native is not None
                        else f"No native importance: {imp.native_reason}."),
        "ci_header": f"{level} interval",
        "interval_note": f"Interval: {perm.interval_method}.",
        "notes": list(imp.notes),
        "figures": figs,
        "methods": [
            {"label": "Permutation importance", "value": f"{perm.n_repeats} shuffles per raw column through the whole model, "
             f"scored by {perm.scoring_label}, on {_rows(perm, result)}; {perm.interval_method}"},
            {"label": "Native importance", "value": imp.native.description if imp.native is not None else f"none ({imp.native_reason})"},
        ],
    }


def _rows(perm, result: AuditResult) -> str:
    """The rows scored, saying when they are a sample (and that the interval is
    the shuffles' noise, not the sample's)."""
    n = result.summary.n_rows
    if perm.n_rows >= n:
        return f"all {n:,} rows"
    return (f"a seeded sample of {perm.n_rows:,} of the {n:,} rows (ImportanceSection(max_samples=...)); the interval "
            "covers the shuffles, not the choice of rows")
