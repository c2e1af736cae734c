"""Loader for the UCI Statlog (German Credit Data) dataset."""

from __future__ import annotations

import functools
import io
import json

import pandas as pd

from ._base import Dataset, independent_copies, read_bundled, sorted_category

__all__ = ["load_german_credit"]

_NAME = "german_credit"
_TARGET = "good_credit"
_DATA_FILE = "german.data"
_CODES_FILE = "german_codes.json"
_N_ROWS = 1_000

# Column order of german.data (no header row), as in UCI's german.doc.
_RAW_COLUMNS = (
    "status",
    "duration",
    "credit_history",
    "purpose",
    "credit_amount",
    "savings",
    "present_employment",
    "installment_rate",
    "status_sex",
    "other_debtors",
    "present_residence_since",
    "property",
    "age",
    "installment_plans",
    "housing",
    "number_of_existing_credits",
    "job",
    "number_of_people_liable_for",
    "telephone",
    "foreign_worker",
    "credit",
)
# UCI calls these seven attributes numerical; the rest are coded A11, A12, ...
_NUMERIC = (
    "duration",
    "credit_amount",
    "installment_rate",
    "present_residence_since",
    "age",
    "number_of_existing_credits",
    "number_of_people_liable_for",
)
_CODED = tuple(c for c in _RAW_COLUMNS if c not in _NUMERIC and c != "credit")
# status_sex mixes a protected attribute with marital status; it is split so a
# model can be trained on the marital part without sex.
_FEATURES = tuple(
    new for c in _RAW_COLUMNS if c != "credit" for new in (("sex", "personal_status") if c == "status_sex" else (c,))
)
_CATEGORICAL = tuple(c for c in _FEATURES if c not in _NUMERIC)
_SENSITIVE = ("sex", "age")
_LABELS = {1: 1, 2: 0}  # UCI: 1 = good, 2 = bad
# german_codes.json gives these two yes/no columns as JSON booleans.
_BOOLEAN_WORDS = {True: "yes", False: "no"}

_LICENCE = "CC BY 4.0 — UCI Machine Learning Repository, Statlog (German Credit Data) (Hofmann, 1994)"

_DESCRIPTION = """\
UCI Statlog (German Credit Data): 1,000 loan applicants of a German bank
(collected by Hans Hofmann), each classified as a good or a bad credit risk.

Target: y = good_credit; 1 means good credit risk (the favourable outcome,
pos_label = 1; 700 rows), 0 means bad (300 rows). UCI asks for a cost
matrix: predicting good for a customer who is bad costs 5, predicting bad
for a customer who is good costs 1, so false positives are five times as
expensive as false negatives.

Sensitive features: sex and age (both kept in X; drop them before fitting if
the model must not see them). age is continuous (years, int64); for fairness
analysis it is usually binned, most often into younger than 25 and 25 or
older.

Features (21 columns): the 20 UCI attributes, with status_sex replaced by
two columns. Every coded categorical column (A11, A12, ...) is decoded into
readable text with UCI's code table (german_codes.json; surrounding
whitespace removed); telephone and foreign_worker become "yes"/"no".
Categorical columns use the pandas category dtype with sorted categories;
the seven numeric attributes are int64.

sex and personal_status: UCI's status_sex attribute combines sex and marital
status in codes that differ between men and women (A91 male
divorced/separated, A92 female divorced/separated/married, A93 male single,
A94 male married/widowed, A95 female single). It becomes sex ("male" /
"female") and personal_status ("single" for A93 and A95, "not single" for
the others). personal_status is coarsened to the only distinction that is
coded the same way for both sexes: keeping the raw marital categories would
identify sex exactly and defeat training without sex. Caveats: no applicant
has code A95, so every "single" applicant is male and personal_status
remains a partial proxy for sex; and Groemping (2019, "South German Credit
Data: Correcting a Widely Used Data Set") reports that UCI's code table for
this attribute is itself unreliable, so sex derived from it should be
treated with caution.

Source: Hofmann, H. (1994). Statlog (German Credit Data) [Dataset]. UCI
Machine Learning Repository.
https://archive.ics.uci.edu/dataset/144/statlog+german+credit+data
Licence: CC BY 4.0. The package ships the original files, unmodified and
xz-compressed, in auditor/datasets/data/ (see LICENSE-DATA.txt there).
"""


