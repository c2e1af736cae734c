"""How many cores the explanation steps use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["resolve_n_jobs", "run_chunks"]


def resolve_n_jobs(n_jobs: int | None) -> int:
    """The number of worker processes for ``n_jobs``.

    ``None`` means every core (``joblib.cpu_count()``): the explanation steps are
    the slow part of an audit and their results never depend on ``n_jobs``, so
    there is nothing to lose by using the machine. This departs from
    scikit-learn's convention (``None`` = 1); pass ``n_jobs=1`` for a serial run.
    Negative values count back from the number of cores, as in joblib
    (``-1`` = all, ``-2`` = all but one).
    """
    import joblib

    if n_jobs is None:
        return max(1, joblib.cpu_count())
    return max(1, joblib.effective_n_jobs(n_jobs))


def run_chunks(fn: Callable[..., Any], chunks: Iterable[Any], n_jobs: int, *args: Any,
               tick: Callable[[int], None] | None = None, consume: Callable[[Any], Any] | None = None) -> list[Any]:
    """``[fn(chunk, *args) for chunk in chunks]``, in order, over ``n_jobs`` processes.

    With ``consume``, each chunk's result is handed to ``consume`` as soon as it
    arrives, in order, and what ``consume`` returns is kept instead: a large
    per-chunk result (TreeSHAP values) is then never held for every chunk at once.

    Each chunk is computed independently of the others, so the result is the same
    whatever ``n_jobs`` is; a single job runs in this process (no start-up cost).
    ``chunks`` may be a generator: joblib then draws a few chunks ahead of the
    workers, so only those are in memory at once. Chunks are pickled to the
    workers rather than memory-mapped: they are small, and joblib's clean-up of
    memory-mapped files was measured at a full second per call.
    """
    tick = tick or (lambda n: None)
    consume = consume or (lambda part: part)
    out = []
    if n_jobs <= 1:
        for c in chunks:
            out.append(consume(fn(c, *args)))
            tick(1)
        return out
    from joblib import Parallel, delayed

    # results arrive in order as the workers finish them, so progress can follow
    for part in Parallel(n_jobs=n_jobs, max_nbytes=None, return_as="generator")(delayed(fn)(c, *args) for c in chunks):
        out.append(consume(part))
        del part
        tick(1)
    return out
