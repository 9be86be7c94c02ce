"""Streaming reader for `--progress=rawjson`.

buildx writes one `SolveStatus` JSON object per update. buildx 0.12-0.14 pretty-prints each object
over many lines (`{` and `}` alone at column 0); 0.15 and later write one compact object per line.
Plain text may sit between objects, e.g. the Dockerfile snippet and `ERROR: failed to solve: …`
that buildx prints after the stream when both are sent to one file. Memory is bounded by the size
of one object, whatever the length of the log.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Iterable, Iterator
from typing import Any

from arxdocker.errors import ProgressParseError
from arxdocker.progress.models import (
    Event,
    SolveStatus,
    TextLine,
    Vertex,
    VertexLog,
    VertexStatus,
    VertexWarning,
)
from arxdocker.progress.timestamps import parse_timestamp

# A pretty-printed object longer than this is not a BuildKit update; stop before memory grows.
MAX_OBJECT_BYTES = 64 * 1024 * 1024


def iter_rawjson(lines: Iterable[bytes]) -> Iterator[Event]:
    """Yield events from rawjson lines (bytes, with or without their newline)."""
    pending: list[bytes] | None = None
    pending_size = 0
    start = 0
    for number, line in enumerate(lines, 1):
        if pending is not None:
            pending.append(line)
            pending_size += len(line)
            if line[:1] == b"}":
                yield _solve_status(_decode(b"".join(pending), start), start)
                pending = None
            elif pending_size > MAX_OBJECT_BYTES:
                raise ProgressParseError(f"line {start}: JSON object larger than 64 MiB")
            continue
        if line[:1] == b"{":
            if line.rstrip() == b"{":
                pending, pending_size, start = [line], len(line), number
            else:
                yield _solve_status(_decode(line, number), number)
            continue
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if text.strip():
            yield TextLine(text)
    if pending is not None:
        raise ProgressParseError(f"line {start}: truncated JSON object at the end of the log")


def _decode(raw: bytes, line: int) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as error:
        reason = "truncated" if raw.rstrip().endswith((b",", b"{", b"[")) else "invalid"
        raise ProgressParseError(f"line {line}: {reason} JSON ({error})") from None
    if not isinstance(value, dict):
        raise ProgressParseError(f"line {line}: expected a JSON object, got {type(value).__name__}")
    return value


def _solve_status(raw: dict[str, Any], line: int) -> SolveStatus:
    try:
        return SolveStatus(
            vertexes=tuple(_vertex(item) for item in raw.get("vertexes") or ()),
            statuses=tuple(_status(item) for item in raw.get("statuses") or ()),
            logs=tuple(_log(item) for item in raw.get("logs") or ()),
            warnings=tuple(_warning(item) for item in raw.get("warnings") or ()),
        )
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as error:
        raise ProgressParseError(
            f"line {line}: not a BuildKit SolveStatus object ({type(error).__name__}: {error})"
        ) from None


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a string")
    return value


def _vertex(raw: dict[str, Any]) -> Vertex:
    group = raw.get("progressGroup")
    return Vertex(
        digest=_text(raw["digest"], "digest"),
        name=_text(raw.get("name", ""), "name"),
        inputs=tuple(_text(item, "inputs") for item in raw.get("inputs") or ()),
        started=parse_timestamp(raw.get("started")),
        completed=parse_timestamp(raw.get("completed")),
        cached=bool(raw.get("cached", False)),
        error=_text(raw["error"], "error") if raw.get("error") else None,
        progress_group=_text(group.get("id", ""), "progressGroup.id") if group else None,
    )


def _status(raw: dict[str, Any]) -> VertexStatus:
    return VertexStatus(
        id=_text(raw.get("id", ""), "id"),
        vertex=_text(raw.get("vertex", ""), "vertex"),
        name=_text(raw.get("name", ""), "name"),
        current=int(raw.get("current", 0)),
        total=int(raw.get("total", 0)),
        timestamp=parse_timestamp(raw.get("timestamp")),
        started=parse_timestamp(raw.get("started")),
        completed=parse_timestamp(raw.get("completed")),
    )


def _log(raw: dict[str, Any]) -> VertexLog:
    return VertexLog(
        vertex=_text(raw.get("vertex", ""), "vertex"),
        stream=int(raw.get("stream", 1)),
        data=binascii.a2b_base64(_text(raw.get("data", ""), "data")),
        timestamp=parse_timestamp(raw.get("timestamp")),
    )


def _warning(raw: dict[str, Any]) -> VertexWarning:
    def text(encoded: Any) -> str:
        return binascii.a2b_base64(_text(encoded, "warning")).decode("utf-8", "replace")

    return VertexWarning(
        vertex=_text(raw.get("vertex", ""), "vertex"),
        level=int(raw.get("level", 0)),
        short=text(raw.get("short", "")),
        detail=tuple(text(item) for item in raw.get("detail") or ()),
        url=_text(raw.get("url", ""), "url"),
    )
