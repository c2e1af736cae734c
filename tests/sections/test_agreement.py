"""Agreement section and its findings, checked against hand computations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from auditor import Auditor, Policy, Status
from auditor.policy import rejudge
from auditor.results import ExplanationPolicy
from auditor.sections import AgreementSection, ImportanceSection, LimeSection, ShapSection
from tests.explain.models import frame, hgb_pipeline, mlp_pipeline


def _sections(**lime):
    lime.setdefault("num_samples", 400)
    lime.setdefault("max_auto_rows", 4)
    return [ImportanceSection(n_repeats=2), ShapSection(n_samples=40), LimeSection(**lime), AgreementSection(top_k=3)]


@pytest.fixture(scope="module")
def tree_audit():
    X, y = frame()
    return Auditor(hgb_pipeline(), X, y, sensitive_features=["group"], pos_label="yes", n_bootstrap=20,
                   sections=_sections(), errors="raise", n_jobs=1).run()


def test_rows_compare_lime_with_shap_by_hand(tree_audit):
    r = tree_audit
    ag = r.agreement
    assert len(ag.rows) == len(r.lime.rows) == 4
    for lr, row in zip(r.lime.rows, ag.rows):
        assert row.row == lr.row and row.rank_correlation is not None
        lime = {t.feature: t.weight for t in lr.terms}
        feats = [c.feature for c in row.features]
        top_l = sorted(lime, key=lambda f: -abs(lime[f]))[:3]
        assert set(top_l) <= set(feats)
        shap = {c.feature: c.shap for c in row.features}
        expected = spearmanr([abs(lime[f]) for f in feats], [abs(shap[f]) for f in feats]).statistic
        assert row.rank_correlation == pytest.approx(expected)
        assert row.sign_agreement == pytest.approx(np.mean([np.sign(lime[f]) == np.sign(shap[f]) for f in feats]))
    assert ag.median_row_rank_correlation == pytest.approx(np.median([x.rank_correlation for x in ag.rows]))


def test_global_rankings_compare_permutation_and_shap(tree_audit):
    r = tree_audit
    ag = r.agreement
    assert ag.methods == ("Permutation importance", "Mean |SHAP|")
    perm = {f.feature: f.estimate.value for f in r.importance.permutation.features}
    shap = {f.feature: f.mean_abs[0].value for f in r.shap.features}
    feats = sorted(perm)
    rho = spearmanr([perm[f] for f in feats], [shap[f] for f in feats]).statistic
    assert ag.pairs[0].rank_correlation == pytest.approx(rho) and ag.pairs[0].n_features == 6
    checks = {f.check: f for f in r.findings}
    assert checks["explanations.min_global_rank_correlation"].status is Status.PASS
    assert checks["explanations.max_additivity_deviation"].status is Status.PASS


def test_strict_policy_turns_disagreement_into_a_warning(tree_audit):
    from dataclasses import replace

    strict = Policy(explanations=ExplanationPolicy(min_global_rank_correlation=0.9999, min_row_rank_correlation=0.99,
                                                   min_row_sign_agreement=1.0))
    # a threshold above 1 is refused (a share cannot exceed 1): lower the stored median instead
    agreement = replace(tree_audit.agreement, median_row_sign_agreement=min(0.9, tree_audit.agreement.median_row_sign_agreement))
    r = rejudge(replace(tree_audit, sections={**tree_audit.sections, "agreement": agreement}), strict)
    warn = {f.check: f for f in r.findings if f.status is Status.WARN}
    assert "explanations.min_global_rank_correlation" in warn
    assert "Permutation importance and Mean |SHAP| rank the features differently" in warn[
        "explanations.min_global_rank_correlation"].message
    assert "explanations.min_row_sign_agreement" in warn and "explanations.min_row_rank_correlation" in warn
    assert r.verdict is Status.WARN or r.verdict.severity > Status.WARN.severity


def test_sampled_shap_covers_lime_rows_or_says_why():
    X, y = frame()
    X = X.set_axis([f"r{i}" for i in range(len(X))])
    r = Auditor(mlp_pipeline(), X, y, sensitive_features=["group"], pos_label="yes", n_bootstrap=0, n_jobs=1,
                sections=[ShapSection(n_samples=10), LimeSection(rows=["r1", "r2"], max_auto_rows=2, num_samples=300),
                          AgreementSection()], errors="raise").run()
    assert all(row.rank_correlation is not None or row.reason for row in r.agreement.rows)
    assert sum(row.features != () for row in r.agreement.rows) == 4
    none = Auditor(mlp_pipeline(), X, y, sensitive_features=["group"], pos_label="yes", n_bootstrap=0, n_jobs=1,
                   sections=[ShapSection(n_samples=10), LimeSection(rows=["r1"], max_auto_rows=0, num_samples=300),
                             AgreementSection(shap_budget=0.0)], errors="raise").run()
    row = none.agreement.rows[0]
    assert row.rank_correlation is None and "exceed the budget" in row.reason


def test_alone_it_is_skipped():
    X, y = frame()
    r = Auditor(hgb_pipeline(), X, y, sections=["agreement"], pos_label="yes").run()
    assert r.agreement is None and r.skipped[0].section == "agreement"
