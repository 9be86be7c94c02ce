"""Opening a user's input file or stdin, with one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from arxdocker.errors import ArxError


@contextmanager
def open_binary(path: str) -> Iterator[tuple[BinaryIO, str]]:
    """Yield (binary stream, display name); `-` is stdin."""
    if path == "-":
        if sys.stdin.isatty():
            raise ArxError(
                "no log to read: stdin is a terminal",
                hint="give a saved log, or pipe a build in: "
                "docker buildx build --progress=plain . 2>&1 | arxdocker analyze -",
            )
        yield sys.stdin.buffer, "<stdin>"
        return
    file = Path(path)
    try:
        stream = file.open("rb")
    except FileNotFoundError:
        raise ArxError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ArxError(f"{path}: is a directory, expected a saved build log") from None
    except PermissionError:
        raise ArxError(f"{path}: permission denied") from None
    with stream:
        yield stream, path
