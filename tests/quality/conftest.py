"""Adult splits and a planted shift, shared by the drift tests (loaded once)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def adult_train():
    from auditor.datasets import load_adult

    return load_adult(split="train")


@pytest.fixture(scope="session")
def adult_test():
    from auditor.datasets import load_adult

    return load_adult(split="test")


@pytest.fixture(scope="session")
def planted(adult_test):
    """Adult test with ``age + 5`` and a new workclass category in 10% of rows."""
    X = adult_test.X.copy()
    X["age"] = X["age"] + 5
    rows = np.random.default_rng(0).random(len(X)) < 0.1
    workclass = X["workclass"].astype(object)
    workclass[rows] = "Gig-economy"
    X["workclass"] = pd.Series(workclass, dtype="category")
    return X
