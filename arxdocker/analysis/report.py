"""From BuildKit events to a build report (analysis/model.py): each step cached or rebuilt.

Pure functions over the event model. `ReportBuilder` folds events one at a time, so a report of
a live build or of a huge saved log needs memory only for the vertices still in flight: a vertex
that has finished is settled once a few thousand later vertices have finished too, and is handed
to the caller as a `Step`. A small build settles everything in `finish()`, in the order BuildKit
first showed the steps.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from arxdocker.analysis.model import (
    REPORT_SCHEMA,
    Failure,
    Report,
    Step,
    StepStatus,
    Summary,
    report_header,
)
from arxdocker.analysis.stepname import parse_step_name
from arxdocker.progress.groups import ProgressGroups
from arxdocker.progress.models import (
    INSTRUCTION_STEP,
    BuildStart,
    Event,
    LogCut,
    TextLine,
    Vertex,
    build_number,
    vertex_digest,
)

LOG_TAIL_LINES = 10
_LOG_TAIL_BYTES = 16 * 1024
SLOWEST_COUNT = 5
_BAKE_MARKER = "[internal] load local bake definitions"
# Every exporter's vertex: `exporting to image`, `exporting to docker image format`, `exporting
# cache to registry`... (`[app] exporting to image` in bake). A finished build that writes anything
# ends with one.
_EXPORTER = "exporting "


def _is_exporter(name: str) -> bool:
    if name.startswith("["):
        name = name[name.find("] ") + 2 :]
    return name.startswith(_EXPORTER)


_CANCELED = "context canceled"
_CI_JOB_FAILED = "ERROR: Job failed"


@dataclass(slots=True)
class _VertexState:
    """What the report needs of a vertex: its last update, with the first name it was shown by."""

    order: int
    digest: str
    name: str
    started: float | None = None
    completed: float | None = None
    cached: bool = False
    error: str = ""
    logs: deque[bytes] | None = None


@dataclass
class _Totals:
    total: int = 0
    cached: int = 0
    built: int = 0
    failed: int = 0
    canceled: int = 0
    unfinished: int = 0  # instruction steps still running (or only announced) at the end
    unfinished_internal: int = 0  # other vertices: `[internal] load build context`, exporters
    unstarted: int = 0  # instruction steps announced (rawjson) that never started
    failed_step: str | None = None
    failure: Failure | None = None
    slowest: list[tuple[float, int, Step]] = field(default_factory=list)


class ReportBuilder:
    """Fold events into steps and a summary, holding only the vertices still in flight."""

    def __init__(
        self, source_format: str, *, settle_after: int = 4096, saved_log: bool = False
    ) -> None:
        """`saved_log`: the events are a whole saved log, so a step still running at its end
        means the log was cut off, and the report says so as its error (`analyze`). A live
        build's events end early only when buildx does, whose exit code tells why."""
        self.source_format = source_format
        self._saved_log = saved_log
        self._absolute_time = source_format == "rawjson"
        self._settle_after = settle_after
        self._vertices: dict[str, _VertexState] = {}
        self._settling: OrderedDict[str, None] = OrderedDict()
        self._settled: OrderedDict[str, None] = OrderedDict()
        self._order = 0
        self._bake = False
        self._first_start: float | None = None  # of the build the log is at
        self._last_end: float | None = None
        # A log of several builds: the wall time is the sum of theirs, not the span from the
        # first's start to the last's end, which holds the time between them.
        self._earlier_builds_s = 0.0
        self._error: str | None = None
        self._log_cut = False  # the reader found the log's last record cut off
        self._prefix = ""  # a later build's, in a rawjson log of several (`2:`)
        self._warnings = 0
        self._builds = 1
        self._exported: set[int] = set()  # builds of the log that reached an exporter
        self._export_done: set[int] = set()  # ... whose exporter finished without an error
        # The instruction step that ran (not cached) and finished last, in log order, its step
        # once settled, and the highest step number seen of each recent stage (see
        # _cut_after_a_step).
        self._last_run = ""
        self._last_run_step: Step | None = None
        self._stage_reach: OrderedDict[tuple[object, ...], int] = OrderedDict()
        self._totals = _Totals()
        self._groups = ProgressGroups()

    def add(self, event: Event) -> list[Step]:
        """Take one event; return the steps that settled because of it (usually none)."""
        if isinstance(event, TextLine):
            if isinstance(event, LogCut):
                self._log_cut = True
                return []
            if isinstance(event, BuildStart):  # rawjson: later builds' ids as plain's `2:#5`
                self._prefix = f"{event.number}:"
                return []
            text = event.text
            # buildx's own error (`ERROR: failed to solve: …`), not the CI job's closing line
            # (GitLab's `ERROR: Job failed: exit code 1`), which may follow a successful build.
            buildx_error = text.startswith("ERROR: ") and not text.startswith(_CI_JOB_FAILED)
            if buildx_error and self._error is None:
                self._error = text[len("ERROR: ") :].strip()
            return []
        # A progress group (e.g. `COPY --link` and its `LINK` merge) is one step.
        if event.vertexes or self._groups:
            event = self._groups.apply(event)
            for vertex in event.vertexes:
                self._update(vertex)
        vertices, prefix = self._vertices, self._prefix
        for log in event.logs:
            state = vertices.get(prefix + log.vertex if prefix else log.vertex)
            if state is not None:
                if state.logs is None:
                    state.logs = deque(maxlen=LOG_TAIL_LINES)
                # Only the tail of a log can be shown: keep little of a big chunk.
                state.logs.append(log.data[-_LOG_TAIL_BYTES:])
        if event.warnings:
            self._warnings += len(event.warnings)
        if len(self._settling) <= self._settle_after:
            return []
        settled = []
        while len(self._settling) > self._settle_after // 2:
            key, _ = self._settling.popitem(last=False)
            step = self._settle(key)
            if step is not None:
                settled.append(step)
        return settled

    @property
    def seen_vertices(self) -> bool:
        """Whether any vertex came: a build that never started has none."""
        return self._order > 0

    def cancel_running(self, at: float) -> None:
        """The build was interrupted at `at` (epoch seconds): the steps still running end then,
        canceled, and the wall time runs to the interrupt (buildx sends nothing more)."""
        if not self._absolute_time:
            return
        for state in self._vertices.values():
            if state.started is not None and state.completed is None and not state.cached:
                state.completed = max(at, state.started)
                state.error = state.error or _CANCELED
                self._settling[state.digest] = None
                if self._last_end is None or state.completed > self._last_end:
                    self._last_end = state.completed

    def finish(self, settled_steps: Iterable[Step] = ()) -> Report:
        """Settle what is left; `settled_steps` are the ones `add` returned, if kept."""
        remaining = sorted(self._vertices.values(), key=_display_order)
        tail = [self._settle(state.digest) for state in remaining]
        steps = (*settled_steps, *(step for step in tail if step is not None))
        totals = self._totals
        duration = None
        if self._first_start is not None and self._last_end is not None:
            duration = self._earlier_builds_s + max(0.0, self._last_end - self._first_start)
        error = self._error
        if error is not None and totals.failure is None and self._builds in self._export_done:
            # The build exported with no step failed: an `ERROR:` line is the CI job's own
            # (`ERROR: No files to upload`, a test runner's), not buildx's.
            error = None
        if error is None and totals.failure is not None:
            error = totals.failure.error
        unfinished = totals.unfinished or totals.unfinished_internal or totals.unstarted
        if error is None and self._saved_log and (unfinished or self._log_cut):
            error = unfinished_error(
                totals.unfinished,
                cut=self._log_cut,
                internal=totals.unfinished_internal,
                unstarted=totals.unstarted,
            )
        if error is None and self._saved_log:
            error = self._cut_after_a_step()
        return Report(
            source_format=self.source_format,
            steps=steps,
            summary=Summary(
                steps_total=totals.total,
                steps_cached=totals.cached,
                steps_built=totals.built,
                steps_failed=totals.failed,
                steps_canceled=totals.canceled,
                failed_step=totals.failed_step,
            ),
            duration_s=duration,
            error=error,
            failure=totals.failure,
            slowest=tuple(step for _, _, step in sorted(totals.slowest, reverse=True)),
            warnings=self._warnings,
            builds=self._builds,
            exported=self._builds in self._exported,
        )

    def _update(self, vertex: Vertex) -> None:
        key = self._prefix + vertex.digest if self._prefix else vertex.digest
        state = self._vertices.get(key)
        if state is None:
            if key[:1].isdigit() and build_number(key) > self._builds:  # `2:#5`, `2:sha256:…`
                self._next_build(build_number(key))
            if key in self._settled:
                return  # a late duplicate of a step already reported
            if vertex.name == _BAKE_MARKER:
                self._bake = True
            elif _is_exporter(vertex.name):
                self._exported.add(build_number(key))
            self._order += 1
            # Bake names a vertex shared by several targets once per target; keep the first.
            state = self._vertices[key] = _VertexState(self._order, key, vertex.name)
        elif not state.name:
            state.name = vertex.name
        # Each update carries the vertex's whole state (a restarted vertex loses `completed`).
        started = state.started = vertex.started
        completed = state.completed = vertex.completed
        # A cached step whose layers come from an imported cache is shown again, not cached, while
        # buildx pulls them for the image export (a runner with an empty cache): it stays cached.
        state.cached = state.cached or vertex.cached
        state.error = vertex.error
        if self._absolute_time:
            if started is not None and (self._first_start is None or started < self._first_start):
                self._first_start = started
            if completed is not None and (self._last_end is None or completed > self._last_end):
                self._last_end = completed
        if completed is not None:
            if not vertex.error and _is_exporter(state.name):
                self._export_done.add(build_number(key))
            if not state.cached and INSTRUCTION_STEP.match(state.name):
                self._last_run = key
                self._last_run_step = None  # set again only when this vertex settles
            self._settling[key] = None
            self._settling.move_to_end(key)
        else:
            self._settling.pop(key, None)

    def _next_build(self, number: int) -> None:
        """A later build of the log begins: the wall time so far is the earlier builds'."""
        if self._first_start is not None and self._last_end is not None:
            self._earlier_builds_s += max(0.0, self._last_end - self._first_start)
        self._first_start = self._last_end = None
        self._builds = number

    def _settle(self, key: str) -> Step | None:
        state = self._vertices.pop(key)
        self._settling.pop(key, None)
        self._settled[key] = None
        if len(self._settled) > 4 * self._settle_after:
            self._settled.popitem(last=False)
        if not (state.error or state.cached or state.completed is not None):
            # started or only announced; a finished build has none
            if INSTRUCTION_STEP.match(state.name):
                # rawjson announces every step when the build starts: one that never started
                # shows no row (plain prints a step only once it runs)
                if self._absolute_time and state.started is None:
                    self._totals.unstarted += 1
                else:
                    self._totals.unfinished += 1
            else:
                self._totals.unfinished_internal += 1
        step = _step_from(state, bake=self._bake, clock=self._absolute_time)
        if step is None:
            return None
        # A step is a distinct vertex (docs/build.md, "What a step is"): in a bake, a vertex that
        # several targets share is one vertex, shown once per target, and is keyed by its digest
        # here, so it counts once; two vertices of the same name (a target's own copy of a shared
        # stage's COPY, which BuildKit resolved apart, from the cache or not) are two steps.
        self._count(step)
        self._reach(step)
        if key == self._last_run:
            self._last_run_step = step
        return step

    def _reach(self, step: Step) -> None:
        stage = _stage_of(step)
        reach = self._stage_reach
        reach[stage] = max(reach.pop(stage, 0), step.index)  # and the most recent
        if len(reach) > self._settle_after:  # the stage that matters is a recent one
            reach.popitem(last=False)

    def _cut_after_a_step(self) -> str | None:
        """A log cut right after a step's `DONE` has no step left running. What shows the cut is
        that the step to run last is not its stage's last, no later step of its stage was shown,
        and nothing was exported.

        BuildKit runs the steps of a stage in order, so in a finished build the steps after the
        last one to run are shown too (cached, when its result matched an earlier one). Cached
        steps are shown in no set order, so only steps that ran are taken as the last.
        """
        step = self._last_run_step
        if step is None or step.index >= step.total or build_number(step.id) in self._exported:
            return None
        if self._stage_reach.get(_stage_of(step), 0) > step.index:
            return None
        return f"{UNFINISHED} (it stops after {step.name!r}, and nothing was exported)"

    def _count(self, step: Step) -> None:
        totals = self._totals
        if step.status == "error" and totals.failure is None:
            totals.failure = Failure(step.name, step.error or "", step.log_tail)
        if not step.cacheable:
            return
        totals.total += 1
        if step.status == "cached":
            totals.cached += 1
        elif step.status == "built":
            totals.built += 1
        elif step.status == "error":
            totals.failed += 1
            totals.failed_step = totals.failed_step or step.name
        else:
            totals.canceled += 1
        if step.status == "built" and step.duration_s is not None:
            entry = (step.duration_s, -totals.total, step)
            if len(totals.slowest) < SLOWEST_COUNT:
                heapq.heappush(totals.slowest, entry)
            else:
                heapq.heappushpop(totals.slowest, entry)


