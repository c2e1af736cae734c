"""``--engine dask``: reading a glob of files as a Dask frame, and the cluster it runs on.

Without ``--scheduler`` a ``LocalCluster`` of this machine's cores is started for
the audit and closed after it; with it, the audit connects to that scheduler and
leaves the cluster running. Every problem is a :class:`~auditor.cli.UsageError`.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from auditor.cli._errors import UsageError

__all__ = ["ENGINES", "check_engine", "dask_client", "load_dask_table"]

ENGINES = ("memory", "dask")


def check_engine(engine: str, scheduler: str | None) -> None:
    """The engine is known, ``--scheduler`` comes with ``--engine dask``, and dask is installed."""
    if engine not in ENGINES:
        raise UsageError(f"Expected --engine to be one of {', '.join(ENGINES)}. Got {engine!r}.")
    if scheduler is not None and engine != "dask":
        raise UsageError("--scheduler needs --engine dask.")
    if engine == "dask":
        try:
            import dask.dataframe  # noqa: F401
            import distributed  # noqa: F401
        except ImportError:
            raise UsageError('--engine dask needs the optional extra: pip install "auditor[dask]".') from None


def load_dask_table(pattern: str, *, flag: str = "--data") -> Any:
    """A Dask frame over every CSV or Parquet file ``pattern`` (a glob) matches,
    partitioned by file (and row groups), in sorted file order."""
    import dask.dataframe as dd

    files = sorted(glob.glob(pattern)) if any(ch in pattern for ch in "*?[") else [pattern]
    files = [f for f in files if Path(f).is_file()]
    if not files:
        raise UsageError(f"Expected {flag} {pattern!r} to name or match at least one file. It matches none.")
    suffixes = {(".csv.gz" if f.lower().endswith(".csv.gz") else Path(f).suffix.lower()) for f in files}
    if len(suffixes) > 1 or not suffixes <= {".csv", ".csv.gz", ".parquet", ".pq"}:
        raise UsageError(f"Expected {flag} to match CSV or Parquet files of one kind. Got {sorted(suffixes)}.")
    try:
        if suffixes <= {".parquet", ".pq"}:
            return dd.read_parquet(files)
        # a gzipped CSV cannot be split: one partition per file
        return dd.read_csv(files, blocksize=None if suffixes == {".csv.gz"} else "64MB")
    except Exception as exc:  # noqa: BLE001 - ArrowInvalid, ParserError, ...: one line naming the files
        raise UsageError(f"Could not read {flag} {pattern!r}: {type(exc).__name__}: {exc}") from None


@contextmanager
def dask_client(scheduler: str | None, say: Callable[[str], None]) -> Iterator[Any]:
    """A ``distributed.Client`` for the audit: to ``scheduler``, or to a LocalCluster started here."""
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if scheduler is None:
            say("Starting a local Dask cluster ...")
            cluster = LocalCluster(processes=True, dashboard_address=None)
            client = Client(cluster)
        else:
            say(f"Connecting to the Dask scheduler {scheduler} ...")
            client = Client(scheduler, timeout="30s")
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        where = f"the Dask scheduler {scheduler!r}" if scheduler else "a local Dask cluster"
        raise UsageError(f"Could not connect to {where}: {type(exc).__name__}: {exc}") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
