"""BuildKit's plain progress text (`#N name`, `#N CACHED`, `#N DONE 0.2s`), re-made from events.

arxdocker always asks buildx for rawjson; `--progress plain` prints this instead, in the shape
of BuildKit's progressui printer, so logs and `arxdocker analyze` still read as plain output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from arxdocker.progress.groups import ProgressGroups
from arxdocker.progress.models import Event, TextLine


@dataclass(slots=True)
class _Seen:
    number: int
    name: str = ""
    named: bool = False
    started: float | None = None
    done: bool = False
    partial: bytes = b""


class PlainProgress:
    def __init__(self, out: TextIO, redact: Callable[[str], str] = lambda text: text) -> None:
        self.out = out
        self.redact = redact
        self._vertices: dict[str, _Seen] = {}
        self._statuses_done: set[tuple[str, str]] = set()
        # The vertex whose lines were printed last, as the printer keeps them in blocks: another
        # vertex's line first ends the block (`#N ...` if it goes on, then a blank line) and
        # names its vertex again, which is how a reader knows whose lines follow.
        self._current: _Seen | None = None
        # BuildKit's printer shows a progress group (COPY --link and its LINK) as one vertex.
        self._groups = ProgressGroups()

    def _line(self, text: str) -> None:
        self.out.write(self.redact(text) + "\n")

    def _seen(self, digest: str) -> _Seen:
        seen = self._vertices.get(digest)
        if seen is None:
            seen = self._vertices[digest] = _Seen(len(self._vertices) + 1)
        return seen

    def add(self, event: Event) -> None:
        if isinstance(event, TextLine):
            if event.text:  # a BuildStart marker has none
                self._line(event.text)
            return
        event = self._groups.apply(event)
        # As BuildKit's printer orders them: a vertex's name, then its statuses and logs, then
        # the line that ends it. A status of a vertex already ended is not printed: after the
        # blank line that follows `#N DONE`, `#N text` would read as a new vertex.
        ending: list[tuple[_Seen, str]] = []
        for vertex in event.vertexes:
            seen = self._seen(vertex.digest)
            if seen.done:
                continue
            if not seen.named and (vertex.started is not None or vertex.cached):
                seen.named, seen.name = True, vertex.name
                seen.started = vertex.started
                self._switch_to(seen, announce=False)
                self._line(f"#{seen.number} {vertex.name}")
            if vertex.cached and vertex.completed is not None:
                ending.append((seen, "CACHED"))
            elif vertex.error:
                word = "CANCELED" if vertex.error.endswith("context canceled") else "ERROR:"
                ending.append((seen, word if word == "CANCELED" else f"{word} {vertex.error}"))
            elif vertex.completed is not None and vertex.started is not None:
                ending.append((seen, f"DONE {vertex.completed - vertex.started:.1f}s"))
        for status in event.statuses:
            key = (status.vertex, status.id)
            if status.completed is None or key in self._statuses_done:
                continue
            self._statuses_done.add(key)
            seen = self._seen(status.vertex)
            if seen.done:
                continue
            size = f" {status.current}B" if status.current else ""
            self._switch_to(seen)
            self._line(f"#{seen.number} {status.id}{size} done")
        for log in event.logs:
            seen = self._seen(log.vertex)
            offset = (
                log.timestamp - seen.started
                if log.timestamp is not None and seen.started is not None
                else 0.0
            )
            text = (seen.partial + log.data).decode("utf-8", "replace")
            lines = text.split("\n")
            seen.partial = lines.pop().encode()
            if lines:
                self._switch_to(seen)
            for line in lines:
                self._line(f"#{seen.number} {offset:.3f} {line}")
        for seen, end in ending:
            self._switch_to(seen)
            seen.done = True
            self._line(f"#{seen.number} {end}\n")
            self._current = None  # the blank line after it ends the block
        self.out.flush()

    def _switch_to(self, seen: _Seen, *, announce: bool = True) -> None:
        """Make `seen` the vertex whose lines follow: end the current block first, and name
        `seen` again (unless its name is what comes next)."""
        current = self._current
        if current is seen:
            return
        if current is not None and not current.done:
            self._line(f"#{current.number} ...\n")
        self._current = seen
        if announce and seen.named:
            self._line(f"#{seen.number} {seen.name}")

    def close(self) -> None:
        for seen in self._vertices.values():
            if seen.partial:
                self._line(f"#{seen.number} {seen.partial.decode('utf-8', 'replace')}")
                seen.partial = b""
        self.out.flush()
