"""The reference model trained on bundled data, shared by the demo command, the
notebooks, the benchmarks and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

__all__ = ["DemoSetup", "make_demo", "make_pipeline_for"]


@dataclass(frozen=True)
class DemoSetup:
    """A fitted model, the held-out rows to audit it on, and the rows it was
    trained on (the reference the drift chapter compares with)."""

    model: object
    X_test: pd.DataFrame
    y_test: pd.Series
    sensitive_features: tuple[str, ...]
    data_name: str
    model_name: str
    X_reference: pd.DataFrame | None = None
    y_reference: pd.Series | None = None
    reference_name: str = ""


def make_pipeline_for(categorical: list[str], numeric: list[str], *, random_state: int = 0, max_iter: int = 200):
    """One-hot encoding of the categorical columns followed by histogram gradient
    boosting: the pipeline shape most tabular models in production take."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    pre = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical),
            ("num", "passthrough", numeric),
        ],
        verbose_feature_names_out=True,
    )
    clf = HistGradientBoostingClassifier(max_iter=max_iter, learning_rate=0.1, random_state=random_state)
    return Pipeline([("preprocess", pre), ("model", clf)])


def make_demo(dataset: Literal["adult", "german"] = "adult", *, random_state: int = 0) -> DemoSetup:
    """Train the demo model and return it with its held-out audit rows.

    Adult: trained on UCI's training split, audited on its test split (16,281 rows),
    sensitive features sex and race. German credit: a stratified 70/30 split,
    sensitive feature sex. The training rows come back as the reference data.
    """
    from sklearn.model_selection import train_test_split

    from auditor.datasets import load_adult, load_german_credit

    if dataset == "adult":
        train, test = load_adult(split="train"), load_adult(split="test")
        X_train, y_train, X_test, y_test = train.X, train.y, test.X, test.y
        meta = test
        sensitive = ("sex", "race")
        name = "UCI Adult, test split"
        reference_name = "UCI Adult, training split"
    elif dataset == "german":
        meta = load_german_credit()
        X_train, X_test, y_train, y_test = train_test_split(
            meta.X, meta.y, test_size=0.3, stratify=meta.y, random_state=random_state
        )
        X_test, y_test = X_test.reset_index(drop=True), y_test.reset_index(drop=True)
        X_train, y_train = X_train.reset_index(drop=True), y_train.reset_index(drop=True)
        sensitive = ("sex",)
        name = "German credit (Statlog), 30% held out"
        reference_name = "German credit (Statlog), the 70% trained on"
    else:
        raise ValueError(f"Expected dataset 'adult' or 'german'. Got {dataset!r} instead.")
    model = make_pipeline_for(
        list(meta.categorical_features), list(meta.numeric_features), random_state=random_state
    )
    model.fit(X_train, y_train)
    return DemoSetup(
        model=model,
        X_test=X_test,
        y_test=y_test,
        sensitive_features=sensitive,
        data_name=name,
        model_name=f"Income model ({dataset})" if dataset == "adult" else "Credit model (german)",
        X_reference=X_train,
        y_reference=y_train,
        reference_name=reference_name,
    )
