"""Group labels that look alike are named, not silently merged or split; a
sensitive feature with too many values is an error that says how to group it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from auditor import Auditor, FairnessSection
from auditor.errors import AuditInputError


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(2)
    X = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    y = pd.Series((X["a"] + rng.normal(scale=0.7, size=400) > 0).astype(int), name="y")
    return X, y, LogisticRegression().fit(X, y)


def _warnings(result):
    return [w.message for w in result.warnings if w.source == "inputs"]


def test_labels_equal_after_trimming_and_case_folding_are_named(data):
    X, y, model = data
    sex = pd.Series(["Male"] * 300 + ["Male "] * 40 + ["male"] * 20 + ["Female"] * 40, name="sex")
    result = Auditor(model, X, y, sensitive_features=sex, sections=["fairness"], n_bootstrap=0).run()
    assert ("Sensitive feature 'sex' has labels that differ only in case or surrounding spaces: 'Male' (300 rows), "
            "'Male ' (40 rows), 'male' (20 rows). They are compared as separate groups") in _warnings(result)[0]
    # no silent merge: the three are three groups
    labels = {g.label for g in result.fairness.grouping("sex").groups}
    assert labels == {"Male", "Male ", "male", "Female"}


def test_labels_equal_as_numbers_but_not_as_values_say_what_the_audit_does(data):
    X, y, model = data
    grade = pd.Series([1] * 150 + ["1"] * 50 + [1.0] * 100 + [2] * 100, name="grade", dtype=object)
    result = Auditor(model, X, y, sensitive_features=grade, sections=["fairness"], n_bootstrap=0).run()
    (message,) = [m for m in _warnings(result) if "equal as numbers" in m]
    assert ("1 (int, 150 rows) and '1' (str, 50 rows) become one group '1'; 1.0 (float, 100 rows) becomes group "
            "'1.0'") in message
    groups = {g.label: g.count for g in result.fairness.grouping("grade").groups}
    assert groups == {"1": 200, "1.0": 100, "2": 100}  # what the warning said


def test_a_sensitive_feature_with_too_many_values_is_an_error_before_any_work(data):
    X, y, model = data
    zip_code = pd.Series([f"Z{i % 120:03d}" for i in range(400)], name="zip")
    with pytest.raises(AuditInputError) as info:
        Auditor(model, X, y, sensitive_features=zip_code)
    message = str(info.value)
    assert message.startswith("Expected at most 50 groups in sensitive feature 'zip'. Got 120 distinct values instead")
    assert "INCONCLUSIVE" in message and "FairnessSection(max_groups=...)" in message


def test_numbers_stored_as_text_suggest_bins(data):
    X, y, model = data
    income = pd.Series([str(1000 + 7 * i) for i in range(400)], name="income")
    with pytest.raises(AuditInputError, match=r"convert them \(pandas.to_numeric\) and pass "
                                              r"FairnessSection\(bins=\{'income': \[cut points\]\}\)"):
        Auditor(model, X, y, sensitive_features=income)


def test_the_limit_is_set_on_the_fairness_section(data):
    X, y, model = data
    zip_code = pd.Series([f"Z{i % 60:03d}" for i in range(400)], name="zip")
    section = FairnessSection(max_groups=100, proxies=False, mitigation=False)
    result = Auditor(model, X, y, sensitive_features=zip_code, sections=[section], n_bootstrap=0).run()
    assert len(result.fairness.grouping("zip").groups) == 60
    # without a fairness section no groups are compared, so there is no limit
    Auditor(model, X, y, sensitive_features=zip_code, sections=["performance"], n_bootstrap=0)
