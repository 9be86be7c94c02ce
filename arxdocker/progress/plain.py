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

A vertex whose only lines are layer downloads and extractions (`#9 sha256:… 4.2MB / 4.2MB done`,
`#9 extracting sha256:…`) before `DONE` was loaded from an imported cache, not run: it is read
as cached, as rawjson reports it.

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
    BUILD_DEFINITION,
    EPOCH,
    Event,
    SolveStatus,
    TextLine,
    Vertex,
    VertexLog,
    VertexStatus,
    VertexWarning,
    at_seconds,
)

_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
# GitHub's downloaded logs: `2024-01-01T00:00:00.1234567Z `; GitLab runner 17+ (FF_TIMESTAMPS)
# adds the stream, stdout or stderr, and `+` on a continued line: `…Z 00O `, `…Z 01E+ `.
_CI_TIMESTAMP = re.compile(
    rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z(?: [0-9a-f]{2}[OE]\+?)? "
)
_DIGEST = re.compile(rb"sha256:[0-9a-f]{64}\Z")
# A run of log lines of one vertex (the backreference keeps the run to one `#N`), taken in one
# C call; then the `#N 1.234 ` prefixes are cut from the whole run in another.
_LOG_RUN = re.compile(rb"#(\d+) \d+\.\d+(?: [^\n]*)?\n(?:#\1 \d+\.\d+(?: [^\n]*)?\n)*")
_LOG_PREFIX = re.compile(rb"^#\d+ \d+\.\d+ ?", re.MULTILINE)
# A cache-imported step whose result a later step needs is loaded, not run: BuildKit reports
# it cached, then restarts it to download and extract its layers, and the plain printer ends it
# with `DONE` after only lines like these (and no log line).
_PULL = re.compile(rb"(?:extracting )?sha256:[0-9a-f]{64}(?: |\Z)")
# Updates per SolveStatus, and log bytes: a run of log lines is taken whole (up to a read's
# size), so a batch of them is cut by size too, or memory would grow with the log's output.
_BATCH = 256
_BATCH_LOG_BYTES = 4 * 1024 * 1024
# A "line" longer than this without a newline is cut, so memory stays bounded.
_MAX_LINE = 16 * 1024 * 1024


@dataclass(slots=True)
class _OpenVertex:
    name: str
    started: bool = False
    last_log_time: bytes = b""  # seconds since the vertex started, as printed
    # Whether every line so far pulled layers of an imported cache (see _PULL): such a vertex
    # ends `DONE`, but its result came from the cache (rawjson says `cached: true`).
    pulls: int = 0
    only_pulls: bool = True


def clean_line(line: bytes) -> bytes:
    """Strip ANSI escapes and a CI log's leading timestamp."""
    if b"\x1b" in line:
        line = _ANSI.sub(b"", line)
    if line[:1].isdigit() and line[10:11] == b"T":
        match = _CI_TIMESTAMP.match(line)
        if match:
            line = line[match.end() :]
    return line


def iter_plain(chunks: Iterable[bytes]) -> Iterator[Event]:
    """Yield events from plain progress output, given as bytes chunks of any size (lines too).

    Like BuildKit itself, the reader sends updates in batches: one SolveStatus carries up to
    `_BATCH` updates, and a batch is closed before any plain text line so the order holds. A run
    of log lines of one vertex becomes one VertexLog, found in one regex call.
    """
    reader = _PlainReader()
    carry = b""
    for chunk in chunks:
        buf = carry + chunk if carry else chunk
        cut = buf.rfind(b"\n") + 1
        if cut == 0 and len(buf) < _MAX_LINE:
            carry = buf
            continue
        if cut == 0:
            buf, cut = buf + b"\n", len(buf) + 1
        carry = buf[cut:]
        yield from reader.feed(buf, cut)
    if carry:
        yield from reader.feed(carry + b"\n", len(carry) + 1)
    if reader.pending():
        yield reader.batch()


