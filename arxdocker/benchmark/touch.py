"""The incremental scenario's edit: a real content change to one file, undone afterwards.

Each run appends a line of spaces and tabs that spells a random number in binary. It changes the
file's bytes (so a COPY of it misses the cache, every run and every benchmark anew) without
changing what the file means to almost any tool: no comment syntax to guess, no visible text.
The original bytes and modification time are put back when the benchmark ends, however it ends.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from arxdocker.errors import ArxError

_BITS = 40


def touch_setting(context: Path, flag: str | None, target: str | None) -> tuple[str, str] | None:
    """The file to change and where that was said: `--touch`, else `touch` in the config."""
    if flag:
        return flag, "--touch"
    from arxdocker.build.config import load_config

    config = load_config(context, target)
    configured = config.get("touch")
    if configured and config.source:
        return configured, f"touch in {config.source}"
    return None


def touch_path(context: Path, touched: str, said_by: str = "--touch") -> Path:
    """`touched` in `context` (the folder the build reads), refused when it resolves outside it:
    a `..`, an absolute path or a symlink that leads out would edit a file the build never sees,
    and one a benchmark has no business changing."""
    root = context.resolve()
    path = context / touched
    if not path.resolve().is_relative_to(root):
        raise ArxError(
            f"{said_by}: {touched} is outside the build context {root}",
            hint="name a file in the build context, relative to it",
        )
    return path


class Touch:
    def __init__(self, path: Path, said_by: str = "--touch") -> None:
        if not path.is_file():
            raise ArxError(
                f"{said_by}: {path}: no such file", hint="name a file in the build context"
            )
        self.path = path
        self._original = path.read_bytes()
        stat = path.stat()
        self._times = (stat.st_atime_ns, stat.st_mtime_ns)

    def change(self) -> None:
        number = secrets.randbits(_BITS) | 1 << (_BITS - 1)
        line = format(number, "b").replace("0", " ").replace("1", "\t")
        newline = b"" if self._original.endswith(b"\n") or not self._original else b"\n"
        self.path.write_bytes(self._original + newline + line.encode() + b"\n")

    def restore(self) -> None:
        self.path.write_bytes(self._original)
        os.utime(self.path, ns=self._times)


@contextmanager
def touching(path: Path, said_by: str = "--touch") -> Iterator[Touch]:
    """A `Touch` of `path`, restored when the block ends, however it ends."""
    touch = Touch(path, said_by)
    try:
        yield touch
    finally:
        touch.restore()
