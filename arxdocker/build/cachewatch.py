"""Watch a build's events for cache import and export trouble.

With `ignore-error=true` (what `--cache registry:` asks for) a dead registry does not fail the
build: BuildKit marks the `importing cache manifest from …` or `exporting cache to …` vertex with an
error and carries on. In a bake of several targets those vertices are named after their target
(`[webapp] exporting cache to registry`); the target is kept. buildx also prints `WARNING: …`
lines, e.g. for a local cache not there yet. Pure: feed it events, read `problems`.

A bake adds one more check (`note_shared_misses`): a step that ran although the step it builds
on came from the cache, where that step is shared with another target of the bake. BuildKit
solves a bake's targets concurrently in one graph, and a step two targets share is one vertex;
the child of such a step in one target can miss its cache record though the record was imported
(moby/buildkit#4674, docker/buildx#3878). Seen on Docker 28.5.2: each target baked alone takes
every step from the same cache.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from arxdocker.analysis.stepname import parse_step_name
from arxdocker.progress.models import Event, TextLine, Vertex

_CACHE_PREFIXES = ("importing cache", "exporting cache", "preparing build cache")
_LOCAL_MISSING = re.compile(r"local cache import at (\S+) not found")
_TARGET_PREFIX = re.compile(r"\[([^\]\s]+)\] ")  # `[webapp] exporting cache to registry`
_UPSTREAM = "moby/buildkit#4674, docker/buildx#3878"


@dataclass(frozen=True, slots=True)
class CacheProblem:
    direction: str  # import | export | warning | miss
    what: str
    error: str
    target: str | None = None  # the bake target, when the vertex names one

    @property
    def nothing_yet(self) -> bool:
        """An import from a ref that does not exist yet: normal for the first build."""
        return self.direction == "import" and self.error.endswith("not found")

    def describe(self) -> str:
        if self.direction in ("warning", "miss"):
            return self.error
        whose = f" for {self.target}" if self.target else ""
        if self.nothing_yet:
            return f"no cache to import yet{whose} ({self.what}); the first build fills it"
        return f"cache {self.direction} failed{whose} ({self.what}): {self.error}"


@dataclass(slots=True)
class _Seen:
    """What the events said of one vertex so far (BuildKit repeats a vertex with more fields)."""

    name: str = ""
    inputs: tuple[str, ...] = ()
    cached: bool = False
    started: bool = False
    completed: bool = False
    error: str = ""

    def update(self, vertex: Vertex) -> None:
        self.name = vertex.name or self.name
        self.inputs = vertex.inputs or self.inputs
        self.cached = self.cached or vertex.cached
        self.started = self.started or vertex.started_at is not None
        self.completed = self.completed or vertex.completed_at is not None
        self.error = vertex.error or self.error


@dataclass
class CacheWatch:
    problems: list[CacheProblem] = field(default_factory=list)
    _seen: set[tuple[str | None, str, str]] = field(default_factory=set)
    _vertices: dict[str, _Seen] = field(default_factory=dict)

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
            self._vertices.setdefault(vertex.digest, _Seen()).update(vertex)
            if not vertex.error:
                continue
            target, what = cache_vertex(vertex.name)
            if what is None:
                continue
            direction = "import" if what.startswith("importing") else "export"
            self._note(CacheProblem(direction, what, vertex.error, target))

    def _note(self, problem: CacheProblem) -> None:
        key = (problem.target, problem.what, problem.error)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(problem)

    def for_target(self, target: str) -> CacheWatch:
        """The problems one bake target's record keeps: its own, and those naming no target
        (buildx's cache warnings)."""
        return CacheWatch([p for p in self.problems if p.target in (None, target)])

    @property
    def import_failed(self) -> bool:
        return any(p.direction == "import" and not p.nothing_yet for p in self.problems)

    @property
    def export_failed(self) -> bool:
        return any(p.direction == "export" for p in self.problems)

    def imported(self) -> set[str | None]:
        """The targets (None outside a bake) whose cache import finished without an error."""
        result: set[str | None] = set()
        for seen in self._vertices.values():
            target, what = cache_vertex(seen.name)
            importing = what is not None and what.startswith("importing cache manifest")
            if importing and seen.completed and not seen.error:
                result.add(target)
        return result

    def note_shared_misses(self, targets: list[str]) -> list[CacheProblem]:
        """Name each step of a bake that ran although the step it builds on came from the cache
        and is shared with another target, in a target whose cache import worked (see the module
        docstring); the problems are added to `problems` and returned."""
        imported = self.imported()
        names = set(targets)
        steps = {
            digest: (target, seen)
            for digest, seen in self._vertices.items()
            if (target := step_target(seen.name, names)) is not None
        }
        children: dict[str, set[str]] = {}  # a step: the targets of the steps built on it
        for target, seen in steps.values():
            for parent in seen.inputs:
                children.setdefault(parent, set()).add(target)
        found = []
        for target, seen in steps.values():
            if target not in imported or seen.cached or not seen.completed or seen.error:
                continue
            parents = [steps[digest][1] for digest in seen.inputs if digest in steps]
            if not parents or not all(parent.cached for parent in parents):
                continue
            shared = sorted(
                {
                    other
                    for digest in seen.inputs
                    if digest in steps
                    for other in children.get(digest, ())
                    if other != target
                }
            )
            if not shared:
                continue
            parent = next(p for p in parents if p.cached).name
            found.append(
                CacheProblem(
                    "miss",
                    seen.name,
                    f"{seen.name} ran although the step it builds on, {parent}, came from the "
                    f"cache and is shared with {', '.join(shared)}: when a bake solves targets "
                    "that share a step at once, BuildKit can miss the cache of the step that "
                    f"follows it in one of them ({_UPSTREAM}). Unless the step itself "
                    f"changed, `arxdocker bake {target}` alone takes it from the same cache",
                    target,
                )
            )
        for problem in found:
            self._note(problem)
        return found


def cache_vertex(name: str) -> tuple[str | None, str | None]:
    """(target, what) of a cache import/export vertex, `[target] ` stripped; what is None for
    any other vertex."""
    target = None
    prefixed = _TARGET_PREFIX.match(name)
    if prefixed and name[prefixed.end() :].startswith(_CACHE_PREFIXES):
        target, name = prefixed[1], name[prefixed.end() :]
    return (target, name) if name.startswith(_CACHE_PREFIXES) else (None, None)


def step_target(name: str, targets: set[str]) -> str | None:
    """The bake target an instruction step is reported under (`[webapp-test test 2/2] RUN …`),
    None for other vertices and for steps outside a bake."""
    parsed = parse_step_name(name, bake=True)
    return parsed.target if parsed is not None and parsed.target in targets else None
