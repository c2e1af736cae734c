"""Explanation checks of the policy: do the explanations add up, and do they agree?

Every check here gives PASS or WARN, never FAIL: disagreement between
explanation methods says the explanations should not be read at face value, not
that the model is wrong.
"""

from __future__ import annotations

from auditor.policy._judge import fmt_value
from auditor.results import AgreementResult, Finding, LimeResult, Policy, ShapResult, Status

__all__ = ["shap_findings", "agreement_findings", "lime_findings"]


def shap_findings(shap: ShapResult, policy: Policy) -> list[Finding]:
    """Do the SHAP values add up to the model's output?"""
    limit = policy.explanations.max_additivity_deviation
    return [] if limit is None else [_additivity(shap, limit)]


def agreement_findings(agreement: AgreementResult, policy: Policy) -> list[Finding]:
    """Do the global rankings, and LIME and SHAP row by row, tell the same story?"""
    p = policy.explanations
    out: list[Finding] = []
    if p.min_global_rank_correlation is not None and agreement.pairs:
        out.append(_global(agreement, p.min_global_rank_correlation))
    if p.min_row_rank_correlation is not None and agreement.median_row_rank_correlation is not None:
        out.append(_local(agreement, "rank", agreement.median_row_rank_correlation, p.min_row_rank_correlation))
    if p.min_row_sign_agreement is not None and agreement.median_row_sign_agreement is not None:
        out.append(_local(agreement, "sign", agreement.median_row_sign_agreement, p.min_row_sign_agreement))
    return out


def lime_findings(lime: LimeResult, policy: Policy) -> list[Finding]:
    """Does LIME's local linear model fit the model near each explained row?"""
    limit, excess = policy.explanations.min_lime_local_r2, policy.explanations.max_lime_range_excess
    if (limit is None and excess is None) or not lime.rows:
        return []
    bad = [(r, p) for r in lime.rows if (p := r.local_fit_problem(limit, excess)) is not None]
    scores = [r.score for r in lime.rows if r.score is not None]
    worst = min(scores) if scores else None
    n = len(lime.rows)
    if not bad:
        return [Finding(
            check="explanations.lime_local_fit", section="lime", status=Status.PASS,
            title="LIME's local models fit the explained rows",
            message=(f"For each of the {n} explained rows, LIME's local linear model fits the model near the row"
                     + (f" (R² at least {fmt_value(limit)}; lowest {fmt_value(worst)})" if limit is not None else "")
                     + (" and predicts within the range the output can take" if excess is not None else "") + "."),
            metric="lime_local_r2", value=worst, threshold=limit, comparison=">=",
        )]
    listed = "; ".join(f"row {r.row}: {p}" for r, p in bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
    return [Finding(
        check="explanations.lime_local_fit", section="lime", status=Status.WARN,
        title="LIME's local model does not fit some rows",
        message=(f"For {len(bad)} of the {n} explained rows, LIME's local linear model does not describe the model "
                 f"({listed}). Their LIME weights are a rough summary, not the model's reasons: read them with care "
                 "and prefer the SHAP values of those rows."),
        metric="lime_local_r2", value=worst, threshold=limit, comparison=">=", groups=tuple(r.row for r, _ in bad),
    )]


def _additivity(shap: ShapResult, limit: float) -> Finding:
    relative = shap.additivity_max_deviation / max(1.0, shap.additivity_scale)
    ok = relative <= limit
    dev = fmt_value(shap.additivity_max_deviation)
    if ok:
        msg = (f"For every explained row, the base value plus the raw-column SHAP contributions equals the model's output "
               f"({shap.output_space}) up to a difference of {dev}.")
    else:
        msg = (f"The SHAP contributions miss the model's output ({shap.output_space}) by up to {dev}, more than the "
               f"policy allows ({fmt_value(limit)} relative to the output's size): read the SHAP figures with caution.")
    return Finding(
        check="explanations.max_additivity_deviation", section="shap", status=Status.PASS if ok else Status.WARN,
        title="SHAP values add up to the model's output" if ok else "SHAP values do not add up to the model's output",
        message=msg, metric="additivity_max_deviation", value=relative, threshold=limit, comparison="<=",
    )


def _global(agreement: AgreementResult, limit: float) -> Finding:
    defined = [pr for pr in agreement.pairs if pr.rank_correlation is not None]
    worst = min(defined, key=lambda pr: pr.rank_correlation, default=None)
    if worst is None:
        return Finding(
            check="explanations.min_global_rank_correlation", section="agreement", status=Status.PASS,
            title="Global importance rankings could not be compared",
            message="No pair of global importance rankings shares enough varied features to compare.",
        )
    listed = [f.feature for f in agreement.features if f.disagreement][:5]
    value = fmt_value(worst.rank_correlation)
    if worst.rank_correlation >= limit:
        status = Status.PASS
        title = "Global explanations agree on what matters"
        msg = (f"Every pair of global importance rankings correlates at {value} or more (Spearman), at or above the "
               f"policy's minimum of {fmt_value(limit)}.")
        if listed:
            msg += f" Features ranked far apart nonetheless: {', '.join(listed)}."
    else:
        status = Status.WARN
        title = "Global explanations disagree on what matters"
        msg = (f"{worst.method_a} and {worst.method_b} rank the features differently (Spearman {value}, below the "
               f"policy's minimum of {fmt_value(limit)}), so no single ranking should be taken as what drives the model.")
        if listed:
            msg += f" They disagree most about {', '.join(listed)}."
    return Finding(
        check="explanations.min_global_rank_correlation", section="agreement", status=status, title=title,
        message=msg, metric="rank_correlation", value=worst.rank_correlation, threshold=limit, comparison=">=",
    )


def _local(agreement: AgreementResult, kind: str, value: float, limit: float) -> Finding:
    n = sum(1 for r in agreement.rows if r.rank_correlation is not None or r.sign_agreement is not None)
    ok = value >= limit
    if kind == "rank":
        what = "rank correlation between LIME and SHAP on each row's top features"
        check, metric = "explanations.min_row_rank_correlation", "median_row_rank_correlation"
        warn = "LIME and SHAP order a typical row's main features differently"
        good = "LIME and SHAP order the main features of explained rows alike"
    else:
        what = "share of each row's top features on which LIME and SHAP push the prediction the same way"
        check, metric = "explanations.min_row_sign_agreement", "median_row_sign_agreement"
        warn = "LIME and SHAP often disagree on which way a feature pushes"
        good = "LIME and SHAP agree on which way the main features push"
    msg = (f"Over {n} explained rows, the median {what} is {fmt_value(value)}, "
           f"{'at or above' if ok else 'below'} the policy's minimum of {fmt_value(limit)}.")
    if not ok:
        msg += " Single-row explanations of this model should not be read at face value."
    return Finding(
        check=check, section="agreement", status=Status.PASS if ok else Status.WARN, title=good if ok else warn,
        message=msg, metric=metric, value=value, threshold=limit, comparison=">=",
    )
