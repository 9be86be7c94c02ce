"""BuildKit's progress events, mirroring `SolveStatus` from BuildKit's client package.

Both progress formats are read into these models: `--progress=rawjson` carries them directly (one
`SolveStatus` per JSON object), and `--progress=plain` is read back into the same shapes.

The models are msgspec Structs rather than dataclasses: they are immutable and typed like frozen
dataclasses, but msgspec decodes a rawjson object straight into them in C (base64 log data into
bytes, RFC 3339 times into datetimes), about ten times faster than `json.loads` plus Python
constructors, and a huge CI log is mostly these objects.

Times are kept as BuildKit sends them (`started_at`, aware datetimes); `started`/`completed` give
epoch seconds. A plain log carries no clock: its reader counts from the epoch (started is 0.0 and
completed is the DONE time).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import msgspec

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _seconds(moment: datetime | None) -> float | None:
    # Go's zero time (0001-01-01) means "not set".
    if moment is None or moment.year == 1:
        return None
    return moment.timestamp()


def at_seconds(seconds: float) -> datetime:
    """The datetime `seconds` after the epoch, for readers that only have relative times."""
    return EPOCH + timedelta(seconds=seconds)


class ProgressGroup(msgspec.Struct, frozen=True):
    id: str = ""
    name: str = ""
    weak: bool = False


class Vertex(msgspec.Struct, frozen=True):
    """One node of the build graph: an instruction step, an internal step, a cache export...

    BuildKit sends the same digest many times, each update carrying more fields.
    """

    digest: str
    name: str = ""
    inputs: tuple[str, ...] = ()
    started_at: datetime | None = msgspec.field(default=None, name="started")
    completed_at: datetime | None = msgspec.field(default=None, name="completed")
    cached: bool = False
    error: str = ""
    progress_group: ProgressGroup | None = msgspec.field(default=None, name="progressGroup")

    @property
    def started(self) -> float | None:
        return _seconds(self.started_at)

    @property
    def completed(self) -> float | None:
        return _seconds(self.completed_at)


class VertexStatus(msgspec.Struct, frozen=True):
    """Progress of one sub-task of a vertex, e.g. `transferring context: 2B done`."""

    id: str
    vertex: str
    name: str = ""
    current: int = 0
    total: int = 0
    timestamp_at: datetime | None = msgspec.field(default=None, name="timestamp")
    started_at: datetime | None = msgspec.field(default=None, name="started")
    completed_at: datetime | None = msgspec.field(default=None, name="completed")

    @property
    def timestamp(self) -> float | None:
        return _seconds(self.timestamp_at)

    @property
    def completed(self) -> float | None:
        return _seconds(self.completed_at)


class VertexLog(msgspec.Struct, frozen=True):
    """Output of a vertex; `stream` is 1 for stdout and 2 for stderr."""

    vertex: str
    stream: int = 1
    data: bytes = b""
    timestamp_at: datetime | None = msgspec.field(default=None, name="timestamp")

    @property
    def timestamp(self) -> float | None:
        return _seconds(self.timestamp_at)


class VertexWarning(msgspec.Struct, frozen=True):
    """A build warning (BuildKit >= 0.13), e.g. from the Dockerfile frontend's checks."""

    vertex: str
    level: int = 0
    short: bytes = b""
    detail: tuple[bytes, ...] = ()
    url: str = ""

    @property
    def message(self) -> str:
        return self.short.decode("utf-8", "replace")


class SolveStatus(msgspec.Struct, frozen=True):
    """One batch of updates, as BuildKit sends them."""

    vertexes: tuple[Vertex, ...] = ()
    statuses: tuple[VertexStatus, ...] = ()
    logs: tuple[VertexLog, ...] = ()
    warnings: tuple[VertexWarning, ...] = ()


class TextLine(msgspec.Struct, frozen=True):
    """A line of plain text between the events, e.g. buildx's final `ERROR: failed to solve: …`."""

    text: str


class LogCut(TextLine, frozen=True):
    """Said by a reader whose log ends inside a record (a JSON object cut off mid-way): the
    build went on past the end of the log. It is a text line too, so a display shows it."""


class BuildStart(TextLine, frozen=True):
    """Said by the rawjson reader when the log's next build begins (a CI job that builds twice):
    the vertex ids that follow are that build's, even where they repeat an earlier build's. Its
    text is empty: a display shows nothing for it."""

    number: int = 1


Event = SolveStatus | TextLine

# An instruction step's vertex name, `[app linux/amd64 build 2/6] RUN make` (the parts are read
# by analysis/stepname.py); other vertices are BuildKit's own (`[internal] load build context`).
INSTRUCTION_STEP = re.compile(r"\[[^\]]*\d+/\d+\] ")
# The first vertex of every build: the Dockerfile read (`[app internal] load …` in bake).
BUILD_DEFINITION = "[internal] load build definition"


def build_number(vertex: str) -> int:
    """Which build of a log a vertex id belongs to. A log of several builds gives a later build's
    vertices ids like `2:#5` (plain: BuildKit numbers each build from #1) or `2:sha256:…`
    (rawjson: a step two builds share has one digest); any other id is 1."""
    number, colon, _ = vertex.partition(":")
    return int(number) if colon and number.isdigit() else 1


def vertex_digest(vertex: str) -> str | None:
    """The BuildKit digest of a vertex id (`sha256:…`, `2:sha256:…`); None for plain's `#5`."""
    digest = vertex.partition(":")[2] if vertex[:1].isdigit() else vertex
    return digest if digest.startswith("sha256:") else None
