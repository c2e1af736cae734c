"""The ``auditor`` command line.

Each subcommand lives in its own module with ``add_parser(subparsers)`` and
``run(args) -> int``. Exit codes: 0 success (policy PASS), 1 policy FAIL, 2 usage
or input error (a clear message on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from auditor._version import __version__
from auditor.cli import _demo

__all__ = ["main", "build_parser", "UsageError", "EXIT_OK", "EXIT_FAIL", "EXIT_USAGE"]

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2

_COMMANDS = (_demo,)


class UsageError(Exception):
    """A mistake in the command line or its inputs: reported without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auditor",
        description="Audit a trained model for performance, explainability and fairness.",
    )
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in _COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except UsageError as exc:
        print(f"auditor {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("auditor: interrupted", file=sys.stderr)
        return 130
