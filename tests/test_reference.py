"""The reference data is validated like the audited data, with errors naming the
argument and column; an audit without labels skips what needs them, with the reason."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor import Auditor
from auditor.artifacts import REFERENCE_PREDICTIONS
from auditor.context import NO_LABELS


@pytest.fixture(scope="module")
def split(binary_data):
    X, y = binary_data
    return X.iloc[:300], y.iloc[:300], X.iloc[300:], y.iloc[300:]


def test_reference_missing_a_model_column_names_it(split, binary_pipeline):
    X, y, X_ref, y_ref = split
    with pytest.raises(ValueError, match=r"Expected X_reference to have every column the model takes\. "
                                         r"Got X_reference without \['num_2'\]"):
        Auditor(binary_pipeline, X, y, X_reference=X_ref.drop(columns=["num_2"]))


def test_a_column_numeric_on_one_side_only_is_named(split, binary_pipeline):
    X, y, X_ref, y_ref = split
    bad = X_ref.assign(num_1=X_ref["num_1"].astype(str))
    with pytest.raises(ValueError, match="column 'num_1' of X_reference .* dtype object in X_reference and float64 in X"):
        Auditor(binary_pipeline, X, y, X_reference=bad)


def test_y_reference_is_checked_against_x_reference(split, binary_pipeline):
    X, y, X_ref, y_ref = split
    with pytest.raises(ValueError, match="Expected y_reference to have 300 rows, one per row of X_reference. Got 299"):
        Auditor(binary_pipeline, X, y, X_reference=X_ref, y_reference=y_ref.to_numpy()[:-1])
    with pytest.raises(ValueError, match="Expected y_reference to have the same index as X_reference"):
        Auditor(binary_pipeline, X, y, X_reference=X_ref, y_reference=y_ref.reset_index(drop=True))
    with pytest.raises(ValueError, match="Expected no missing values in y_reference"):
        Auditor(binary_pipeline, X, y, X_reference=X_ref, y_reference=y_ref.where(y_ref.index != 300))
    with pytest.raises(ValueError, match="Expected y_reference's labels to be among the model's classes"):
        Auditor(binary_pipeline, X, y, X_reference=X_ref, y_reference=y_ref.map({0: "no", 1: "yes"}))


def test_reference_arguments_need_x_reference(split, binary_pipeline):
    X, y, X_ref, y_ref = split
    with pytest.raises(ValueError, match="Expected X_reference .* with y_reference. Got none"):
        Auditor(binary_pipeline, X, y, y_reference=y_ref)
    with pytest.raises(TypeError, match="Expected X_reference to be a pandas DataFrame or a 2-D array. Got list"):
        Auditor(binary_pipeline, X, y, X_reference=[1, 2, 3])


def test_sensitive_features_of_the_reference(split, binary_pipeline):
    X, y, X_ref, y_ref = split
    # names are looked up in X_reference
    a = Auditor(binary_pipeline, X, y, X_reference=X_ref, sensitive_features=["group"])
    assert a._reference.sensitive_features["group"].tolist() == X_ref["group"].tolist()
    # absent there: left out with the reason, not an error
    b = Auditor(binary_pipeline, X, y, X_reference=X_ref.drop(columns=["group"]), sensitive_features=["group"])
    assert b._reference.sensitive_features is None and "X_reference has no column 'group'" in b._reference.sensitive_reason
    # values for X need values for the reference
    c = Auditor(binary_pipeline, X, y, X_reference=X_ref, sensitive_features=X["group"].to_numpy())
    assert "sensitive_features_reference" in c._reference.sensitive_reason
    with pytest.raises(ValueError, match="sensitive_features_reference to have 300 rows, one per row of X_reference"):
        Auditor(binary_pipeline, X, y, X_reference=X_ref, sensitive_features=X["group"].to_numpy(),
                sensitive_features_reference=X_ref["group"].to_numpy()[:10])
    with pytest.raises(ValueError, match=r"sensitive features' columns \['group'\]. Got \['g'\]"):
        Auditor(binary_pipeline, X, y, X_reference=X_ref, sensitive_features=["group"],
                sensitive_features_reference=pd.DataFrame({"g": X_ref["group"]}))
    with pytest.raises(KeyError, match="sensitive_features_reference names column"):
        Auditor(binary_pipeline, X, y, X_reference=X_ref, sensitive_features=["group"],
                sensitive_features_reference=["nope"])


def test_reference_predictions_are_computed_once_and_only_when_asked(split, binary_pipeline):
    X, y, X_ref, y_ref = split
    calls = []

    class Counting:
        def __init__(self, model):
            self.model = model
            self.classes_ = model.classes_
            self.feature_names_in_ = model.feature_names_in_

        def predict(self, X):
            calls.append(len(X))
            return self.model.predict(X)

        def predict_proba(self, X):
            return self.model.predict_proba(X)

    auditor = Auditor(Counting(binary_pipeline), X, y, X_reference=X_ref, y_reference=y_ref)
    del calls[:]  # the pre-flight's trial on the first rows is not the audit's prediction
    ctx = auditor._context(None)
    assert calls == [300] and not ctx.has(REFERENCE_PREDICTIONS)
    first = ctx.reference_predictions
    assert ctx.reference_predictions is first and calls == [300, 300]
    np.testing.assert_array_equal(first.proba, binary_pipeline.predict_proba(X_ref))


def test_an_audit_without_labels_skips_what_needs_them(split, binary_pipeline):
    X, y, X_ref, y_ref = split
    r = Auditor(binary_pipeline, X, None, X_reference=X_ref, y_reference=y_ref, sensitive_features=["group"],
                n_bootstrap=0, n_jobs=1).run()
    assert r.failures == ()
    skipped = {s.section: s.reason for s in r.skipped}
    assert {"performance", "fairness", "importance", "lime"} <= set(skipped)
    assert skipped["performance"] == NO_LABELS
    assert {"data_quality", "drift"} <= set(r.sections)
    assert not r.summary.has_labels and r.summary.target_name == "outcome" and r.summary.n_reference_rows == 300
    assert r.drift.estimated and r.drift.estimated[0].is_estimate
    # the fingerprint covers what was given
    assert r.provenance.reference_fingerprint.startswith("sha256:")


def test_y_none_needs_x(binary_data):
    _, y = binary_data
    with pytest.raises(ValueError, match="Expected y_true"):
        Auditor.from_predictions(None, y)
