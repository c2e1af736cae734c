"""Loader for the UCI Adult (Census Income) dataset."""

from __future__ import annotations

import functools
import io
from typing import Literal

import pandas as pd

from ._base import Dataset, independent_copies, read_bundled, sorted_category

__all__ = ["load_adult"]

_NAME = "adult"
_TARGET = "income_over_50k"
_TRAIN_FILE = "adult.data"
_TEST_FILE = "adult.test"
_N_TRAIN = 32_561
_N_TEST = 16_281

# Column order of the raw files (they have no header row), as in adult.names.
_RAW_COLUMNS = (
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education_num",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
    "native_country",
    "income",
)
_DROPPED = ("fnlwgt",)
_FEATURES = tuple(c for c in _RAW_COLUMNS if c not in _DROPPED and c != "income")
_NUMERIC = ("age", "education_num", "capital_gain", "capital_loss", "hours_per_week")
_CATEGORICAL = tuple(c for c in _FEATURES if c not in _NUMERIC)
_SENSITIVE = ("sex", "race")
_LABELS = {">50K": 1, "<=50K": 0}

_LICENCE = "CC BY 4.0 — UCI Machine Learning Repository, Adult (Becker & Kohavi, 1996)"

_DESCRIPTION = """\
UCI Adult (Census Income): one row per adult person from the 1994 US Census
database (extracted by Barry Becker). The task is to predict whether the
person's yearly income exceeds 50,000 US dollars.

Target: y = income_over_50k; 1 means income >50K (the favourable outcome,
pos_label = 1), 0 means <=50K. About 24 % of the rows are positive.

Sensitive features: sex and race (both kept in X; drop them before fitting if
the model must not see them). age is also often studied; it is numeric and is
usually binned first. Other columns such as relationship ("Husband"/"Wife")
and marital_status are strong proxies for sex.

Features: age, workclass, education, education_num, marital_status,
occupation, relationship, race, sex, capital_gain, capital_loss,
hours_per_week, native_country. Numeric columns are int64; the others use the
pandas category dtype with sorted categories. The categories are taken from
both files together, so the train and test splits share the same categories.

Preparation: the leading space of every value is removed; "?" is a missing
value (NaN; it occurs in workclass, occupation and native_country); the
comment on the first line of adult.test and the trailing dot of its labels
(">50K.") are removed. fnlwgt is dropped: it is the census sampling weight
(how many people in the population the row stands for), not a property of the
person, so a model should not learn from it.

Splits: "train" is adult.data (32,561 rows), "test" is adult.test (16,281
rows), "all" is both, train first (48,842 rows); each has a fresh RangeIndex.

Source: Becker, B. and Kohavi, R. (1996). Adult [Dataset]. UCI Machine
Learning Repository. https://archive.ics.uci.edu/dataset/2/adult
Licence: CC BY 4.0. The package ships the original files, unmodified and
xz-compressed, in auditor/datasets/data/ (see LICENSE-DATA.txt there).
"""


def _read_raw(filename: str, *, skip_comment_line: bool) -> pd.DataFrame:
    numeric = {c: "int64" for c in (*_NUMERIC, "fnlwgt")}
    text = {c: "str" for c in _RAW_COLUMNS if c not in numeric}
    return pd.read_csv(
        io.BytesIO(read_bundled(filename)),
        header=None,
        names=list(_RAW_COLUMNS),
        dtype={**numeric, **text},
        # Values are written as "a, b, c": without this every string would
        # start with a space and "?" would not be recognised as missing.
        skipinitialspace=True,
        na_values=["?"],
        # Only "?" marks a missing value in this data; pandas' default list
        # ("NA", "None", "null", ...) must not turn real values into NaN.
        keep_default_na=False,
        skiprows=1 if skip_comment_line else 0,
        encoding="ascii",
    )


def _labels(income: pd.Series) -> pd.Series:
    # adult.test writes its labels with a trailing dot (">50K.").
    income = income.str.rstrip(".")
    unknown = sorted(set(income.unique()) - set(_LABELS))
    if unknown:
        raise ValueError(f"unexpected income labels in the Adult data: {unknown}")
    return income.map(_LABELS).astype("int64").rename(_TARGET)


@functools.lru_cache(maxsize=1)
def _parse() -> tuple[pd.DataFrame, pd.Series]:
    train = _read_raw(_TRAIN_FILE, skip_comment_line=False)
    test = _read_raw(_TEST_FILE, skip_comment_line=True)
    if (len(train), len(test)) != (_N_TRAIN, _N_TEST):
        raise RuntimeError(f"parsed {len(train)} + {len(test)} Adult rows, expected {_N_TRAIN} + {_N_TEST}")
    raw = pd.concat([train, test], ignore_index=True)
    X = raw.loc[:, list(_FEATURES)]
    for column in _CATEGORICAL:
        X[column] = sorted_category(X[column])
    return X, _labels(raw["income"])


def load_adult(*, split: Literal["train", "test", "all"] = "all") -> Dataset:
    """Load the UCI Adult (Census Income) dataset from the copy bundled with the package.

    No network access is needed. The files are parsed once per process; every
    call returns new, independent copies of the data.

    Parameters
    ----------
    split : {"train", "test", "all"}, default "all"
        ``"train"`` gives the 32,561 rows of UCI's ``adult.data``, ``"test"``
        the 16,281 rows of ``adult.test`` and ``"all"`` both concatenated,
        train first (48,842 rows). Every split has a fresh ``RangeIndex`` and
        the same categories in each categorical column.

    Returns
    -------
    Dataset
        ``name="adult"``; `X` has 13 columns (age, workclass, education,
        education_num, marital_status, occupation, relationship, race, sex,
        capital_gain, capital_loss, hours_per_week, native_country);
        ``y`` is ``income_over_50k`` (1 = income >50K, the favourable
        outcome); ``sensitive_features=("sex", "race")``.

    Raises
    ------
    ValueError
        If `split` is not one of the three values above.

    Notes
    -----
    ``fnlwgt``, the census sampling weight, is dropped because it describes the
    survey design rather than the person. Missing values (``"?"`` in the raw
    files) are NaN in workclass, occupation and native_country.

    Examples
    --------
    >>> from auditor.datasets import load_adult
    >>> data = load_adult(split="train")
    >>> data.X.shape
    (32561, 13)
    >>> int(data.y.sum())
    7841
    """
    X, y = _parse()
    if split == "all":
        rows = slice(None)
    elif split == "train":
        rows = slice(0, _N_TRAIN)
    elif split == "test":
        rows = slice(_N_TRAIN, None)
    else:
        raise ValueError(f"split must be 'train', 'test' or 'all', got {split!r}")
    X, y = independent_copies(X.iloc[rows], y.iloc[rows])
    return Dataset(
        name=_NAME,
        X=X.reset_index(drop=True),
        y=y.reset_index(drop=True),
        sensitive_features=_SENSITIVE,
        pos_label=1,
        target_name=_TARGET,
        description=_DESCRIPTION,
        licence=_LICENCE,
        categorical_features=_CATEGORICAL,
        numeric_features=_NUMERIC,
    )
