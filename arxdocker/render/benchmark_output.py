"""What `arxdocker benchmark` shows: a line per run while it runs (stderr), then a table per
scenario (stdout) or the `arxdocker.benchmark/v1` document."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.live import Live
from rich.table import Table
from rich.text import Text

from arxdocker.analysis.benchmark import ScenarioStats
from arxdocker.analysis.stepname import parse_step_name
from arxdocker.history.view import RecordView
from arxdocker.progress.models import Event
from arxdocker.render.figures import format_rate
from arxdocker.render.report_table import format_seconds


class BenchmarkProgress:
    """The build layer's display for each run: counts steps as BuildKit settles them."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._label = ""
        self._started = time.monotonic()
        self._steps: dict[str, bool] = {}  # digest -> is an instruction step
        self._done: set[str] = set()
        self._cached: set[str] = set()

    @contextmanager
    def shown(self) -> Iterator[BenchmarkProgress]:
        """A live line on a terminal while the block runs; elsewhere only the finished runs."""
        if not self.console.is_terminal:
            yield self
            return
        with Live(self, console=self.console, refresh_per_second=8, transient=True):
            yield self

    def start(self, label: str) -> None:
        self._label, self._started = label, time.monotonic()
        self._steps.clear()
        self._done.clear()
        self._cached.clear()

    def add(self, event: Event) -> None:
        for vertex in getattr(event, "vertexes", ()):
            if vertex.name and vertex.digest not in self._steps:
                self._steps[vertex.digest] = parse_step_name(vertex.name) is not None
            if not self._steps.get(vertex.digest):
                continue
            if vertex.completed is not None or vertex.cached:
                self._done.add(vertex.digest)
                if vertex.cached:
                    self._cached.add(vertex.digest)

    def finish(self, record: RecordView, *, counted: bool = True) -> None:
        line = Text(f"{self._label:<16}", style="arx.heading" if counted else "arx.dim")
        line.append(f"{format_seconds(record.duration_s):>7}  ")
        line.append(f"{record.steps_cached}/{record.steps_total} cached ")
        line.append(f"({format_rate(record.hit_rate)})  {record.id}", style="arx.dim")
        if record.status != "ok":
            line.append(f"  {record.status}", style="arx.error")
        self.console.print(line)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        elapsed = time.monotonic() - self._started
        yield Text.assemble(
            (f"{self._label:<16}", "arx.heading"),
            f"{format_seconds(elapsed):>7}  building: {len(self._done)} steps done, ",
            (f"{len(self._cached)} cached", "arx.cached"),
        )


class BenchmarkTable:
    def __init__(self, stats: Sequence[ScenarioStats]) -> None:
        self.stats = stats

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="arx.heading")
        for name in ("scenario", "runs", "min", "median", "max", "cached", "hit rate"):
            table.add_column(name, justify="left" if name == "scenario" else "right")
        for item in self.stats:
            cached = item.steps_cached
            table.add_row(
                item.scenario,
                str(len(item.runs)),
                format_seconds(item.wall_min),
                format_seconds(item.wall_median),
                format_seconds(item.wall_max),
                "-" if cached is None else f"{cached:g}/{item.steps_total}",
                format_rate(item.hit_rate),
            )
        yield table


def benchmark_dict(meta: dict[str, Any], stats: Sequence[ScenarioStats]) -> dict[str, Any]:
    return {
        "schema": "arxdocker.benchmark/v1",
        **meta,
        "scenarios": {item.scenario: item.to_dict() for item in stats},
    }
