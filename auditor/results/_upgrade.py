"""Reading archives written before the current schema (2.1).

2.1 (fairness verdicts against the reference group): each grouping stores its
comparisons with the reference group (``families``); the gap between the
extreme groups is no longer judged, so the policy's ``fairness.compare`` is
gone. A 2.0 archive keeps its ``disparities`` (they load and render as they
were) and loses only that policy key; its stored findings are kept.

Schema 1.x kept each built-in section's result at the top level and three
computation settings in the policy (``confidence_level``,
``fairness.min_group_size`` / ``reference_groups``, ``explanations.max_rank_gap``).
2.0 keeps results under ``sections`` and every setting that changes a number in
``config``. The numbers themselves are unchanged, so an old archive upgrades
without loss: it re-renders, re-judges and diffs against a new one.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["upgrade"]

TARGET_VERSION = "2.1"

# the sections schema 1.x knew, with the titles its reports gave them
_V1_SECTIONS = {
    "performance": ("Model performance", "auditor.results.performance:PerformanceResult"),
    "fairness": ("Fairness across groups", "auditor.results.fairness:FairnessResult"),
    "importance": ("Feature importance", "auditor.results.explanations:ImportanceResult"),
    "shap": ("SHAP explanations", "auditor.results.explanations:ShapResult"),
    "lime": ("LIME explanations of single rows", "auditor.results.explanations:LimeResult"),
    "agreement": ("Do the explanations agree?", "auditor.results.explanations:AgreementResult"),
}


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """An audit dict of schema 1.x or 2.0 in the current layout (the input is not modified)."""
    data = copy.deepcopy(data)
    if str(data.get("schema_version", "")).split(".")[0] == "1":
        data = _from_v1(data)
    return _from_v2_0(data)


def _from_v2_0(data: dict[str, Any]) -> dict[str, Any]:
    policy = data.get("policy")
    fairness = policy.get("fairness") if isinstance(policy, dict) else None
    if isinstance(fairness, dict):
        # every verdict compares with the reference group now: the switch has no meaning left
        fairness.pop("compare", None)
    data["schema_version"] = TARGET_VERSION
    return data


def _from_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 1.x in the 2.0 layout."""
    policy = data.get("policy", {})
    fairness_policy = policy.get("fairness", {}) if isinstance(policy, dict) else {}
    explanation_policy = policy.get("explanations", {}) if isinstance(policy, dict) else {}
    moved = {
        "fairness": {k: fairness_policy.pop(k) for k in ("min_group_size", "reference_groups") if k in fairness_policy},
        "agreement": {k: explanation_policy.pop(k) for k in ("max_rank_gap",) if k in explanation_policy},
    }
    confidence_level = policy.pop("confidence_level", 0.95) if isinstance(policy, dict) else 0.95
    config = data.get("config", {})
    names = list(config.get("sections", ()))
    sections_config = []
    for name in names:
        title, result_type = _V1_SECTIONS.get(name, (name, "unknown"))
        sections_config.append({"name": name, "title": title, "result_type": result_type,
                                "options": moved.get(name, {})})
    config["sections"] = sections_config
    config["confidence_level"] = confidence_level
    results = {}
    for name in names:
        value = data.pop(name, None)
        if value is not None:
            results[name] = value
    for name in _V1_SECTIONS:
        data.pop(name, None)
    for grouping in results.get("fairness", {}).get("groupings", ()):
        # 1.x said where the reference came from as "policy"; it is an option now
        if grouping.get("reference_source") == "policy":
            grouping["reference_source"] = "given"
    data["sections"] = results
    data["schema_version"] = "2.0"
    return data
