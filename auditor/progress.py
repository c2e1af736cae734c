"""Progress of an audit: which stage runs, and how far its long steps are.

Computation reports progress to a reporter and never prints: a section's long
loop (TreeSHAP chunks, Kernel SHAP rows, bootstrap resamples, LIME rows,
permutation columns) calls ``ctx.ticker(label, total)`` and advances it. What the
reporter does with it (tqdm bars on stderr, a notebook widget, nothing) is up to
the caller; progress never reaches the result or its JSON.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Protocol, TextIO, runtime_checkable

__all__ = ["ProgressReporter", "Silent", "TqdmProgress", "as_reporter", "in_notebook"]


@runtime_checkable
class ProgressReporter(Protocol):
    """What :meth:`Auditor.run` tells about its progress.

    ``stage(name, event, seconds)``: a stage ("predict" or a section's name)
    starts (``event="start"``, ``seconds=None``), or ends: "done", "skipped" or
    "failed" with its duration. ``step(label, done, total)``: a long step inside
    the running stage has done ``done`` of ``total`` units.
    """

    def stage(self, name: str, event: str, seconds: float | None) -> None: ...

    def step(self, label: str, done: int, total: int) -> None: ...


class Silent:
    """A reporter that reports nothing."""

    def stage(self, name: str, event: str, seconds: float | None) -> None:
        pass

    def step(self, label: str, done: int, total: int) -> None:
        pass


class _Callback(Silent):
    """A plain ``callable(stage, event, seconds)``, the older form, as a reporter."""

    def __init__(self, fn: Callable[[str, str, float | None], None]) -> None:
        self.fn = fn

    def stage(self, name: str, event: str, seconds: float | None) -> None:
        self.fn(name, event, seconds)


class TqdmProgress(Silent):
    """A bar over the audit's stages and, under it, a bar for the running long step.

    Parameters
    ----------
    stages : list of str, optional
        The stages to expect (for the outer bar's total).
    stream : file, optional
        Where the bars go; default stderr.
    notebook : bool, default=False
        Use tqdm's notebook bars (``tqdm.auto``), else text bars.
    """

    def __init__(self, stages: list[str] | None = None, *, stream: TextIO | None = None, notebook: bool = False,
                 disable: bool = False) -> None:
        if notebook and _has_widgets():
            from tqdm.auto import tqdm
        else:
            # without ipywidgets tqdm.auto warns and falls back to text bars anyway
            from tqdm import tqdm
        self._tqdm = tqdm
        self._stream = stream or sys.stderr
        self._disable = disable
        self._bar = tqdm(total=len(stages) if stages else None, desc="auditing", unit="stage", file=self._stream,
                         disable=disable, leave=False, dynamic_ncols=True,
                         bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| {elapsed}" if stages else None)
        self._step: Any = None
        self._step_label: str | None = None
        self.events: list[tuple[str, str, float | None]] = []

    def stage(self, name: str, event: str, seconds: float | None) -> None:
        self.events.append((name, event, seconds))
        self._close_step()
        if event == "start":
            self._bar.set_description_str(name)
            return
        if event != "done" and not self._disable:
            self._bar.write(f"{name}: {event}", file=self._stream)
        self._bar.update(1)

    def step(self, label: str, done: int, total: int) -> None:
        if self._disable:
            return
        if self._step is None or self._step_label != label:
            self._close_step()
            self._step = self._tqdm(total=total, desc=f"  {label}", file=self._stream, leave=False,
                                    dynamic_ncols=True, position=1)
            self._step_label = label
        self._step.update(done - self._step.n)

    def _close_step(self) -> None:
        if self._step is not None:
            self._step.close()
            self._step, self._step_label = None, None

    def close(self) -> None:
        self._close_step()
        self._bar.close()

    def __enter__(self) -> TqdmProgress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _has_widgets() -> bool:
    import importlib.util

    return importlib.util.find_spec("ipywidgets") is not None


def in_notebook() -> bool:
    """Whether the code runs in a Jupyter kernel (where progress shows by default)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - an IPython without a running shell
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def as_reporter(progress: Any, stages: list[str]) -> tuple[ProgressReporter, Callable[[], None]]:
    """The reporter for ``Auditor.run(progress=...)`` and how to close it.

    ``None``: bars in a notebook, nothing elsewhere (scripts, tests, CI logs).
    ``True``: bars wherever this runs. ``False``: nothing. A reporter or a
    ``callable(stage, event, seconds)`` is used as given.
    """
    if progress is None:
        progress = in_notebook()
    if progress is False:
        return Silent(), lambda: None
    if progress is True:
        bars = TqdmProgress(stages, notebook=in_notebook())
        return bars, bars.close
    if isinstance(progress, ProgressReporter):
        return progress, lambda: None
    if callable(progress):
        return _Callback(progress), lambda: None
    raise TypeError(
        "Expected progress to be None, True, False, a callable(stage, event, seconds) or a reporter with "
        f"stage() and step(). Got {type(progress).__name__} instead."
    )
