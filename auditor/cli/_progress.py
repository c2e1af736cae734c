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


class StageProgress:
    """``Auditor.run(progress=...)`` callback drawing one bar over ``stages``.

    Each stage's ``start`` names the bar; ``done``/``skipped``/``failed`` advance it.
    """

    def __init__(self, stages: list[str], *, quiet: bool, stream: TextIO | None = None) -> None:
        from tqdm import tqdm

        self._bar = tqdm(
            total=len(stages),
            desc="auditing",
            unit="step",
            file=stream or sys.stderr,
            disable=quiet,
            leave=False,
            dynamic_ncols=True,
            bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| {elapsed}",
        )
        self.events: list[tuple[str, str, float | None]] = []

    def __call__(self, stage: str, event: str, seconds: float | None) -> None:
        self.events.append((stage, event, seconds))
        if event == "start":
            self._bar.set_description_str(stage)
        else:
            if event != "done" and not self._bar.disable:
                self._bar.write(f"{stage}: {event}", file=self._bar.fp)
            self._bar.update(1)

    def close(self) -> None:
        self._bar.close()

    def __enter__(self) -> StageProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
