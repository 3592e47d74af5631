"""The library's own exception types: the command line turns these, and only these, into
one-line messages and exit codes."""

from __future__ import annotations

__all__ = ["FramingError", "InputError", "RefusedError"]


class FramingError(Exception):
    """Base of every error the library raises on purpose; ``exit_code`` is for the CLI."""

    exit_code = 2


class InputError(FramingError, ValueError):
    """An argument or input the library cannot use: the message names it and the fix."""


class RefusedError(FramingError):
    """Something present was checked and refused (a model file, a gold set): exit code 1."""

    exit_code = 1
