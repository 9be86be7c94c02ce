"""A build's steps on a time axis, grouped by stage, with the critical path marked.

Pure. Each step depends on the step before it in its stage, the first step of a stage on the last
step of the stage it is built FROM (when known), and a `COPY --from=STAGE` on that stage's last
step. Where the record has every step's start (`started_s`), the bars sit at those times;
otherwise the schedule is estimated from the durations and those dependencies, as BuildKit would
run them with unlimited parallelism, and `estimated` says so. The critical path runs back from the
step that finished last, each time to the dependency with the most work behind it (the longest
chain of durations): not to the one that finished latest, because BuildKit reports a cached step
when it gets to it, often after a long RUN in another stage has finished.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from arxdocker.analysis.report import Step
from arxdocker.history.view import RecordView

_COPY_FROM = re.compile(r"--from=(\S+)")


@dataclass(frozen=True, slots=True)
class Bar:
    step: Step
    group: str  # target, platform and stage: the bars of one group are drawn together
    start: float
    end: float
    critical: bool = False


@dataclass(frozen=True, slots=True)
class Timeline:
    bars: tuple[Bar, ...]  # group by group (Dockerfile order, else as they ran); by index within
    total_s: float
    estimated: bool

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(bar.group for bar in self.bars))

    @property
    def critical_s(self) -> float:
        return sum(bar.end - bar.start for bar in self.bars if bar.critical)


def group_of(step: Step) -> str:
    return " ".join(part for part in (step.target, step.platform, step.stage) if part) or "build"


def timeline(view: RecordView, stage_parents: Mapping[str, str | None] | None = None) -> Timeline:
    """`stage_parents` maps a stage name to the stage it is built FROM (None: an image)."""
    steps = list(view.steps)
    deps = _dependencies(steps, stage_parents or {})
    starts = view.step_starts
    real = bool(steps) and len(starts) == len(steps) and all(s is not None for s in starts)
    estimate = _estimated(steps, deps)
    times = _real(steps, starts) if real else estimate
    critical = _critical_path(times, deps, work_behind=[end for _, end in estimate])
    # Groups in Dockerfile order when it is known, else in the order they first ran.
    known = list(stage_parents or {})
    seen = list(dict.fromkeys(group_of(step) for step in steps))
    stage_rank = {group_of(step): known.index(step.stage) for step in steps if step.stage in known}
    order = {group: (stage_rank.get(group, len(known)), n) for n, group in enumerate(seen)}
    ranked = sorted(range(len(steps)), key=lambda i: (order[group_of(steps[i])], steps[i].index))
    bars = tuple(
        Bar(steps[i], group_of(steps[i]), times[i][0], times[i][1], i in critical) for i in ranked
    )
    return Timeline(bars, max((end for _, end in times), default=0.0), estimated=not real)


def _dependencies(steps: list[Step], parents: Mapping[str, str | None]) -> list[list[int]]:
    by_group: dict[str, list[int]] = {}
    for position, step in enumerate(steps):
        by_group.setdefault(group_of(step), []).append(position)
    for members in by_group.values():
        members.sort(key=lambda position: steps[position].index)
    prefix = {group: group.removesuffix(steps[members[0]].stage or "")
              for group, members in by_group.items()}  # fmt: skip

    def last_of(group: str, stage: str) -> int | None:
        members = by_group.get(prefix[group] + stage)
        return members[-1] if members else None

    deps: list[list[int]] = [[] for _ in steps]
    for group, members in by_group.items():
        for before, after in pairwise(members):
            deps[after].append(before)
        first = steps[members[0]]
        parent = parents.get(first.stage or "")
        if first.cacheable and parent:
            found = last_of(group, parent)
            if found is not None:
                deps[members[0]].append(found)
        for position in members:
            for name in _COPY_FROM.findall(steps[position].instruction):
                found = last_of(group, name.lower())
                if found is not None and found != position:
                    deps[position].append(found)
    return deps


def _real(steps: list[Step], starts: tuple[float | None, ...]) -> list[tuple[float, float]]:
    origin = min(start for start in starts if start is not None)
    return [
        ((start or 0.0) - origin, (start or 0.0) - origin + (step.duration_s or 0.0))
        for step, start in zip(steps, starts, strict=True)
    ]


def _estimated(steps: list[Step], deps: list[list[int]]) -> list[tuple[float, float]]:
    times: dict[int, tuple[float, float]] = {}

    def place(position: int, seen: frozenset[int]) -> tuple[float, float]:
        if position in times:
            return times[position]
        start = max(
            (place(dep, seen | {position})[1] for dep in deps[position] if dep not in seen),
            default=0.0,
        )
        times[position] = (start, start + (steps[position].duration_s or 0.0))
        return times[position]

    return [place(position, frozenset()) for position in range(len(steps))]


def _critical_path(
    times: list[tuple[float, float]], deps: list[list[int]], *, work_behind: list[float]
) -> set[int]:
    """`work_behind`: each step's duration plus the longest chain of durations it waited for,
    which is its end in the estimated schedule."""
    if not times:
        return set()
    current = max(range(len(times)), key=lambda position: (times[position][1], -position))
    path = {current}
    while deps[current]:
        current = max(
            deps[current],
            key=lambda position: (work_behind[position], times[position][1]),
        )
        if current in path:
            break
        path.add(current)
    return path
