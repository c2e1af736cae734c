"""Atomic file writing: a reader never sees a partial file."""

from __future__ import annotations

import os
import tempfile
from os import PathLike
from pathlib import Path

__all__ = ["atomic_write", "OutputExistsError"]


class OutputExistsError(FileExistsError):
    """The output file exists and overwriting was not allowed."""


def atomic_write(path: str | PathLike[str], data: bytes | str, *, overwrite: bool = True) -> Path:
    """Write ``data`` to a temporary file in the target folder, then rename it over
    ``path`` (atomic on POSIX and Windows), so a crash leaves the old file or none.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    FileNotFoundError
        If the target folder does not exist.
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise OutputExistsError(f"{str(path)!r} already exists; pass overwrite=True (or --force) to replace it.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"Expected the folder {str(folder)!r} to exist for {str(path)!r}. It does not.")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        if not overwrite and path.exists():  # lost a race with another writer
            raise OutputExistsError(f"{str(path)!r} already exists; pass overwrite=True to replace it.")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
