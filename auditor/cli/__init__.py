"""The ``auditor`` command line.

Each subcommand lives in its own module with ``add_parser(subparsers)`` and
``run(args) -> int``:

- ``auditor run``: audit a saved model on a data file (the deployment gate);
- ``auditor render``: re-render an archived audit JSON as HTML or PDF;
- ``auditor diff``: compare a baseline and a candidate audit;
- ``auditor demo``: audit a model trained on bundled data.

Exit codes: 0 success (policy PASS or WARN), 1 policy FAIL, 2 usage or input error
(a clear message on stderr, no traceback), 3 an unexpected internal error (with
its traceback, so it can be reported), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from auditor._version import __version__
from auditor.cli import _demo, _diff, _render, _run
from auditor.cli._errors import EXIT_FAIL, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError
from auditor.errors import AuditEngineError, AuditInputError

__all__ = ["main", "build_parser", "UsageError", "EXIT_OK", "EXIT_FAIL", "EXIT_USAGE", "EXIT_INTERNAL"]

_COMMANDS = (_run, _render, _diff, _demo)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auditor",
        description="Audit a trained model for performance, explainability and fairness.",
        epilog="Exit codes: 0 pass, 1 policy FAIL, 2 usage or input error, 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in _COMMANDS:
        command.add_parser(sub)
    return parser


def _tolerant_streams() -> None:
    # finding messages hold characters such as "²" and "–"; a terminal without
    # UTF-8 must not turn the summary into a crash
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):  # a closed or detached stream
                pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the module docstring)."""
    _tolerant_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except (UsageError, AuditInputError) as exc:  # our input errors name what is wrong: no traceback
        print(f"auditor {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except AuditEngineError as exc:  # the cluster failed, not the auditor: say what and where, no result
        print(f"auditor {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("auditor: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception:  # noqa: BLE001 - never let a crash look like a policy FAIL (exit 1)
        traceback.print_exc()
        print(f"auditor {args.command}: internal error (exit {EXIT_INTERNAL}); please report it with the traceback above.",
              file=sys.stderr)
        return EXIT_INTERNAL
