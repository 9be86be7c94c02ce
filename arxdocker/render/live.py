"""The tty live view of a running build: each step as it starts, CACHED or running with a timer,
and a bar of the steps done. Redrawn by rich's `Live` a few times a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from arxdocker.analysis.stepname import parse_step_name
from arxdocker.progress.groups import ProgressGroups
from arxdocker.progress.models import Event, TextLine
from arxdocker.render.report_table import format_seconds

MAX_ROWS = 12


@dataclass(slots=True)
class _Row:
    label: str
    instruction: str
    started: float | None = None
    completed: float | None = None
    cached: bool = False
    error: bool = False
    wall_start: float | None = None
    base: bool = False  # FROM: base resolution, not a cacheable step


class LiveBuildView:
    """A rich renderable that folds build events into a few rows and a progress bar."""

    def __init__(self, redact: Callable[[str], str] = lambda text: text) -> None:
        self.redact = redact
        self.rows: dict[str, _Row] = {}
        self.totals: dict[tuple[str | None, str | None, str | None], int] = {}
        self.last_text: str | None = None
        self.started = time.monotonic()
        self._groups = ProgressGroups()  # COPY --link and its LINK merge are one row

    def add(self, event: Event) -> None:
        if isinstance(event, TextLine):
            if event.text:  # a BuildStart marker has none
                self.last_text = self.redact(event.text)
            return
        event = self._groups.apply(event)
        for vertex in event.vertexes:
            row = self.rows.get(vertex.digest)
            if row is None:
                parsed = parse_step_name(vertex.name)
                if parsed is None or (vertex.started is None and not vertex.cached):
                    continue
                where = " ".join(p for p in (parsed.target, parsed.platform, parsed.stage) if p)
                label = f"{where} {parsed.index}/{parsed.total}".strip()
                row = self.rows[vertex.digest] = _Row(
                    label, self.redact(parsed.instruction), base=parsed.is_base
                )
                self.totals[(parsed.target, parsed.platform, parsed.stage)] = parsed.total
                row.wall_start = time.monotonic()
            row.started = vertex.started or row.started
            row.completed = vertex.completed or row.completed
            row.cached = row.cached or vertex.cached
            row.error = row.error or bool(vertex.error)

    def _status(self, row: _Row, now: float) -> Text:
        if row.error:
            return Text("ERROR", style="arx.error")
        if row.base and row.completed is not None:
            return Text("base", style="arx.base")
        if row.cached:
            return Text("CACHED", style="arx.cached")
        if row.completed is not None and row.started is not None:
            return Text(f"DONE {format_seconds(row.completed - row.started)}", style="arx.built")
        elapsed = now - (row.wall_start or now)
        return Text(f"⠿ {format_seconds(elapsed)}", style="arx.built")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        now = time.monotonic()
        rows = list(self.rows.values())
        running = [r for r in rows if r.completed is None and not r.error]
        finished = [r for r in rows if r not in running]
        shown = (finished[-max(0, MAX_ROWS - len(running)) :] if finished else []) + running
        table = Table(box=None, show_header=False, pad_edge=False, expand=True)
        table.add_column("step", no_wrap=True, max_width=28)
        table.add_column("instruction", no_wrap=True, overflow="ellipsis", ratio=1)
        table.add_column("status", no_wrap=True, justify="right", min_width=10)
        for row in shown[-MAX_ROWS:]:
            table.add_row(row.label, row.instruction, self._status(row, now))
        done = len(finished)
        total = max(sum(self.totals.values()), len(rows), 1)
        bar = Table.grid(expand=True)
        bar.add_column(ratio=1)
        bar.add_column(no_wrap=True)
        bar.add_row(
            ProgressBar(total=total, completed=min(done, total)),
            Text(f" {done}/{total} steps · {format_seconds(now - self.started)}", style="arx.dim"),
        )
        parts: list[Any] = [table, bar]
        if self.last_text:
            parts.append(Text(self.last_text, style="arx.dim", no_wrap=True, overflow="ellipsis"))
        yield Group(*parts)
