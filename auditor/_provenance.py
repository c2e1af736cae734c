"""Versions, fingerprints and time: the provenance block of a result."""

from __future__ import annotations

import hashlib
import platform
import struct
import types
from datetime import UTC, datetime
from importlib import metadata
from os import PathLike
from typing import Any

import numpy as np

__all__ = ["library_versions", "model_fingerprint", "file_sha256", "utc_now", "auditor_version", "FINGERPRINT_SCHEME"]

#: Prefix of :func:`model_fingerprint`; fingerprints of other schemes (the
#: ``md5:`` of joblib's hash in older archives) are not comparable with it.
FINGERPRINT_SCHEME = "sha256-canonical"

_LIBRARIES = (
    "numpy", "pandas", "scipy", "scikit-learn", "shap", "lime", "fairlearn",
    "matplotlib", "jinja2", "weasyprint",
)


def auditor_version() -> str:
    # the source of truth for the version (pyproject reads it from here too), so a
    # source checkout and an install agree
    from auditor._version import __version__

    return __version__


def library_versions() -> dict[str, str]:
    out = {}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    out["python"] = platform.python_version()
    return out


def model_fingerprint(model: Any) -> str | None:
    """A content hash of the fitted model, the same in any process for the same model.

    The model is walked as pickle would walk it (``__reduce_ex__``: its class, its
    parameters, its fitted attributes, nested estimators), and every value is
    hashed by what it means, not by its bytes in memory: an array by its dtype,
    shape and values, a structured array field by field. Hashing raw bytes (as
    ``joblib.hash`` does) takes in the padding between the fields of a
    structured array, such as the nodes of a scikit-learn tree, which holds
    whatever the memory held: the same model loaded twice gets two hashes.

    Parameters
    ----------
    model : object or None

    Returns
    -------
    str or None
        ``"sha256-canonical:<hex>"``; ``None`` without a model or when some part
        of it cannot be walked (an object that cannot be pickled).
    """
    if model is None:
        return None
    digest = hashlib.sha256()
    try:
        _Canonical(digest).feed(model)
    except Exception:  # noqa: BLE001 - a model that cannot be walked has no fingerprint
        return None
    return f"{FINGERPRINT_SCHEME}:{digest.hexdigest()}"


def file_sha256(path: str | PathLike[str]) -> str:
    """SHA-256 of a file's bytes (the model file the command line loaded)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Canonical:
    """Feeds a canonical encoding of an object graph into a hash."""

    def __init__(self, digest: Any) -> None:
        self.digest = digest
        # ids of the objects being walked, to stop at a true cycle; an object met
        # twice elsewhere is walked twice, because whether two attributes share one
        # object or hold equal copies can differ between a fit and a reload
        self.active: set[int] = set()

    def tag(self, text: str) -> None:
        data = text.encode("utf-8")
        self.digest.update(struct.pack("<Q", len(data)) + data)

    def raw(self, data: bytes) -> None:
        self.digest.update(struct.pack("<Q", len(data)) + data)

    def feed(self, obj: Any) -> None:
        if obj is None or isinstance(obj, bool):
            self.tag(repr(obj))
        elif isinstance(obj, int):
            self.tag("int:" + str(obj))
        elif isinstance(obj, float):
            self.tag("float:" + repr(obj))
        elif isinstance(obj, complex):
            self.tag("complex:" + repr(obj))
        elif isinstance(obj, str):
            self.tag("str")
            self.tag(obj)
        elif isinstance(obj, (bytes, bytearray, memoryview)):
            self.tag("bytes")
            self.raw(bytes(obj))
        elif isinstance(obj, np.ndarray):
            self.array(obj)
        elif isinstance(obj, np.generic):
            self.array(np.asarray(obj))
        elif isinstance(obj, np.dtype):
            self.tag("dtype:" + _dtype_text(obj))
        elif isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
            self.tag("name:" + _qualified(obj))
        else:
            self.container(obj)

    def container(self, obj: Any) -> None:
        key = id(obj)
        if key in self.active:
            self.tag("cycle")
            return
        self.active.add(key)
        try:
            if isinstance(obj, (list, tuple)):
                self.tag(f"{type(obj).__name__}:{len(obj)}")
                for x in obj:
                    self.feed(x)
            elif isinstance(obj, dict):
                self.tag(f"dict:{len(obj)}")
                for k, v in sorted(obj.items(), key=lambda kv: self.key(kv[0])):
                    self.feed(k)
                    self.feed(v)
            elif isinstance(obj, (set, frozenset)):
                self.tag(f"set:{len(obj)}")
                for k in sorted(obj, key=self.key):
                    self.feed(k)
            else:
                self.instance(obj)
        finally:
            self.active.discard(key)

    def key(self, obj: Any) -> str:
        """A sort key for the elements of a dict or set: their own fingerprint."""
        sub = _Canonical(hashlib.sha256())
        sub.feed(obj)
        return sub.digest.hexdigest()

    def instance(self, obj: Any) -> None:
        import pandas as pd

        self.tag("object:" + _qualified(type(obj)))
        if isinstance(obj, (pd.DataFrame, pd.Series, pd.Index)):
            self.pandas(obj)
            return
        reduced = obj.__reduce_ex__(4)
        if isinstance(reduced, str):  # a global, pickled by name
            self.tag("global:" + reduced)
            return
        for part in reduced[:3]:
            self.feed(part)
        # list and dict items come as iterators
        for part in reduced[3:5]:
            self.feed(None if part is None else list(part))

    def pandas(self, obj: Any) -> None:
        import pandas as pd

        if isinstance(obj, pd.DataFrame):
            self.feed(list(obj.columns))
            self.pandas(obj.index)
            for name in obj.columns:
                self.pandas(obj[name])
        elif isinstance(obj, pd.Series):
            self.feed(obj.name)
            self.tag(str(obj.dtype))
            self.array(np.asarray(obj.to_numpy(), dtype=object) if obj.dtype == object else obj.to_numpy())
        else:
            self.feed(obj.name)
            self.tag(str(obj.dtype))
            self.array(np.asarray(obj, dtype=object))

    def array(self, a: np.ndarray) -> None:
        self.tag(f"ndarray:{_dtype_text(a.dtype)}:{a.shape}")
        if a.dtype.names is not None:
            # field by field: the padding between fields is never read
            for name in a.dtype.names:
                self.tag(name)
                self.array(np.ascontiguousarray(a[name]))
        elif a.dtype.hasobject:
            for x in a.ravel(order="C"):
                self.feed(x)
        elif a.dtype.subdtype is not None:
            self.array(np.ascontiguousarray(a))
        else:
            v = np.ascontiguousarray(a)
            if v.dtype.byteorder == ">" or (v.dtype.byteorder == "=" and np.little_endian is False):
                v = v.astype(v.dtype.newbyteorder("<"))
            if v.dtype.kind in "fc":
                # one NaN, whatever bits a computation left in it
                v = np.where(np.isnan(v), np.array(np.nan, dtype=v.dtype), v)
            self.raw(v.tobytes())


def _dtype_text(dtype: np.dtype) -> str:
    if dtype.names is not None:
        return "{" + ",".join(f"{n}:{_dtype_text(dtype.fields[n][0])}" for n in dtype.names) + "}"
    if dtype.subdtype is not None:
        base, shape = dtype.subdtype
        return f"{_dtype_text(base)}{shape}"
    return dtype.newbyteorder("<").str if dtype.byteorder in "<>=" and dtype.itemsize > 1 else dtype.str


def _qualified(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '') or ''}.{getattr(obj, '__qualname__', getattr(obj, '__name__', repr(obj)))}"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
