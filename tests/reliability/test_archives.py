"""An audit archive holds standard JSON: NaN and Infinity literals are refused,
with where they are."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from auditor import Auditor, AuditResult
from auditor.results import SerialisationError


@pytest.fixture(scope="module")
def archive():
    rng = np.random.default_rng(3)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    y = (X["a"] > 0).astype(int)
    return Auditor(LogisticRegression().fit(X, y), X, y, sections=["performance"], n_bootstrap=10).run().to_json()


def test_a_nan_literal_is_refused_with_its_line_and_key(archive, tmp_path):
    # the first metric value of the performance section, as an edited archive would have it
    start = archive.index('"value": ', archive.index('"performance"')) + len('"value": ')
    end = start + re.match(r"-?[0-9.eE+-]+", archive[start:]).end()
    text = archive[:start] + "NaN" + archive[end:]
    line = archive.count("\n", 0, start) + 1
    path = tmp_path / "audit.json"
    path.write_text(text)
    with pytest.raises(SerialisationError) as info:
        AuditResult.from_json(path)
    assert str(info.value).startswith(
        f"Expected standard JSON numbers in the audit archive. Got NaN at line {line}, column ")
    assert "(value of 'value')" in str(info.value)


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity"])
def test_infinity_literals_are_refused(archive, literal):
    text = archive.replace('"n_bootstrap": 10', f'"n_bootstrap": {literal}', 1)
    assert literal in text
    with pytest.raises(SerialisationError, match=f"Got {literal} at line .* \\(value of 'n_bootstrap'\\)"):
        AuditResult.from_json(text)


def test_the_text_nan_in_a_string_is_data_not_a_literal(archive):
    text = archive.replace('"model_name": "LogisticRegression"', '"model_name": "NaN Infinity"', 1)
    assert AuditResult.from_json(text).summary.model_name == "NaN Infinity"
