"""Streaming reader for `--progress=plain`, as BuildKit's progressui text printer writes it.

The printer's grammar (util/progress/progressui/printer.go):

    #0 building with "default" instance using docker driver      builder line
                                                                 blank line before every header
    #5 [app build 2/6] RUN make                                  header (again after a `#5 ...`)
    #5 sha256:0a1b…                                              digest line, BuildKit < 0.9
    #5 transferring context: 2B done                             status line
    #5 0.151 compiling main.c                                    log line: seconds since start
    #5 WARN: …                                                   warning event
    #5 ...                                                       another vertex takes over
    #5 DONE 1.2s | #5 CACHED | #5 ERROR: … | #5 CANCELED         the end of the vertex

Anything else is plain text: the `------ > step:` failure block, the Dockerfile snippet, the final
`ERROR: failed to solve: …` and the warnings summary. ANSI colours and CI timestamp prefixes are
removed. A vertex's id in the events is `#N`; times are relative (started is 0.0, completed is the
DONE time), since the plain printer prints no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from arxdocker.progress.models import (
    Event,
    SolveStatus,
    TextLine,
    Vertex,
    VertexLog,
    VertexStatus,
    VertexWarning,
)

_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
_CI_TIMESTAMP = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ")
_RECORD = re.compile(rb"#(\d+) ?(.*?)\r?\n?\Z", re.DOTALL)
_LOG_TIME = re.compile(rb"(\d+\.\d+)(?: |\Z)")
_DIGEST = re.compile(rb"sha256:[0-9a-f]{64}\Z")
# Consecutive log lines of one vertex become one VertexLog event, at most this many lines.
_LOG_BATCH = 256


@dataclass(slots=True)
class _OpenVertex:
    name: str
    started: bool = False
    last_log_time: float | None = None


def clean_line(line: bytes) -> bytes:
    """Strip ANSI escapes and a CI log's leading timestamp."""
    if b"\x1b" in line:
        line = _ANSI.sub(b"", line)
    if line[:1].isdigit() and line[10:11] == b"T":
        match = _CI_TIMESTAMP.match(line)
        if match:
            line = line[match.end() :]
    return line


def iter_plain(lines: Iterable[bytes]) -> Iterator[Event]:  # noqa: PLR0915 (one hot loop, inlined for speed)
    """Yield events from plain progress lines (bytes, with or without their newline)."""
    open_vertices: dict[int, _OpenVertex] = {}
    log_key: int | None = None
    log_lines: list[bytes] = []
    previous_blank = True

    def flush_logs() -> Iterator[Event]:
        nonlocal log_key
        if log_key is not None and log_lines:
            vertex = open_vertices.get(log_key)
            yield SolveStatus(
                logs=(
                    VertexLog(
                        f"#{log_key}",
                        1,
                        b"\n".join(log_lines) + b"\n",
                        vertex.last_log_time if vertex else None,
                    ),
                )
            )
            log_lines.clear()
        log_key = None

    for raw in lines:
        line = clean_line(raw)
        match = _RECORD.match(line) if line[:1] == b"#" else None
        if match is None:
            yield from flush_logs()
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            previous_blank = not text.strip()
            if not previous_blank:
                yield TextLine(text)
            continue
        number, rest = int(match.group(1)), match.group(2)
        was_blank, previous_blank = previous_blank, False
        vertex = open_vertices.get(number)
        key = f"#{number}"

        if number == 0:
            yield TextLine(line.decode("utf-8", "replace").rstrip("\r\n"))
            continue
        if rest == b"...":
            continue
        if vertex is None or (was_blank and not _is_vertex_line(rest)):
            yield from flush_logs()
            name = rest.decode("utf-8", "replace")
            if vertex is None or vertex.name != name:
                open_vertices[number] = _OpenVertex(name)
                yield SolveStatus(vertexes=(Vertex(key, name),))
            continue

        log_time = _LOG_TIME.match(rest)
        if log_time is not None:
            if log_key != number or len(log_lines) >= _LOG_BATCH:
                yield from flush_logs()
                log_key = number
            if not vertex.started:
                vertex.started = True
                yield SolveStatus(vertexes=(Vertex(key, vertex.name, started=0.0),))
            vertex.last_log_time = float(log_time.group(1))
            log_lines.append(rest[log_time.end() :])
            continue

        yield from flush_logs()
        terminal = _terminal(key, vertex, rest)
        if terminal is not None:
            del open_vertices[number]
            yield SolveStatus(vertexes=(terminal,))
        elif rest.startswith(b"WARN: "):
            short = rest[6:].decode("utf-8", "replace")
            yield SolveStatus(warnings=(VertexWarning(key, short=short),))
        elif _DIGEST.match(rest) is None:
            if not vertex.started:
                vertex.started = True
                yield SolveStatus(vertexes=(Vertex(key, vertex.name, started=0.0),))
            yield SolveStatus(statuses=(VertexStatus(rest.decode("utf-8", "replace"), key),))
    yield from flush_logs()


def _is_vertex_line(rest: bytes) -> bool:
    # After a blank line a record is a header, unless it is one of the printer's own lines.
    return rest in (b"CACHED", b"CANCELED") or rest.startswith((b"DONE", b"ERROR: "))


def _terminal(key: str, vertex: _OpenVertex, rest: bytes) -> Vertex | None:
    if rest == b"CACHED":
        return Vertex(key, vertex.name, started=0.0, completed=0.0, cached=True)
    if rest == b"CANCELED":
        return Vertex(key, vertex.name, started=0.0, completed=0.0, error="context canceled")
    if rest.startswith(b"ERROR: "):
        elapsed = vertex.last_log_time or 0.0
        error = rest[7:].decode("utf-8", "replace")
        return Vertex(key, vertex.name, started=0.0, completed=elapsed, error=error)
    if rest == b"DONE" or (rest.startswith(b"DONE ") and rest.endswith(b"s")):
        try:
            elapsed = float(rest[5:-1]) if len(rest) > 4 else 0.0
        except ValueError:
            return None
        return Vertex(key, vertex.name, started=0.0, completed=elapsed)
    return None
