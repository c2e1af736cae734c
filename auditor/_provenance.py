"""Versions, fingerprints and time: the provenance block of a result."""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

__all__ = ["library_versions", "model_fingerprint", "utc_now", "auditor_version"]

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
    """A content hash of the fitted model (joblib's, which hashes arrays by value)."""
    if model is None:
        return None
    import joblib

    try:
        return "md5:" + joblib.hash(model)
    except Exception:  # noqa: BLE001 - an unpicklable model has no fingerprint
        return None


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
