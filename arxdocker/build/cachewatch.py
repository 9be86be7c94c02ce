"""Watch a build's events for cache import and export trouble.

With `ignore-error=true` (what `--cache registry:` asks for) a dead registry does not fail the
build: BuildKit marks the `importing cache manifest from …` or `exporting cache to …` vertex with an
error and carries on. buildx also prints `WARNING: …` lines, e.g. for a local cache not there yet.
Pure: feed it events, read `problems`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from arxdocker.progress.models import Event, TextLine

_CACHE_PREFIXES = ("importing cache", "exporting cache", "preparing build cache")
_LOCAL_MISSING = re.compile(r"local cache import at (\S+) not found")


@dataclass(frozen=True, slots=True)
class CacheProblem:
    direction: str  # import | export | warning
    what: str
    error: str

    @property
    def nothing_yet(self) -> bool:
        """An import from a ref that does not exist yet: normal for the first build."""
        return self.direction == "import" and self.error.endswith("not found")

    def describe(self) -> str:
        if self.direction == "warning":
            return self.error
        if self.nothing_yet:
            return f"no cache to import yet ({self.what}); the first build fills it"
        return f"cache {self.direction} failed ({self.what}): {self.error}"


@dataclass
class CacheWatch:
    problems: list[CacheProblem] = field(default_factory=list)
    _seen: set[tuple[str, str]] = field(default_factory=set)

    def add(self, event: Event) -> None:
        if isinstance(event, TextLine):
            text = event.text.strip()
            if not text.startswith("WARNING:") or "cache" not in text.lower():
                return
            text = text.removeprefix("WARNING:").strip()
            missing = _LOCAL_MISSING.match(text)
            if missing:  # buildx's word for an empty `--cache local:` on the first build
                self._note(CacheProblem("import", f"local cache {missing[1]}", "not found"))
            else:
                self._note(CacheProblem("warning", "buildx", text))
            return
        for vertex in event.vertexes:
            if not vertex.error or not vertex.name.startswith(_CACHE_PREFIXES):
                continue
            direction = "import" if vertex.name.startswith("importing") else "export"
            self._note(CacheProblem(direction, vertex.name, vertex.error))

    def _note(self, problem: CacheProblem) -> None:
        key = (problem.what, problem.error)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(problem)

    @property
    def import_failed(self) -> bool:
        return any(p.direction == "import" and not p.nothing_yet for p in self.problems)

    @property
    def export_failed(self) -> bool:
        return any(p.direction == "export" for p in self.problems)
