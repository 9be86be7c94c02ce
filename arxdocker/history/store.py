"""The history file: one JSON record per line, appended under an exclusive file lock.

Parallel builds each take `flock(LOCK_EX)` for their append, so lines never interleave or get
lost. A line left without its newline by a crashed writer is closed before the next append. Reading
skips lines that are not a JSON object, with a warning naming the line, and never fails a build.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arxdocker.history.tail import loads


@dataclass(frozen=True, slots=True)
class Skipped:
    line: int
    reason: str


def append(path: Path, record: dict[str, Any]) -> None:
    """Append one record as one line, holding the lock for the whole write."""
    data = (json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if _ends_without_newline(fd):
                data = b"\n" + data
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _ends_without_newline(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"


def write_one(path: Path, record: dict[str, Any]) -> None:
    """`--record FILE`: this build's record alone, pretty-printed, replaced atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temp.replace(path)


def read(path: Path) -> tuple[list[dict[str, Any]], list[Skipped]]:
    """All readable records, oldest first, and the lines that were skipped."""
    records: list[dict[str, Any]] = []
    skipped: list[Skipped] = []
    for _number, item in iter_lines(path):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            records.append(item)
    return records, skipped


def iter_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | Skipped]]:
    if not path.exists():
        return
    with path.open("rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        try:
            for number, raw in enumerate(handle, 1):
                if not raw.strip():
                    continue
                try:
                    value = loads(raw)
                except (ValueError, UnicodeDecodeError) as error:
                    yield number, Skipped(number, f"not JSON ({error.__class__.__name__})")
                    continue
                if not isinstance(value, dict) or "id" not in value:
                    yield number, Skipped(number, "not a build record")
                    continue
                yield number, value
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def check_tail(path: Path, window: int = 1 << 16) -> Skipped | None:
    """Whether the last complete line of the history is corrupt, reading only its end."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - window))
            tail = handle.read()
    except OSError:
        return None
    lines = [line for line in tail.split(b"\n") if line.strip()]
    if not lines:
        return None
    try:
        value = loads(lines[-1])
    except (ValueError, UnicodeDecodeError):
        return Skipped(-1, "the last line is not JSON")
    return None if isinstance(value, dict) else Skipped(-1, "the last line is not a record")


def save(record: dict[str, Any], history: Path, single: Path | None = None) -> list[str]:
    """Append to the history (and write `--record FILE`); problems come back as warnings."""
    problems = []
    skipped = check_tail(history)
    if skipped is not None:
        problems.append(f"{history}: {skipped.reason}; it is skipped when the history is read")
    try:
        append(history, record)
    except OSError as error:
        problems.append(f"cannot append to {history}: {error.strerror}; the build is not recorded")
    if single is not None:
        try:
            write_one(single, record)
        except OSError as error:
            problems.append(f"cannot write --record {single}: {error.strerror}")
    return problems
