"""Generic conversion between frozen result dataclasses and JSON-native values.

Every result type is a frozen dataclass whose fields are JSON-native (str, int, float,
bool, None), tuples of those, string-keyed dicts of those, enums of strings, or other
result dataclasses. Converting by type hints keeps each result class free of
hand-written ``to_dict``/``from_dict`` pairs that could drift apart.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
import types
import typing
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

__all__ = ["to_jsonable", "from_jsonable", "freeze", "loads_strict", "SerialisationError"]


class SerialisationError(ValueError):
    """A value cannot be represented in, or read back from, the audit JSON."""


def loads_strict(text: str) -> Any:
    """Parse JSON text as the standard defines it, without ``NaN`` or ``Infinity``.

    Python's ``json`` module accepts the literals ``NaN``, ``Infinity`` and
    ``-Infinity``, which no JSON standard allows and the auditor never writes (an
    undefined value is ``null`` with a reason). An archive holding one was edited
    or produced elsewhere, and reading it would turn a number into NaN silently.

    Raises
    ------
    SerialisationError
        Naming the literal and its line, column and the key before it.
    json.JSONDecodeError
        For text that is not JSON at all (a ``ValueError`` too).
    """

    def refuse(literal: str) -> Any:
        raise SerialisationError(
            f"Expected standard JSON numbers in the audit archive. Got {literal} {_locate(text, literal)} instead; "
            "an undefined value is written as null (with a reason), never as NaN or Infinity."
        )

    return json.loads(text, parse_constant=refuse)


def _locate(text: str, literal: str) -> str:
    """``at line L, column C (value of "key")`` for the first ``literal`` outside a string."""
    i, n, in_string, last_key, string_start = 0, len(text), False, None, 0
    while i < n:
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                in_string = False
                rest = text[i + 1 : i + 40].lstrip()
                if rest.startswith(":"):
                    last_key = text[string_start + 1 : i]
        elif ch == '"':
            in_string, string_start = True, i
        elif text.startswith(literal, i):
            line = text.count("\n", 0, i) + 1
            column = i - (text.rfind("\n", 0, i) + 1) + 1
            key = f" (value of {last_key!r})" if last_key is not None else ""
            return f"at line {line}, column {column}{key}"
        i += 1
    return "in the text"


def to_jsonable(obj: Any, *, path: str = "$") -> Any:
    """Convert a result object to JSON-native values.

    Raises
    ------
    SerialisationError
        If a float is NaN or infinite (undefined values must be ``None`` with a
        reason), or a value has a type the JSON schema cannot hold.
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj.value if isinstance(obj, enum.Enum) else obj
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise SerialisationError(
                f"Expected a finite number at {path}. Got {obj!r} instead; "
                "undefined values must be None with a reason."
            )
        return float(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: to_jsonable(getattr(obj, f.name), path=f"{path}.{f.name}")
            for f in dataclasses.fields(obj)
        }
    if isinstance(obj, (tuple, list)):
        return [to_jsonable(v, path=f"{path}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, str):
                raise SerialisationError(f"Expected str keys at {path}. Got {k!r} instead.")
            out[k] = to_jsonable(v, path=f"{path}[{k!r}]")
        return out
    # numpy scalars reach here when a section forgot to convert; accept them
    # explicitly rather than silently via str().
    item = getattr(obj, "item", None)
    if callable(item) and getattr(obj, "shape", None) == ():
        return to_jsonable(item(), path=path)
    raise SerialisationError(
        f"Expected a JSON-native value at {path}. Got {type(obj).__name__} instead."
    )


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_jsonable(tp: Any, data: Any, *, path: str = "$") -> Any:
    """Rebuild a value of type ``tp`` from JSON-native ``data``."""
    origin = get_origin(tp)
    if tp is Any:
        return freeze(data)
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        if data is None:
            if type(None) in args:
                return None
            raise SerialisationError(f"Expected a value at {path}. Got null instead.")
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return from_jsonable(arg, data, path=path)
            except (SerialisationError, TypeError, ValueError) as exc:
                errors.append(str(exc))
        raise SerialisationError(f"No type in {tp} fits the value at {path}: {errors}")
    if origin is Literal:
        if data not in get_args(tp):
            raise SerialisationError(
                f"Expected one of {get_args(tp)} at {path}. Got {data!r} instead."
            )
        return data
    if origin is tuple:
        args = get_args(tp)
        if not isinstance(data, list):
            raise SerialisationError(f"Expected a list at {path}. Got {type(data).__name__}.")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_jsonable(args[0], v, path=f"{path}[{i}]") for i, v in enumerate(data))
        if len(args) != len(data):
            raise SerialisationError(f"Expected {len(args)} items at {path}. Got {len(data)}.")
        return tuple(from_jsonable(a, v, path=f"{path}[{i}]") for i, (a, v) in enumerate(zip(args, data)))
    if origin is dict:
        _, val_tp = get_args(tp)
        if not isinstance(data, dict):
            raise SerialisationError(f"Expected an object at {path}. Got {type(data).__name__}.")
        return {k: from_jsonable(val_tp, v, path=f"{path}[{k!r}]") for k, v in data.items()}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(data)
    if dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise SerialisationError(f"Expected an object at {path}. Got {type(data).__name__}.")
        hints = _hints(tp)
        names = {f.name for f in dataclasses.fields(tp) if f.init}
        unknown = set(data) - names
        if unknown:
            raise SerialisationError(f"Unexpected fields {sorted(unknown)} at {path} for {tp.__name__}.")
        kwargs = {
            name: from_jsonable(hints[name], data[name], path=f"{path}.{name}")
            for name in names
            if name in data
        }
        return tp(**kwargs)
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise SerialisationError(f"Expected a number at {path}. Got {data!r} instead.")
        return float(data)
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise SerialisationError(f"Expected an integer at {path}. Got {data!r} instead.")
        return data
    if tp in (str, bool):
        if not isinstance(data, tp):
            raise SerialisationError(f"Expected {tp.__name__} at {path}. Got {data!r} instead.")
        return data
    if tp is type(None):
        if data is not None:
            raise SerialisationError(f"Expected null at {path}. Got {data!r} instead.")
        return None
    raise SerialisationError(f"Unsupported type {tp!r} at {path}.")


def freeze(data: Any) -> Any:
    """JSON-native data with lists turned into tuples (the form results hold)."""
    if isinstance(data, list):
        return tuple(freeze(v) for v in data)
    if isinstance(data, dict):
        return {k: freeze(v) for k, v in data.items()}
    return data
