"""Streaming reader for `--progress=rawjson`.

buildx writes one `SolveStatus` JSON object per update. buildx 0.12-0.14 pretty-prints each object
over many lines (`{` and `}` alone at column 0); 0.15 and later write one compact object per line.
Plain text may sit between objects, e.g. the Dockerfile snippet and `ERROR: failed to solve: …`
that buildx prints after the stream when both are sent to one file. Memory is bounded by the size
of one object, whatever the length of the log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import msgspec

from arxdocker.errors import ProgressParseError
from arxdocker.progress.models import (
    BUILD_DEFINITION,
    INSTRUCTION_STEP,
    BuildStart,
    Event,
    LogCut,
    SolveStatus,
    TextLine,
)

# A pretty-printed object longer than this is not a BuildKit update; stop before memory grows.
MAX_OBJECT_BYTES = 64 * 1024 * 1024


def iter_rawjson(chunks: Iterable[bytes]) -> Iterator[Event]:
    """Yield events from rawjson output, given as bytes chunks of any size (lines too).

    In a log of several builds (a CI job that builds twice), a `BuildStart` comes before each
    later build's first update: a step both builds share has one digest, and must not be read as
    one step (the report builder keys a later build's vertices `2:sha256:…`, as the plain reader
    names them `2:#5`)."""
    builds = _BuildSplitter()
    for event in _events(chunks):
        if isinstance(event, SolveStatus) and builds.starts_a_build(event):
            yield BuildStart("", number=builds.build)
        yield event


# The first vertex of every build (bake's own, then one per target, `[app internal] load …`).
_BUILD_STARTS = (BUILD_DEFINITION, "[internal] load local bake definitions")


class _BuildSplitter:
    """Tells when the log's next build begins.

    A build starts with its definition vertex (bake's, or the Dockerfile's). BuildKit shows it
    again within a build (restarted, or resent), and a `# syntax=` frontend loads a second one,
    all before any instruction step; so a definition vertex counts as a new build only after an
    instruction step, and only when it is new or shown with another start time (bake's has one
    digest in every run while its files are alike)."""

    def __init__(self) -> None:
        self.build = 1
        self.starts: dict[str, datetime | None] = {}  # the current build's definition vertices
        self.step_seen = False  # an instruction step since the last definition vertex

    def starts_a_build(self, status: SolveStatus) -> bool:
        """Whether `status` is the first update of a new build."""
        started = False
        for vertex in status.vertexes:
            name = vertex.name
            if name.startswith(_BUILD_STARTS):
                known = vertex.digest in self.starts
                if self.step_seen and (
                    not known or self.starts[vertex.digest] != vertex.started_at
                ):
                    self.build += 1
                    self.starts = {}
                    self.step_seen = False
                    started = True
                self.starts[vertex.digest] = vertex.started_at
            elif not self.step_seen and INSTRUCTION_STEP.match(name):
                self.step_seen = True
        return started


def _events(chunks: Iterable[bytes]) -> Iterator[Event]:
    pending = b""
    line = 1  # the line number of pending's first byte, for error messages
    cut: ProgressParseError | None = None  # a one-line object cut off, not yet known to be last
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
                if cut is not None:
                    raise cut  # a cut-off object with more updates after it: a damaged log
                try:
                    yield _solve_status(buf[pos:newline], line)
                except _Truncated as truncated:
                    cut = truncated.error  # the log's end, unless more objects follow
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
                yield _solve_status(raw, line)
                line += raw.count(b"\n")
            line += 1
            pos = newline + 1
        pending = buf[pos:]
        if len(pending) > MAX_OBJECT_BYTES:
            raise ProgressParseError(f"line {line}: JSON object larger than 64 MiB")
    tail = pending.strip()
    if tail[:1] == b"{":
        if cut is not None:
            raise cut
        if b"\n" in tail and not tail.endswith(b"\n}"):
            yield LogCut(_CUT)  # a pretty-printed object that never closes
            return
        try:
            yield _solve_status(tail, line)
        except _Truncated:
            yield LogCut(_CUT)
    elif tail:
        yield TextLine(tail.decode("utf-8", "replace"))
    if cut is not None:
        yield LogCut(_CUT)


_CUT = "the log ends inside a JSON object"


class _Truncated(Exception):
    """A JSON object that ends too early: the end of a cut-off log, or damage if more follows."""

    def __init__(self, error: ProgressParseError) -> None:
        self.error = error


_decode_status = msgspec.json.Decoder(SolveStatus).decode


def _solve_status(raw: bytes, line: int) -> SolveStatus:
    try:
        return _decode_status(raw)
    except msgspec.DecodeError as error:
        if "truncated" in str(error):
            failure = ProgressParseError(f"line {line}: truncated JSON ({error})")
            raise _Truncated(failure) from None
        raise ProgressParseError(f"line {line}: invalid JSON ({error})") from None
    except msgspec.ValidationError:
        return _tolerant(raw, line)


def _tolerant(raw: bytes, line: int) -> SolveStatus:
    """The slow path: a JSON null where BuildKit usually leaves the field out is fine."""
    try:
        value = json.loads(raw)
        return msgspec.convert(_without_nulls(value), SolveStatus)
    except (ValueError, RecursionError, msgspec.ValidationError) as error:
        raise ProgressParseError(
            f"line {line}: not a BuildKit SolveStatus object ({error})"
        ) from None


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value if item is not None]
    return value
