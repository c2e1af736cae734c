"""Engines: where the audited rows live and where the per-row work runs.

In memory (pandas, the default) everything runs in this process. With a
:class:`dask.dataframe.DataFrame` the rows stay on a Dask cluster
(:mod:`auditor.engine.dask`, the optional extra ``pip install "auditor[dask]"``):
the model predicts on the workers and only what the sections need comes back.

This module never imports dask: a frame can only be a Dask collection if dask
was already imported by whoever built it.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["is_dask_collection"]


def is_dask_collection(obj: Any) -> bool:
    """Whether ``obj`` is a Dask collection (without importing dask)."""
    dask = sys.modules.get("dask")
    if dask is None or obj is None:
        return False
    return bool(dask.is_dask_collection(obj))
