"""Reading the command line's inputs: the data table, the model file, output paths.

Every problem becomes a :class:`~auditor.cli.UsageError` whose message names the
file, the column or the flag, so the command line can exit 2 without a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "DATA_SUFFIXES",
    "MODEL_SUFFIXES",
    "PICKLE_SUFFIXES",
    "check_columns",
    "check_outputs",
    "load_model",
    "load_table",
    "match_label",
]

DATA_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".pq")
SKOPS_SUFFIXES = (".skops",)
PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle")
MODEL_SUFFIXES = SKOPS_SUFFIXES + PICKLE_SUFFIXES


def _usage(message: str) -> Exception:
    from auditor.cli._errors import UsageError

    return UsageError(message)


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".csv.gz" if name.endswith(".csv.gz") else path.suffix.lower()


def load_table(path: str | Path, *, flag: str = "--data") -> pd.DataFrame:
    """Read a CSV (optionally gzipped) or Parquet file."""
    path = Path(path)
    suffix = _suffix(path)
    if suffix not in DATA_SUFFIXES:
        raise _usage(f"Expected {flag} to be a CSV or Parquet file ({', '.join(DATA_SUFFIXES)}). Got {str(path)!r}.")
    if not path.is_file():
        raise _usage(f"Expected the {flag} file {str(path)!r} to exist. It does not.")
    try:
        if suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path)
    except ImportError as exc:
        raise _usage(f"Reading {str(path)!r} needs pyarrow ({exc}); install it with `pip install pyarrow`.") from None
    except Exception as exc:  # noqa: BLE001 - ParserError, EmptyDataError, UnicodeDecodeError, ArrowInvalid ...
        raise _usage(f"Could not read {flag} file {str(path)!r}: {type(exc).__name__}: {exc}") from None
    if frame.shape[0] == 0:
        raise _usage(f"Expected rows in {flag} file {str(path)!r}. It has none.")
    dupes = sorted({str(c) for c in frame.columns if list(frame.columns).count(c) > 1})
    if dupes:
        raise _usage(f"Expected unique column names in {str(path)!r}. Got {dupes} more than once.")
    return frame


def check_columns(frame: pd.DataFrame, names: Iterable[str], flag: str, source: str) -> None:
    """Every name is a column of ``frame``, or an error naming it and the closest match."""
    columns = [str(c) for c in frame.columns]
    for name in names:
        if name not in columns:
            close = difflib.get_close_matches(name, columns, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            shown = columns if len(columns) <= 30 else columns[:30] + ["..."]
            raise _usage(f"Column {name!r} ({flag}) is not in {source}.{hint} Its columns are {shown}.")


def match_label(value: Any, labels: Sequence[Any], flag: str) -> Any:
    """The label among ``labels`` that ``value`` names (exactly, else by its text).

    A label given on the command line is always text, and TOML has no way to say
    "the integer 1 as read from a CSV"; matching by text bridges both.
    """
    for label in labels:
        if type(label) is type(value) and label == value:
            return label
    text = str(value).strip()
    matches = [label for label in labels if str(label) == text]
    if len(matches) == 1:
        return matches[0]
    raise _usage(f"Expected {flag} to be one of the target's values {sorted(str(x) for x in labels)}. Got {value!r}.")


def load_model(path: str | Path, *, trusted_types: Sequence[str] = (), trust_model_file: bool = False) -> Any:
    """Load a fitted model from a skops file, or a joblib/pickle file when trusted.

    skops refuses to build any type it does not know to be safe; those types are
    listed in the error with the flag that trusts them one by one. A pickle can run
    arbitrary code when loaded, so it is loaded only with ``trust_model_file``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in MODEL_SUFFIXES:
        raise _usage(
            f"Expected --model to be a skops file (.skops, preferred) or a joblib/pickle file "
            f"({', '.join(PICKLE_SUFFIXES)}). Got {str(path)!r}."
        )
    if not path.is_file():
        raise _usage(f"Expected the --model file {str(path)!r} to exist. It does not.")
    if suffix in SKOPS_SUFFIXES:
        return _load_skops(path, list(trusted_types))
    if not trust_model_file:
        raise _usage(
            f"Refusing to load {str(path)!r}: loading a joblib/pickle file runs code stored in it, so a "
            "tampered file can take over this machine. Save the model with skops (skops.io.dump) instead, or, "
            "if you created this file yourself or trust its source, pass --trust-model-file."
        )
    import joblib

    try:
        return joblib.load(path)
    except Exception as exc:  # noqa: BLE001 - any failure to unpickle is an input error
        raise _usage(f"Could not load the model file {str(path)!r}: {type(exc).__name__}: {exc}") from None


def _load_skops(path: Path, trusted: list[str]) -> Any:
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # noqa: BLE001 - not a zip, bad schema ...
        raise _usage(f"Could not read the skops file {str(path)!r}: {type(exc).__name__}: {exc}") from None
    missing = [t for t in untrusted if t not in trusted]
    if missing:
        flags = " ".join(f"--trust-type {t}" for t in missing)
        raise _usage(
            f"The model file {str(path)!r} contains types skops does not trust by default: {missing}. "
            f"Check that they are what you expect from this model (e.g. classes of scikit-learn or your own "
            f"package), then trust them explicitly with: {flags}"
        )
    try:
        return sio.load(path, trusted=trusted or None)
    except Exception as exc:  # noqa: BLE001
        raise _usage(f"Could not load the skops file {str(path)!r}: {type(exc).__name__}: {exc}") from None


def check_outputs(
    outputs: Sequence[tuple[str, Path | None, tuple[str, ...]]],
    *,
    force: bool,
    inputs: Sequence[Path] = (),
) -> list[Path]:
    """Check every output before any slow work: suffix, folder, no overwrite
    without ``force``, no two outputs on one path, never an input file.

    ``outputs`` holds (flag, path or None, accepted suffixes).
    """
    seen: dict[Path, str] = {}
    resolved_inputs = {p.resolve() for p in inputs}
    out = []
    for flag, path, suffixes in outputs:
        if path is None:
            continue
        if path.suffix.lower() not in suffixes:
            raise _usage(f"Expected {flag} to end in {' or '.join(suffixes)}. Got {str(path)!r}.")
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise _usage(f"Expected the folder of {flag}, {str(folder)!r}, to exist. It does not.")
        real = path.resolve()
        if real in resolved_inputs:
            raise _usage(f"{flag} {str(path)!r} is one of the inputs; refusing to overwrite it.")
        if real in seen:
            raise _usage(f"{flag} and {seen[real]} both write {str(path)!r}.")
        if path.exists() and not force:
            raise _usage(f"{flag} {str(path)!r} already exists; pass --force to replace it.")
        seen[real] = flag
        out.append(path)
    return out