def _code_tables() -> dict[str, dict[str, str]]:
    codes = json.loads(read_bundled(_CODES_FILE).decode("utf-8"))
    codes.pop("credit", None)  # the target is mapped to 0/1, not to words
    if set(codes) != set(_CODED):
        raise RuntimeError(f"{_CODES_FILE} covers {sorted(codes)}, expected {sorted(_CODED)}")
    return {
        column: {
            code: _BOOLEAN_WORDS[meaning] if isinstance(meaning, bool) else meaning.strip()
            for code, meaning in table.items()
        }
        for column, table in codes.items()
    }


def _decode(column: pd.Series, table: dict[str, str]) -> pd.Series:
    unknown = sorted(set(column.unique()) - set(table))
    if unknown:
        raise ValueError(f"codes {unknown} in column {column.name!r} are not in {_CODES_FILE}")
    return column.map(table)


def _split_status_sex(meanings: pd.Series) -> tuple[pd.Series, pd.Series]:
    # Meanings look like "female : divorced/separated/married".
    parts = meanings.str.split(":", n=1, expand=True)
    sex = parts[0].str.strip()
    marital = parts[1].str.strip()
    if not set(sex.unique()) <= {"male", "female"}:
        raise ValueError(f"cannot read sex from status_sex meanings {sorted(meanings.unique())}")
    personal_status = marital.where(marital == "single", "not single")
    return sex.rename("sex"), personal_status.rename("personal_status")


@functools.lru_cache(maxsize=1)
def _parse() -> tuple[pd.DataFrame, pd.Series]:
    raw = pd.read_csv(
        io.BytesIO(read_bundled(_DATA_FILE)),
        sep=" ",
        header=None,
        names=list(_RAW_COLUMNS),
        dtype={c: ("int64" if c in _NUMERIC or c == "credit" else "str") for c in _RAW_COLUMNS},
        keep_default_na=False,
        encoding="ascii",
    )
    if len(raw) != _N_ROWS:
        raise RuntimeError(f"parsed {len(raw)} German credit rows, expected {_N_ROWS}")
    tables = _code_tables()
    columns = {}
    for column in _RAW_COLUMNS[:-1]:
        if column in _NUMERIC:
            columns[column] = raw[column]
        elif column == "status_sex":
            columns["sex"], columns["personal_status"] = _split_status_sex(_decode(raw[column], tables[column]))
        else:
            columns[column] = _decode(raw[column], tables[column])
    X = pd.DataFrame(columns, columns=list(_FEATURES))
    for column in _CATEGORICAL:
        X[column] = sorted_category(X[column])

    unknown = sorted(set(raw["credit"].unique()) - set(_LABELS))
    if unknown:
        raise ValueError(f"unexpected credit labels in {_DATA_FILE}: {unknown}")
    y = raw["credit"].map(_LABELS).astype("int64").rename(_TARGET)
    return X, y


def load_german_credit() -> Dataset:
    """Load the UCI Statlog (German Credit Data) dataset from the copy bundled with the package.

    No network access is needed. The file is parsed once per process; every
    call returns new, independent copies of the data.

    Returns
    -------
    Dataset
        ``name="german_credit"``; `X` has 1,000 rows and 21 columns (the 20
        UCI attributes with ``status_sex`` replaced by ``sex`` and
        ``personal_status``), coded values decoded into readable text;
        ``y`` is ``good_credit`` (1 = good credit risk, the favourable
        outcome; 0 = bad); ``sensitive_features=("sex", "age")``.

    Notes
    -----
    UCI's cost matrix makes predicting good for a bad customer five times as
    costly as the reverse. ``age`` is kept as an integer number of years;
    fairness analyses usually bin it, e.g. at 25. ``personal_status`` only
    distinguishes ``"single"`` from ``"not single"`` because the finer raw
    categories are coded differently for men and women and would reveal sex;
    see ``Dataset.description`` for this and for caveats about the
    reliability of the derived ``sex``.

    Examples
    --------
    >>> from auditor.datasets import load_german_credit
    >>> data = load_german_credit()
    >>> data.X.shape
    (1000, 21)
    >>> data.y.value_counts().sort_index().tolist()
    [300, 700]
    """
    X, y = independent_copies(*_parse())
    return Dataset(
        name=_NAME,
        X=X,
        y=y,
        sensitive_features=_SENSITIVE,
        pos_label=1,
        target_name=_TARGET,
        description=_DESCRIPTION,
        licence=_LICENCE,
        categorical_features=_CATEGORICAL,
        numeric_features=_NUMERIC,
    )
