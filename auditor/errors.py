"""The exception a user's inputs cause, as opposed to a fault of the auditor.

This module imports nothing of the package, so every layer (validation, the
pre-flight checks, rendering, the command line) can raise or catch it. The
command line maps it to exit code 2 with its one-line message and no traceback.
"""

from __future__ import annotations

__all__ = ["AuditInputError", "AuditEngineError"]


class AuditInputError(ValueError):
    """The data, the model, a template or an archive cannot be audited as given.

    The message names the argument, column, file or field at fault, what was
    expected and what was found. A ``ValueError``, so code that caught the
    validation errors before this type existed still catches them.
    """


class AuditEngineError(RuntimeError):
    """The engine that computes over the rows (a Dask cluster) failed.

    Raised instead of a result, never beside one: an audit whose rows were not
    all computed has no numbers to report. The message names the step that
    failed and the cluster's error (a worker lost more often than Dask retries a
    task, a scheduler that went away, ...).
    """
