"""Tests for auditor.datasets against facts counted independently from the raw UCI files.

The expected numbers come from two sources that do not share code with the
loaders: literal values published by UCI (row counts, class counts, checksums),
and counts taken here from the raw text with the csv module.
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import functools
import hashlib
import io
import json
import lzma
import socket
from pathlib import Path

import pandas as pd
import pytest

import auditor.datasets as datasets
from auditor.datasets import Dataset, load_adult, load_german_credit

DATA_DIR = Path(datasets.__file__).parent / "data"

# From /work/shared/datasets/SHA256SUMS, i.e. the checksums of the original UCI files.
PUBLISHED_SHA256 = {
    "adult.data": "5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d",
    "adult.names": "c248284c0b5de30c9e1958d6cdd168a34a654758b620e68f46aefa83fc0a576a",
    "adult.test": "a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05",
    "german.data": "b21f3d81db8071257d5ff1deaeba1fd4303b62712e6fcc9715c7a86202cb5871",
    "german_codes.json": "73a48f120cdb8019fb9f0ad84078ef1ba109f1100bbcc6cbcf925d60e6adcd4e",
}

ADULT_FEATURES = [
    "age",
    "workclass",
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
]
ADULT_NUMERIC = {"age", "education_num", "capital_gain", "capital_loss", "hours_per_week"}
# Raw column positions, fnlwgt (2) and income (14) included.
ADULT_RAW_INDEX = {name: i for i, name in enumerate(ADULT_FEATURES[:2] + ["fnlwgt"] + ADULT_FEATURES[2:] + ["income"])}

GERMAN_FEATURES = [
    "status",
    "duration",
    "credit_history",
    "purpose",
    "credit_amount",
    "savings",
    "present_employment",
    "installment_rate",
    "sex",
    "personal_status",
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
]
GERMAN_RAW_COLUMNS = [
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
]
GERMAN_NUMERIC = {
    "duration",
    "credit_amount",
    "installment_rate",
    "present_residence_since",
    "age",
    "number_of_existing_credits",
    "number_of_people_liable_for",
}


# --- independent readers of the raw text -------------------------------------------------


# Cached because several tests read the same files; callers must not mutate the results.
@functools.cache
def raw_bytes(filename: str) -> bytes:
    return lzma.decompress((DATA_DIR / f"{filename}.xz").read_bytes())


@functools.cache
def adult_raw_rows(split: str) -> list[list[str]]:
    """Data rows of the raw Adult files, values stripped, comment and blank lines skipped."""
    files = {"train": ["adult.data"], "test": ["adult.test"], "all": ["adult.data", "adult.test"]}[split]
    rows = []
    for filename in files:
        for record in csv.reader(io.StringIO(raw_bytes(filename).decode("ascii"))):
            if len(record) == 15:  # the "|1x3 Cross validator" comment and blank lines have 1 or 0 fields
                rows.append([value.strip() for value in record])
    return rows


@functools.cache
def german_raw_rows() -> list[list[str]]:
    return [line.split(" ") for line in raw_bytes("german.data").decode("ascii").splitlines() if line]


# --- bundled files -----------------------------------------------------------------------


@pytest.mark.parametrize("filename", sorted(PUBLISHED_SHA256))
def test_decompressed_bundled_file_matches_published_sha256(filename):
    assert hashlib.sha256(raw_bytes(filename)).hexdigest() == PUBLISHED_SHA256[filename]


def test_bundled_sha256sums_file_lists_the_published_sums():
    lines = (DATA_DIR / "SHA256SUMS").read_text(encoding="ascii").split("\n")
    listed = {name: digest for digest, name in (line.split() for line in lines if line)}
    assert listed == PUBLISHED_SHA256


def test_bundled_data_is_small_and_attributed():
    total = sum(p.stat().st_size for p in DATA_DIR.iterdir())
    assert total < 1_500_000
    licence = (DATA_DIR / "LICENSE-DATA.txt").read_text(encoding="utf-8")
    for needed in ("CC BY 4.0", "Becker", "Kohavi", "Hofmann", "UCI Machine Learning Repository", "unmodified"):
        assert needed in licence


def test_corrupted_bundled_file_is_rejected(monkeypatch):
    from auditor.datasets import _base

    wrong = dict(_base._expected_sha256(), **{"german.data": "0" * 64})
    monkeypatch.setattr(_base, "_expected_sha256", lambda: wrong)
    with pytest.raises(RuntimeError, match="corrupted"):
        _base.read_bundled("german.data")


def test_loads_without_network(monkeypatch):
    from auditor.datasets import _adult, _base, _german

    def no_network(*args, **kwargs):
        raise AssertionError("auditor.datasets tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    # Empty the caches so the files are really read while the network is blocked.
    for cached in (_adult._parse, _german._parse, _base._expected_sha256):
        cached.cache_clear()
    assert len(load_adult().X) == 48_842
    assert len(load_german_credit().X) == 1_000


def test_public_api():
    assert datasets.__all__ == ["Dataset", "load_adult", "load_german_credit"]


# --- Adult -------------------------------------------------------------------------------


@pytest.mark.parametrize("split, n_rows", [("train", 32_561), ("test", 16_281), ("all", 48_842)])
def test_adult_shape_columns_and_index(split, n_rows):
    data = load_adult(split=split)
    assert data.X.shape == (n_rows, 13)
    assert list(data.X.columns) == ADULT_FEATURES
    assert "fnlwgt" not in data.X.columns
    assert data.y.shape == (n_rows,)
    for frame in (data.X, data.y):
        assert isinstance(frame.index, pd.RangeIndex)
        assert (frame.index.start, frame.index.stop, frame.index.step) == (0, n_rows, 1)


def test_adult_default_split_is_all():
    assert len(load_adult().X) == 48_842


def test_adult_metadata():
    data = load_adult()
    assert isinstance(data, Dataset)
    assert data.name == "adult"
    assert data.sensitive_features == ("sex", "race")
    assert data.pos_label == 1
    assert data.target_name == data.y.name == "income_over_50k"
    assert set(data.numeric_features) == ADULT_NUMERIC
    assert set(data.categorical_features) == set(ADULT_FEATURES) - ADULT_NUMERIC
    assert data.licence.startswith("CC BY 4.0")
    assert "Becker & Kohavi, 1996" in data.licence
    for needed in (">50K", "fnlwgt", "sampling weight", "sex", "race", "CC BY 4.0", "UCI"):
        assert needed in " ".join(data.description.split())


def test_adult_dtypes():
    data = load_adult()
    assert data.y.dtype == "int64"
    assert set(data.y.unique()) == {0, 1}
    for column in data.numeric_features:
        assert data.X[column].dtype == "int64", column
    for column in data.categorical_features:
        dtype = data.X[column].dtype
        assert isinstance(dtype, pd.CategoricalDtype), column
        categories = list(dtype.categories)
        assert categories == sorted(categories), column


def test_adult_splits_share_categories():
    train, test = load_adult(split="train"), load_adult(split="test")
    for column in train.categorical_features:
        assert train.X[column].dtype == test.X[column].dtype, column


def test_adult_values_stripped_and_no_question_marks_left():
    X = load_adult().X
    for column in load_adult().categorical_features:
        for category in X[column].cat.categories:
            assert category == category.strip(), (column, category)
            assert "?" not in category, (column, category)
    assert X["workclass"].cat.categories.tolist()[:3] == ["Federal-gov", "Local-gov", "Never-worked"]
    assert X["sex"].cat.categories.tolist() == ["Female", "Male"]


@pytest.mark.parametrize("split", ["train", "test", "all"])
def test_adult_missing_counts_equal_raw_question_marks(split):
    rows = adult_raw_rows(split)
    expected = {column: sum(row[ADULT_RAW_INDEX[column]] == "?" for row in rows) for column in ADULT_FEATURES}
    assert load_adult(split=split).X.isna().sum().to_dict() == expected


def test_adult_missing_counts_published_values():
    # Hand-checked against the raw files; "?" occurs in exactly three columns.
    assert load_adult(split="train").X.isna().sum()[lambda s: s > 0].to_dict() == {
        "workclass": 1836,
        "occupation": 1843,
        "native_country": 583,
    }
    assert load_adult(split="test").X.isna().sum()[lambda s: s > 0].to_dict() == {
        "workclass": 963,
        "occupation": 966,
        "native_country": 274,
    }


@pytest.mark.parametrize("split, filename, n_positive", [("train", "adult.data", 7_841), ("test", "adult.test", 3_846)])
def test_adult_positive_class_equals_raw_count(split, filename, n_positive):
    text = raw_bytes(filename).decode("ascii")
    raw_count = sum(line.rstrip().rstrip(".").endswith(">50K") for line in text.splitlines())
    assert raw_count == n_positive
    y = load_adult(split=split).y
    assert int(y.sum()) == n_positive
    assert int((y == 0).sum()) == len(y) - n_positive


def test_adult_rows_align_with_raw_file():
    rows = adult_raw_rows("all")
    data = load_adult()
    for i in (0, 1, 32_560, 32_561, 48_841):
        raw = rows[i]
        for column in ADULT_FEATURES:
            value = data.X.at[i, column]
            expected = raw[ADULT_RAW_INDEX[column]]
            if expected == "?":
                assert pd.isna(value), (i, column)
            elif column in ADULT_NUMERIC:
                assert value == int(expected), (i, column)
            else:
                assert value == expected, (i, column)
        assert data.y.at[i] == (1 if raw[ADULT_RAW_INDEX["income"]].rstrip(".") == ">50K" else 0)
    first_test_row = load_adult(split="test").X.iloc[0]
    assert (first_test_row["age"], first_test_row["education"], first_test_row["race"]) == (25, "11th", "Black")


def test_adult_all_is_train_then_test():
    train, test, both = load_adult(split="train"), load_adult(split="test"), load_adult(split="all")
    expected_X = pd.concat([train.X, test.X], ignore_index=True)
    expected_y = pd.concat([train.y, test.y], ignore_index=True)
    # DataFrame.equals (values, dtypes, index) rather than assert_frame_equal,
    # which takes seconds on string categoricals of this size.
    assert both.X.equals(expected_X)
    assert both.y.equals(expected_y) and both.y.name == expected_y.name


def test_adult_rejects_unknown_split():
    with pytest.raises(ValueError, match="split"):
        load_adult(split="validation")


def test_adult_returns_independent_copies():
    first = load_adult(split="train")
    first.X.loc[0, "age"] = -1
    first.X.loc[0, "sex"] = "Female"
    del first.X["race"]
    first.y.iloc[0] = 1
    again = load_adult(split="train")
    assert again.X.loc[0, "age"] == 39
    assert again.X.loc[0, "sex"] == "Male"
    assert "race" in again.X.columns
    assert again.y.iloc[0] == 0
    assert again.X is not first.X and again.y is not first.y
    # The "all" split shares the cache with "train"; it must be unaffected too.
    assert load_adult().X.loc[0, "age"] == 39


# --- German credit -----------------------------------------------------------------------


def test_german_shape_columns_and_index():
    data = load_german_credit()
    assert data.X.shape == (1_000, 21)
    assert list(data.X.columns) == GERMAN_FEATURES
    assert "status_sex" not in data.X.columns
    assert isinstance(data.X.index, pd.RangeIndex) and len(data.X.index) == 1_000
    assert data.y.index.equals(data.X.index)


def test_german_metadata():
    data = load_german_credit()
    assert data.name == "german_credit"
    assert data.sensitive_features == ("sex", "age")
    assert data.pos_label == 1
    assert data.target_name == data.y.name == "good_credit"
    assert set(data.numeric_features) == GERMAN_NUMERIC
    assert set(data.categorical_features) == set(GERMAN_FEATURES) - GERMAN_NUMERIC
    assert data.licence.startswith("CC BY 4.0")
    assert "Hofmann, 1994" in data.licence
    for needed in ("cost matrix", "costs 5", "costs 1", "25", "age", "sex", "CC BY 4.0", "UCI"):
        assert needed in " ".join(data.description.split())


def test_german_dtypes():
    data = load_german_credit()
    assert data.y.dtype == "int64"
    for column in data.numeric_features:
        assert data.X[column].dtype == "int64", column
    for column in data.categorical_features:
        dtype = data.X[column].dtype
        assert isinstance(dtype, pd.CategoricalDtype), column
        assert list(dtype.categories) == sorted(dtype.categories), column
    assert data.X.isna().sum().sum() == 0


def test_german_good_and_bad_counts():
    raw_labels = collections.Counter(row[20] for row in german_raw_rows())
    assert raw_labels == {"1": 700, "2": 300}
    y = load_german_credit().y
    assert int((y == 1).sum()) == 700
    assert int((y == 0).sum()) == 300
    # 1 = good in UCI's coding must become 1 here, 2 = bad must become 0.
    assert (y.to_numpy() == [1 if row[20] == "1" else 0 for row in german_raw_rows()]).all()


def test_german_sex_derived_from_status_sex():
    raw = collections.Counter(row[8] for row in german_raw_rows())
    X = load_german_credit().X
    counts = X["sex"].value_counts().to_dict()
    assert counts["female"] == raw["A92"] + raw["A95"] == 310
    assert counts["male"] == raw["A91"] + raw["A93"] + raw["A94"] == 690
    row_by_row = ["female" if row[8] in ("A92", "A95") else "male" for row in german_raw_rows()]
    assert X["sex"].tolist() == row_by_row


def test_german_personal_status_is_coded_the_same_for_both_sexes():
    raw_codes = [row[8] for row in german_raw_rows()]
    X = load_german_credit().X
    # A93 (male single) and A95 (female single) are the only codes whose marital
    # part is the same for both sexes; everything else is "not single".
    assert X["personal_status"].tolist() == ["single" if c in ("A93", "A95") else "not single" for c in raw_codes]
    assert X.groupby(["sex", "personal_status"], observed=True).size().to_dict() == {
        ("female", "not single"): 310,
        ("male", "not single"): 142,
        ("male", "single"): 548,
    }


def test_german_codes_decoded_into_stripped_text():
    data = load_german_credit()
    codes = json.loads(raw_bytes("german_codes.json"))
    # The code table must cover exactly the raw columns that hold A-codes.
    raw_rows = german_raw_rows()
    coded = {name for i, name in enumerate(GERMAN_RAW_COLUMNS) if all(row[i].startswith("A") for row in raw_rows)}
    assert len(coded) == 13
    assert set(codes) - {"credit"} == coded
    for column in data.categorical_features:
        for category in data.X[column].cat.categories:
            assert category == category.strip(), (column, category)
            assert not (category[:1] == "A" and category[1:].isdigit()), (column, category)
    assert "0 <= ... < 200 DM" in data.X["status"].cat.categories
    assert data.X["telephone"].cat.categories.tolist() == ["no", "yes"]
    assert data.X["foreign_worker"].cat.categories.tolist() == ["no", "yes"]
    # First raw line: A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201 1
    first = data.X.iloc[0]
    assert first["status"] == "... < 0 DM"
    assert first["duration"] == 6
    assert first["credit_history"] == "critical account/ other credits existing (not at this bank)"
    assert first["purpose"] == "radio/television"
    assert first["credit_amount"] == 1169
    assert first["savings"] == "unknown/ no savings account"
    assert (first["sex"], first["personal_status"], first["age"]) == ("male", "single", 67)
    assert (first["telephone"], first["foreign_worker"]) == ("yes", "yes")
    assert first["job"] == "skilled employee/ official"
    assert data.y.iloc[0] == 1


def test_german_telephone_and_foreign_worker_counts_match_raw():
    raw = german_raw_rows()
    X = load_german_credit().X
    assert (X["telephone"] == "yes").sum() == sum(row[18] == "A192" for row in raw)
    assert (X["foreign_worker"] == "yes").sum() == sum(row[19] == "A201" for row in raw)


def test_german_age_and_numeric_values_match_raw():
    raw = german_raw_rows()
    X = load_german_credit().X
    assert X["age"].tolist() == [int(row[12]) for row in raw]
    assert X["credit_amount"].tolist() == [int(row[4]) for row in raw]
    assert int((X["age"] < 25).sum()) == sum(int(row[12]) < 25 for row in raw)


def test_german_returns_independent_copies():
    first = load_german_credit()
    first.X.loc[0, "age"] = 0
    first.X.loc[0, "sex"] = "female"
    first.y.iloc[0] = 0
    del first.X["sex"]
    again = load_german_credit()
    assert again.X.loc[0, "age"] == 67
    assert again.X.loc[0, "sex"] == "male"
    assert again.y.iloc[0] == 1


# --- Dataset -----------------------------------------------------------------------------


def test_dataset_is_frozen():
    data = load_german_credit()
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.name = "other"  # type: ignore[misc]


def test_dataset_repr_is_short():
    text = repr(load_adult(split="test"))
    assert text.startswith("Dataset(name='adult', n_rows=16281, n_features=13")
    assert len(text) < 200


def test_dataset_rejects_inconsistent_metadata():
    data = load_german_credit()
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(Dataset)}
    with pytest.raises(ValueError, match="sensitive_features"):
        Dataset(**{**fields, "sensitive_features": ("gender",)})
    with pytest.raises(ValueError, match="exactly once"):
        Dataset(**{**fields, "numeric_features": fields["numeric_features"][:-1]})
    with pytest.raises(ValueError, match="aligned"):
        Dataset(**{**fields, "y": fields["y"].iloc[:10]})
    with pytest.raises(ValueError, match="0/1"):
        Dataset(**{**fields, "y": (fields["y"] + 1).rename("good_credit")})
