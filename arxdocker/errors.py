"""Errors meant for users: one line, naming the input and the fix, exit code 2."""

from __future__ import annotations


class ArxError(Exception):
    """A problem with the user's input or setup, shown as one line without a traceback."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} (hint: {self.hint})"


class ProgressParseError(ArxError):
    """A BuildKit progress log that cannot be read."""
