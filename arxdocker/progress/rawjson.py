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


def iter_rawjson(chunks: Iterable[bytes]) -> Iterator[Event]:
    """Yield events from rawjson output, given as bytes chunks of any size (lines too)."""
    pending = b""
    line = 1  # the line number of pending's first byte, for error messages
    for chunk in chunks:
        buf = pending + chunk if pending else chunk
        pos, size = 0, len(buf)
        while pos < size:
            newline = buf.find(b"\n", pos)
            if newline == -1:
                break
            if buf[pos : pos + 1] != b"{":
                text = buf[pos:newline].decode("utf-8", "replace").rstrip("\r")
                if text.strip():
                    yield TextLine(text)
            elif buf[pos + 1 : newline].strip():
                yield _solve_status(_decode(buf[pos:newline], line), line)
            else:
                # Pretty-printed: the object ends at the first `}` at the start of a line, since
                # nested lines are indented and JSON strings hold no raw newlines.
                close = buf.find(b"\n}", newline)
                if close == -1:
                    break
                newline = buf.find(b"\n", close + 2)
                if newline == -1:
                    break
                raw = buf[pos:newline]
                yield _solve_status(_decode(raw, line), line)
                line += raw.count(b"\n")
            line += 1
            pos = newline + 1
        pending = buf[pos:]
        if len(pending) > MAX_OBJECT_BYTES:
            raise ProgressParseError(f"line {line}: JSON object larger than 64 MiB")
    tail = pending.strip()
    if tail[:1] == b"{":
        if b"\n" in tail and not tail.endswith(b"\n}"):
            raise ProgressParseError(f"line {line}: truncated JSON object at the end of the log")
        yield _solve_status(_decode(tail, line), line)
    elif tail:
        yield TextLine(tail.decode("utf-8", "replace"))


_decode_json = json.JSONDecoder().decode


def _decode(raw: bytes, line: int) -> dict[str, Any]:
    text = ""
    try:
        text = raw.decode("utf-8")
        value = _decode_json(text)
    except (ValueError, RecursionError) as error:
        at_end = isinstance(error, json.JSONDecodeError) and error.pos >= len(text.rstrip()) - 1
        reason = "truncated" if at_end else "invalid"
        raise ProgressParseError(f"line {line}: {reason} JSON ({error})") from None
    if not isinstance(value, dict):
        raise ProgressParseError(f"line {line}: expected a JSON object, got {type(value).__name__}")
    return value


def _solve_status(raw: dict[str, Any], line: int) -> SolveStatus:
    try:
        vertexes = raw.get("vertexes")
        statuses = raw.get("statuses")
        logs = raw.get("logs")
        warnings = raw.get("warnings")
        return SolveStatus(
            tuple(map(_vertex, vertexes)) if vertexes else (),
            tuple(map(_status, statuses)) if statuses else (),
            tuple(map(_log, logs)) if logs else (),
            tuple(map(_warning, warnings)) if warnings else (),
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
    get = raw.get
    digest, name, error, group = raw["digest"], get("name", ""), get("error"), get("progressGroup")
    if not (type(digest) is str and type(name) is str and (not error or type(error) is str)):
        raise TypeError("digest, name and error must be strings")
    inputs = get("inputs")
    return Vertex(
        digest,
        name,
        tuple(_text(item, "inputs") for item in inputs) if inputs else (),
        parse_timestamp(get("started")),
        parse_timestamp(get("completed")),
        bool(get("cached", False)),
        error or None,
        _text(group.get("id", ""), "progressGroup.id") if group else None,
    )


def _status(raw: dict[str, Any]) -> VertexStatus:
    get = raw.get
    ident, vertex, name = get("id", ""), get("vertex", ""), get("name", "")
    if not (type(ident) is str and type(vertex) is str and type(name) is str):
        raise TypeError("id, vertex and name must be strings")
    return VertexStatus(
        ident,
        vertex,
        name,
        int(get("current", 0)),
        int(get("total", 0)),
        parse_timestamp(get("timestamp")),
        parse_timestamp(get("started")),
        parse_timestamp(get("completed")),
    )


def _log(raw: dict[str, Any]) -> VertexLog:
    vertex = raw.get("vertex", "")
    if not isinstance(vertex, str):
        raise TypeError("vertex must be a string")
    return VertexLog(
        vertex,
        int(raw.get("stream", 1)),
        binascii.a2b_base64(raw.get("data", "")),
        parse_timestamp(raw.get("timestamp")),
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