class _PlainReader:
    def __init__(self) -> None:
        self.open_vertices: dict[bytes, _OpenVertex] = {}
        self.vertexes: list[Vertex] = []
        self.statuses: list[VertexStatus] = []
        self.logs: list[VertexLog] = []
        self.warnings: list[VertexWarning] = []
        self.log_bytes = 0  # in self.logs
        self.previous_blank = True
        # BuildKit numbers each build's vertices from #1: a log of several builds (a CI job that
        # builds twice) gives each later build its own keys, `2:#5`, so none continues another.
        self.prefix = "#"
        self.builds = 1
        self.seen: set[bytes] = set()  # vertex numbers of the current build

    def _next_build(self) -> None:
        self.builds += 1
        self.prefix = f"{self.builds}:#"
        self.open_vertices.clear()
        self.seen.clear()

    def pending(self) -> bool:
        return bool(self.vertexes or self.statuses or self.logs or self.warnings)

    def batch(self) -> SolveStatus:
        status = SolveStatus(
            tuple(self.vertexes), tuple(self.statuses), tuple(self.logs), tuple(self.warnings)
        )
        self.vertexes.clear()
        self.statuses.clear()
        self.logs.clear()
        self.warnings.clear()
        self.log_bytes = 0
        return status

    def feed(self, buf: bytes, end: int) -> Iterator[Event]:  # noqa: PLR0915 (one hot loop, inlined for speed)
        """Events of the complete lines in buf[:end]."""
        open_vertices, vertexes, statuses = self.open_vertices, self.vertexes, self.statuses
        pos = 0
        while pos < end:
            newline = buf.index(b"\n", pos)
            if newline == pos:  # the blank line the printer puts before every header
                self.previous_blank = True
                pos += 1
                continue
            raw = buf[pos:newline]
            clean = raw[:1] == b"#" and b"\x1b" not in raw
            line = raw if clean else clean_line(raw)
            space = line.find(b" ") if line[:1] == b"#" else -1
            number = line[1:space]
            if space < 2 or not number.isdigit():
                text = line.decode("utf-8", "replace").rstrip("\r")
                self.previous_blank = not text.strip()
                if not self.previous_blank:
                    if self.pending():
                        yield self.batch()
                    yield TextLine(text)
                pos = newline + 1
                continue
            rest = line[space + 1 :].rstrip(b"\r")
            was_blank, self.previous_blank = self.previous_blank, False
            vertex = open_vertices.get(number)

            # Log lines (`#5 12.345 text`) are most of a real log: the fast path first.
            if vertex is not None and rest[:1].isdigit() and not was_blank:
                gap = rest.find(b" ")
                seconds = rest[:gap] if gap > 0 else rest
                whole, dot, fraction = seconds.partition(b".")
                if dot and whole.isdigit() and fraction.isdigit():
                    key = f"{self.prefix}{int(number)}"
                    if not vertex.started:
                        vertex.started = True
                        vertexes.append(Vertex(key, vertex.name, started_at=EPOCH))
                    run_end = newline + 1
                    if clean:
                        run = _LOG_RUN.match(buf, pos, end)
                        if run is not None:
                            run_end = run.end()
                        data = _LOG_PREFIX.sub(b"", buf[pos:run_end])
                        last = buf.rfind(b"\n", pos, run_end - 1) + 1
                        if last > pos:
                            seconds = buf[last + len(number) + 2 : run_end].split(b" ", 1)[0]
                    else:
                        data = (rest[gap + 1 :] if gap > 0 else b"") + b"\n"
                    vertex.last_log_time = seconds.strip()
                    vertex.only_pulls = False
                    when = at_seconds(float(vertex.last_log_time))
                    self.logs.append(VertexLog(key, 1, data, when))
                    self.log_bytes += len(data)
                    pos = run_end
                    if len(self.logs) >= _BATCH or self.log_bytes >= _BATCH_LOG_BYTES:
                        yield self.batch()
                    continue

            pos = newline + 1
            if number == b"0":
                if self.pending():
                    yield self.batch()
                if self.seen and rest.startswith(b"building with"):
                    self._next_build()
                yield TextLine(line.decode("utf-8", "replace").rstrip("\r"))
                continue
            if rest == b"...":
                continue
            if vertex is None and number in self.seen and rest.startswith(_FIRST_VERTEX):
                self._next_build()  # a build without the `#0 building with` line starts again
            key = f"{self.prefix}{int(number)}"
            if vertex is None or (was_blank and not _is_vertex_line(rest)):
                self.seen.add(number)
                name = rest.decode("utf-8", "replace")
                if vertex is None or vertex.name != name:
                    open_vertices[number] = _OpenVertex(name)
                    vertexes.append(Vertex(key, name))
            else:
                terminal = _terminal(key, vertex, rest)
                if terminal is not None:
                    del open_vertices[number]
                    vertexes.append(terminal)
                elif rest.startswith(b"WARN: "):
                    self.warnings.append(VertexWarning(key, short=rest[6:]))
                elif _DIGEST.match(rest) is None:
                    if not vertex.started:
                        vertex.started = True
                        vertexes.append(Vertex(key, vertex.name, started_at=EPOCH))
                    if _PULL.match(rest) is None:
                        vertex.only_pulls = False
                    else:
                        vertex.pulls += 1
                    statuses.append(VertexStatus(rest.decode("utf-8", "replace"), key))
            if len(vertexes) + len(statuses) >= _BATCH:
                yield self.batch()


_FIRST_VERTEX = BUILD_DEFINITION.encode()


def _is_vertex_line(rest: bytes) -> bool:
    # After a blank line a record is a header, unless it is one of the printer's own lines.
    return rest in (b"CACHED", b"CANCELED") or rest.startswith((b"DONE", b"ERROR: "))


def _terminal(key: str, vertex: _OpenVertex, rest: bytes) -> Vertex | None:
    name = vertex.name
    if rest == b"CACHED":
        return Vertex(key, name, started_at=EPOCH, completed_at=EPOCH, cached=True)
    if rest == b"CANCELED":
        return Vertex(key, name, started_at=EPOCH, completed_at=EPOCH, error="context canceled")
    if rest.startswith(b"ERROR: "):
        ended = at_seconds(float(vertex.last_log_time or 0))
        error = rest[7:].decode("utf-8", "replace")
        return Vertex(key, name, started_at=EPOCH, completed_at=ended, error=error)
    if rest == b"DONE" or (rest.startswith(b"DONE ") and rest.endswith(b"s")):
        try:
            elapsed = float(rest[5:-1]) if len(rest) > 4 else 0.0
        except (ValueError, OverflowError):
            return None
        cached = vertex.pulls > 0 and vertex.only_pulls
        return Vertex(key, name, started_at=EPOCH, completed_at=at_seconds(elapsed), cached=cached)
    return None
