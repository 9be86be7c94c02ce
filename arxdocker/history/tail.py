"""Reading a large history from its end: the newest records first, parsing only what is asked for.

`arxdocker history` wants the last few builds and `compare last~1 last` two of them, so neither
should parse 10,000 lines. `newest` reads the file backwards in blocks under the shared lock and
decodes one line at a time; `with_id_prefix` scans the raw bytes for the id and decodes only the
lines that contain it.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_BLOCK = 1 << 18


class Corrupt:
    """A line that is not a build record, met while reading newest first."""

    __slots__ = ()


CORRUPT = Corrupt()


def newest(
    path: Path, *, only: re.Pattern[bytes] | None = None
) -> Iterator[dict[str, Any] | Corrupt]:
    """Every line of the history as a record (or CORRUPT), newest first; with `only`, just the
    lines whose raw bytes match it (a cheap filter before decoding; check the record too)."""
    with path.open("rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        try:
            for raw in _lines_backwards(handle.fileno()):
                if raw.strip() and (only is None or only.search(raw)):
                    yield _decode(raw)
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _lines_backwards(fd: int) -> Iterator[bytes]:
    position = os.fstat(fd).st_size
    rest = b""
    while position > 0:
        size = min(_BLOCK, position)
        position -= size
        block = os.pread(fd, size, position) + rest
        lines = block.split(b"\n")
        rest = lines[0]  # may continue in the previous block
        yield from reversed(lines[1:])
    if rest:
        yield rest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999
        raise ValueError(f"{text} is too large")
    return value


def _int(text: str) -> int:
    if len(text) > 300:  # would not convert to a float (duration, size, rate)
        raise ValueError("a number too large")
    return int(text)


def loads(raw: str | bytes) -> Any:
    """JSON as a record is written: NaN, Infinity and numbers too large for a float (what a
    hand edit may leave, and what the history commands cannot do arithmetic with) are refused
    with ValueError, like any other text that is not a build record."""
    return json.loads(raw, parse_constant=_no_constant, parse_float=_finite, parse_int=_int)


def _decode(raw: bytes) -> dict[str, Any] | Corrupt:
    try:
        value = loads(raw)
    except (ValueError, UnicodeDecodeError):
        return CORRUPT
    return value if isinstance(value, dict) and "id" in value else CORRUPT


def field_pattern(name: str, value: Any) -> re.Pattern[bytes]:
    """Matches a line that may hold `"name": value` (as JSON, with any spacing)."""
    encoded = json.dumps(value, ensure_ascii=False).encode()
    return re.compile(rb'"' + re.escape(name.encode()) + rb'"\s*:\s*' + re.escape(encoded))


def with_id_prefix(path: Path, prefix: str) -> list[dict[str, Any]]:
    """The records whose id starts with `prefix`, oldest first."""
    pattern = re.compile(rb'"id"\s*:\s*"' + re.escape(prefix.encode()))
    with path.open("rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        try:
            data = handle.read()
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    found: list[dict[str, Any]] = []
    seen: set[int] = set()
    for match in pattern.finditer(data):
        start = data.rfind(b"\n", 0, match.start()) + 1
        if start in seen:
            continue
        seen.add(start)
        end = data.find(b"\n", match.end())
        record = _decode(data[start : len(data) if end < 0 else end])
        # "id" also names nested things (the image id): keep the record's own id only.
        if isinstance(record, dict) and str(record.get("id", "")).startswith(prefix):
            found.append(record)
    return found
