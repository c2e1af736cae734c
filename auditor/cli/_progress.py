"""Progress on stderr: a tqdm bar over the audit's stages, or nothing with -q."""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = ["StageProgress", "Say"]


class Say:
    """Status lines on stderr (silent when quiet), so stdout keeps only the summary."""

    def __init__(self, quiet: bool, stream: TextIO | None = None) -> None:
        self.quiet = quiet
        self.stream = stream

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(message, file=self.stream or sys.stderr, flush=True)


def StageProgress(stages: list[str], *, quiet: bool, stream: TextIO | None = None):
    """Bars on stderr over the audit's stages and their long steps (nothing with -q)."""
    from auditor.progress import TqdmProgress

    return TqdmProgress(stages, stream=stream or sys.stderr, disable=quiet)