UNFINISHED = "the log ends before the build does"


def unfinished_error(
    count: int, *, cut: bool = False, internal: int = 0, unstarted: int = 0
) -> str:
    """Why a saved log reads as cut off: its instruction steps that never finished (and those
    announced that never started), else BuildKit's own (`[internal] load build context`, an
    export), and a JSON object cut off."""
    never = ""
    if count and unstarted:
        never = f"{count} step{'s' * (count != 1)} never finished, {unstarted} never started"
    elif count:
        never = f"{count} step{'s' * (count != 1)} never finished"
    elif unstarted:
        never = f"{unstarted} step{'s' * (unstarted != 1)} never started"
    elif internal:
        never = f"{internal} of BuildKit's internal steps never finished"
    if not cut:
        return f"{UNFINISHED} ({never})"
    return f"{UNFINISHED} (its last JSON object is cut off{', and ' + never if never else ''})"


def _stage_of(step: Step) -> tuple[object, ...]:
    return (build_number(step.id), step.target, step.platform, step.stage)


def _display_order(state: _VertexState) -> tuple[float, int]:
    started = state.started
    return (started if started is not None else float("inf"), state.order)


def _step_from(state: _VertexState, *, bake: bool, clock: bool) -> Step | None:
    if state.started is None and not state.cached:
        return None  # never ran: a failed build stopped before it
    parsed = parse_step_name(state.name, bake=bake)
    if parsed is None:
        return None
    status: StepStatus
    if state.error:
        status = "canceled" if state.error.endswith(_CANCELED) else "error"
    elif state.cached:
        status = "cached"
    elif state.completed is not None:
        status = "built"
    else:
        status = "canceled"  # still running when the log ended
    duration = None
    # The plain printer gives a time with DONE only: an ERROR or CANCELED step's is unknown (the
    # time of its last log line is not its end), so it is left out rather than made up.
    timed = clock or status in ("built", "cached")
    if timed and state.started is not None and state.completed is not None:
        duration = max(0.0, state.completed - state.started)
    log_tail: tuple[str, ...] = ()
    if status == "error" and state.logs:
        text = b"".join(state.logs).decode("utf-8", "replace")
        log_tail = tuple(text.splitlines()[-LOG_TAIL_LINES:])
    return Step(
        id=state.digest,
        name=state.name,
        target=parsed.target,
        platform=parsed.platform,
        stage=parsed.stage,
        index=parsed.index,
        total=parsed.total,
        instruction=parsed.instruction,
        status=status,
        duration_s=duration,
        cacheable=not parsed.is_base,
        digest=vertex_digest(state.digest),
        error=state.error if status == "error" else None,
        log_tail=log_tail,
        started=state.started if clock else None,
    )


def build_report(events: Iterable[Event], source_format: str, *, saved_log: bool = False) -> Report:
    """The report of a whole event stream, all steps kept (`saved_log`: see ReportBuilder)."""
    builder = ReportBuilder(source_format, saved_log=saved_log)
    steps: list[Step] = []
    for event in events:
        steps.extend(builder.add(event))
    return builder.finish(steps)


# The report's types live in analysis/model.py; they are importable from here too.
__all__ = [
    "LOG_TAIL_LINES",
    "REPORT_SCHEMA",
    "Failure",
    "Report",
    "ReportBuilder",
    "Step",
    "StepStatus",
    "Summary",
    "build_report",
    "report_header",
]
