"""Helpers shared by tests (import as ``from tests.helpers import ...``)."""

from __future__ import annotations


def json_without_timestamp(result) -> dict:
    """The result as a dict with the creation time removed (the one field that may
    differ between two runs on the same inputs and seed)."""
    d = result.to_dict()
    d["provenance"].pop("created_at")
    return d
