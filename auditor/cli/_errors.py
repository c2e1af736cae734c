"""Exit codes and the usage error, shared by every command."""

from __future__ import annotations

__all__ = ["EXIT_OK", "EXIT_FAIL", "EXIT_USAGE", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "UsageError", "exit_code"]

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A mistake in the command line or its inputs: reported in one line, without a traceback."""


def exit_code(verdict, *, fail_on_inconclusive: bool = False) -> int:
    """0 for PASS and WARN, 1 for FAIL (and INCONCLUSIVE when asked)."""
    from auditor.results import Status

    if verdict is Status.FAIL or (fail_on_inconclusive and verdict is Status.INCONCLUSIVE):
        return EXIT_FAIL
    return EXIT_OK
