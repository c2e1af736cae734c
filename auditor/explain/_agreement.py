"""Agreement between explanation methods, locally and globally.

Locally, for a row explained by LIME, the features considered are the union of
the ``top_k`` features of each method by magnitude (raw columns both methods
know; a joint SHAP group "a + b" has no LIME counterpart). On them:

- rank correlation: Spearman's rho between |LIME weight| and |SHAP value|;
- sign agreement: the share on which both are non-zero and push the same way.

LIME explains probabilities, TreeSHAP often log-odds: magnitudes differ in scale
but ranks and signs are comparable, which is why only those are compared.

Globally, rankings (1 = most important) by permutation importance, mean |SHAP|
(summed over outputs) and native importance are compared pairwise with
Spearman's rho over the features both rank.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from scipy.stats import rankdata, spearmanr

from auditor.results import FeatureComparison, FeatureRanks, MethodAgreement

__all__ = ["row_agreement", "global_agreement", "spearman"]

#: Fewer shared features than this leave a rank correlation undefined.
MIN_FEATURES = 3


def spearman(a: np.ndarray, b: np.ndarray) -> tuple[float | None, str | None]:
    """Spearman's rho, or ``None`` with a reason."""
    if len(a) < MIN_FEATURES:
        return None, f"fewer than {MIN_FEATURES} features to compare"
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return None, "one method gives every feature the same importance"
    rho = spearmanr(a, b).statistic
    return (float(rho), None) if np.isfinite(rho) else (None, "the correlation is undefined")


def row_agreement(lime: dict[str, float], shap: dict[str, float], top_k: int):
    """``(rank_correlation, sign_agreement, comparisons, reason)`` for one row."""
    common = [f for f in lime if f in shap]
    if not common:
        return None, None, (), "LIME and SHAP share no feature for this row"

    def top(values: dict[str, float]) -> list[str]:
        return sorted(common, key=lambda f: (-abs(values[f]), f))[:top_k]

    union = sorted(set(top(lime)) | set(top(shap)), key=lambda f: (-abs(shap[f]), f))
    lv = np.array([lime[f] for f in union])
    sv = np.array([shap[f] for f in union])
    rho, reason = spearman(np.abs(lv), np.abs(sv))
    same = (np.sign(lv) == np.sign(sv)) & (lv != 0) & (sv != 0)
    comparisons = tuple(FeatureComparison(f, float(lime[f]), float(shap[f])) for f in union)
    return rho, float(same.mean()), comparisons, reason


def global_agreement(methods: dict[str, dict[str, float]], max_rank_gap: int, top: int = 10):
    """Pairwise rank correlations and per-feature ranks of global importances.

    Returns
    -------
    pairs : tuple of MethodAgreement
    features : tuple of FeatureRanks
        Every feature ranked by at least two methods, in order of its best rank;
        ``disagreement`` when it is in some method's top ``top`` and two methods
        rank it more than ``max_rank_gap`` places apart.
    """
    ranks: dict[str, dict[str, int]] = {}
    for name, values in methods.items():
        feats = sorted(values)
        r = rankdata([-values[f] for f in feats], method="min").astype(int)
        ranks[name] = dict(zip(feats, (int(v) for v in r)))
    pairs = []
    for a, b in combinations(methods, 2):
        shared = sorted(set(methods[a]) & set(methods[b]))
        rho, reason = spearman(np.array([methods[a][f] for f in shared]), np.array([methods[b][f] for f in shared]))
        pairs.append(MethodAgreement(a, b, rho, len(shared), reason))
    everything = sorted({f for v in methods.values() for f in v})
    rows = []
    for f in everything:
        r = {m: ranks[m][f] for m in methods if f in ranks[m]}
        if len(r) < 2:
            continue
        gap = max(r.values()) - min(r.values())
        rows.append(FeatureRanks(f, r, bool(min(r.values()) <= top and gap > max_rank_gap)))
    rows.sort(key=lambda fr: (min(fr.ranks.values()), fr.feature))
    return tuple(pairs), tuple(rows)
