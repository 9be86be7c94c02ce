"""Open a BuildKit progress log in either format, detecting which one it is."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Literal

from arxdocker.errors import ProgressParseError
from arxdocker.progress.models import Event
from arxdocker.progress.plain import clean_line, iter_plain
from arxdocker.progress.rawjson import iter_rawjson

Format = Literal["plain", "rawjson"]
FORMATS: tuple[str, ...] = ("auto", "plain", "rawjson")

# How far to look for the first BuildKit record before giving up on a file.
_DETECT_MAX_LINES = 2000
_DETECT_MAX_BYTES = 4 * 1024 * 1024
_PLAIN_RECORD = re.compile(rb"#\d+ \S")
_CHUNK = 1024 * 1024


# The first key of a rawjson SolveStatus object, on its first line (compact) or its second
# (pretty-printed, `{` alone above it). Other JSON a CI job prints before the build is not one
# (a status with warnings alone is never a build's first, and `"warnings"` is a common key).
_SOLVE_STATUS_KEY = re.compile(rb'\s*"(?:vertexes|statuses|logs)"\s*:')


def detect_format(head: Iterable[bytes]) -> Format | None:
    """The format of the first BuildKit record among these lines, or None."""
    opened = False  # the previous line was a lone `{`
    for line in head:
        if b"\0" in line:
            return None
        cleaned = clean_line(line).rstrip(b"\r\n")
        if opened and cleaned.strip():
            if _SOLVE_STATUS_KEY.match(cleaned):
                return "rawjson"
            opened = False
        if cleaned[:1] == b"{":
            if _SOLVE_STATUS_KEY.match(cleaned, 1):
                return "rawjson"
            opened = not cleaned[1:].strip()
        elif _PLAIN_RECORD.match(cleaned):
            return "plain"
    return None


def _cleaned_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Lines with the CI timestamp and colours cut, for a rawjson log saved from a CI job's log
    (GitHub's downloaded logs prefix every line), whose objects only parse once they are gone."""
    carry = b""
    for chunk in chunks:
        lines = (carry + chunk).split(b"\n")
        carry = lines.pop()
        for line in lines:
            yield clean_line(line) + b"\n"
    if carry:
        yield clean_line(carry)


@dataclass
class EventStream:
    """Events of one log, read lazily; `format` says which reader produced them."""

    format: Format
    _events: Iterator[Event] = field(repr=False)
    name: str = "<log>"

    def __iter__(self) -> Iterator[Event]:
        try:
            yield from self._events
        except ProgressParseError as error:
            raise ProgressParseError(f"{self.name}: {error.message}", hint=error.hint) from None


def read_events(stream: BinaryIO, fmt: str = "auto", *, name: str = "<log>") -> EventStream:
    """Read `stream` as a BuildKit progress log. Raises ProgressParseError on unusable input."""
    if fmt not in FORMATS:
        raise ProgressParseError(f"unknown format {fmt!r}; choose auto, plain or rawjson")
    stream = _utf8(stream)
    head: list[bytes] = []
    size = 0
    detected: Format | None = None
    while line := stream.readline(_DETECT_MAX_BYTES):
        head.append(line)
        size += len(line)
        if b"\0" in line:
            raise ProgressParseError(
                f"{name}: binary data, not a BuildKit progress log",
                hint="save the build's output with --progress=plain or --progress=rawjson",
            )
        detected = detect_format(head[-2:])
        if detected or len(head) >= _DETECT_MAX_LINES or size >= _DETECT_MAX_BYTES:
            break
    if not head or not any(line.strip() for line in head):
        raise ProgressParseError(f"{name}: the log is empty")
    chosen: Format | None = detected if fmt == "auto" else fmt  # type: ignore[assignment]
    if chosen is None:
        raise ProgressParseError(
            f"{name}: not a BuildKit progress log (no `#N` record or JSON object found)",
            hint="save the build's output with `docker buildx build --progress=plain` or "
            "`--progress=rawjson`",
        )
    # After the head, read big blocks: the readers take chunks of any size, and a pipe gives
    # whatever has arrived (read1), so a live build is still read as it happens.
    read = getattr(stream, "read1", stream.read)
    replay = itertools.chain(head, iter(lambda: read(_CHUNK), b""))
    if chosen == "rawjson" and any(clean_line(line) != line for line in head):
        replay = _cleaned_lines(replay)
    reader = iter_plain if chosen == "plain" else iter_rawjson
    return EventStream(chosen, reader(replay), name)


class _Utf16AsUtf8:
    """A UTF-16 log (Windows PowerShell 5 writes `2> build.log` so) read as UTF-8 bytes."""

    def __init__(self, stream: BinaryIO) -> None:
        import codecs

        self._text = codecs.getreader("utf-16")(stream, errors="replace")

    def readline(self, limit: int = -1) -> bytes:
        return self._text.readline(limit if limit > 0 else None).encode()

    def read(self, size: int = -1) -> bytes:
        return self._text.read(size // 2 if size > 0 else -1).encode()


def _utf8(stream: BinaryIO) -> BinaryIO:
    """The stream, or a UTF-8 view of it when it starts with a UTF-16 byte-order mark."""
    import codecs

    peek = getattr(stream, "peek", None)
    start = peek(2)[:2] if peek is not None else b""
    if start in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return _Utf16AsUtf8(stream)  # type: ignore[return-value]
    return stream
