"""Helpers shared by tests (import as ``from tests.helpers import ...``)."""

from __future__ import annotations


def json_without_timestamp(result) -> dict:
    """The result as a dict with the creation time removed (the one field that may
    differ between two runs on the same inputs and seed)."""
    d = result.to_dict()
    d["provenance"].pop("created_at")
    return d


#: TOML that turns off the fairness checks (for tests about other checks).
NO_FAIRNESS_TOML = ("[policy.fairness]\nmin_selection_rate_ratio = false\nmax_equalized_odds_difference = false\n"
                    "max_error_ratio = false\nproxy_warning_strength = false\n")


def lenient_policy(min_roc_auc: float = 0.5):
    """A policy the small test models pass: a low ROC AUC bar, fairness checks off."""
    from auditor import Policy
    from auditor.results import FairnessPolicy, PerformancePolicy

    return Policy(
        performance=PerformancePolicy(min_roc_auc=min_roc_auc),
        fairness=FairnessPolicy(min_selection_rate_ratio=None, max_equalized_odds_difference=None, max_error_ratio=None,
                                proxy_warning_strength=None),
    )


def fairlearn_metrics() -> dict:
    """The rates fairlearn's MetricFrame computes, as the tests' oracle (precision
    made NaN for an empty denominator so that it compares with undefined values)."""
    import functools

    import numpy as np
    from fairlearn.metrics import (
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_negative_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score, precision_score

    return {
        "selection_rate": selection_rate,
        "true_positive_rate": true_positive_rate,
        "false_positive_rate": false_positive_rate,
        "false_negative_rate": false_negative_rate,
        "true_negative_rate": true_negative_rate,
        "precision": functools.partial(precision_score, zero_division=np.nan),
        "accuracy": accuracy_score,
    }
