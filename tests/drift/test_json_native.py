"""Every result is a frozen dataclass of JSON-native values, ready to become a section result."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from auditor import drift, quality


def assert_json_native(obj, path="result"):
    if dataclasses.is_dataclass(obj):
        assert obj.__dataclass_params__.frozen, f"{path} is not frozen"
        for f in dataclasses.fields(obj):
            assert_json_native(getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, (tuple, list)):
        for i, v in enumerate(obj):
            assert_json_native(v, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            assert type(k) is str, f"{path} has key {k!r}"
            assert_json_native(v, f"{path}[{k!r}]")
    else:
        assert obj is None or type(obj) in (str, int, float, bool), f"{path} is {type(obj).__name__}: {obj!r}"
        if type(obj) is float:
            assert np.isfinite(obj), f"{path} is {obj}"


@pytest.fixture(scope="module")
def frames():
    rng = np.random.default_rng(0)
    n = 600

    def frame(shift):
        X = pd.DataFrame({
            "x": rng.normal(shift, 1, n),
            "k": rng.integers(0, 5, n),
            "c": pd.Series(rng.choice(["a", "b", None], n), dtype=object),
            "m": pd.Series(rng.choice([1, "two", 3.5], n), dtype=object),
        })
        X.loc[rng.random(n) < 0.1, "x"] = np.nan
        return X

    X, R = frame(0.3), frame(0.0)
    S, S_ref = pd.DataFrame({"g": rng.choice(["p", "q"], n)}), pd.DataFrame({"g": rng.choice(["p", "q"], n)})
    y, y_ref = rng.integers(0, 2, n), rng.integers(0, 2, n)
    s, s_ref = rng.random(n), rng.random(n)
    return X, R, S, S_ref, y, y_ref, s, s_ref


def test_every_result_is_json_native(frames):
    X, R, S, S_ref, y, y_ref, s, s_ref = frames
    results = [
        drift.feature_drift(X, R),
        drift.drift_verdicts(drift.feature_drift(X, R)),
        drift.domain_classifier(X, R, random_state=0, max_iter=10, n_splits=3),
        drift.prediction_drift(s, s_ref),
        drift.label_drift(y, y_ref),
        drift.group_drift(X, R, S, S_ref, min_rows=50),
        drift.performance_shift(y, s, y_ref, s_ref, metric="roc_auc", n_resamples=50),
        drift.estimate_performance(s, y_ref, s_ref, n_resamples=50),
        drift.estimate_performance(s, y_ref, s_ref, metric="roc_auc", n_resamples=50),
        quality.column_profiles(X),
        quality.duplicate_rows(X),
        quality.reference_coverage(X, R),
        quality.group_profiles(X, S, y_true=y),
        quality.differential_missingness(X, S),
        quality.representation_shift(S, S_ref),
    ]
    for i, r in enumerate(results):
        assert_json_native(r, f"results[{i}]")
        json.dumps(dataclasses.asdict(r) if dataclasses.is_dataclass(r) else [dataclasses.asdict(x) for x in r])
