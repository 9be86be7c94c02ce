"""BuildKit's progress events, mirroring `SolveStatus` from BuildKit's client package.

Both progress formats are read into these models: `--progress=rawjson` carries them directly (one
`SolveStatus` per JSON object), and `--progress=plain` is read back into the same shapes. Times are
epoch seconds as floats; a plain log has only relative times (see `PlainClock`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Vertex:
    """One node of the build graph: an instruction step, an internal step, a cache export...

    BuildKit sends the same digest many times, each update carrying more fields.
    """

    digest: str
    name: str = ""
    inputs: tuple[str, ...] = ()
    started: float | None = None
    completed: float | None = None
    cached: bool = False
    error: str | None = None
    progress_group: str | None = None


@dataclass(frozen=True, slots=True)
class VertexStatus:
    """Progress of one sub-task of a vertex, e.g. `transferring context: 2B done`."""

    id: str
    vertex: str
    name: str = ""
    current: int = 0
    total: int = 0
    timestamp: float | None = None
    started: float | None = None
    completed: float | None = None


@dataclass(frozen=True, slots=True)
class VertexLog:
    """Output of a vertex; `stream` is 1 for stdout and 2 for stderr."""

    vertex: str
    stream: int
    data: bytes
    timestamp: float | None = None


@dataclass(frozen=True, slots=True)
class VertexWarning:
    """A build warning (BuildKit >= 0.13), e.g. from the Dockerfile frontend's checks."""

    vertex: str
    level: int = 0
    short: str = ""
    detail: tuple[str, ...] = ()
    url: str = ""


@dataclass(frozen=True, slots=True)
class SolveStatus:
    """One batch of updates, as BuildKit sends them."""

    vertexes: tuple[Vertex, ...] = ()
    statuses: tuple[VertexStatus, ...] = ()
    logs: tuple[VertexLog, ...] = ()
    warnings: tuple[VertexWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class TextLine:
    """A line of plain text between the events, e.g. buildx's final `ERROR: failed to solve: …`."""

    text: str


Event = SolveStatus | TextLine
