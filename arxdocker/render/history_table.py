"""`arxdocker history` as text: recent builds newest first, then their trend as sparklines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table
from rich.text import Text

from arxdocker.history.view import RecordView
from arxdocker.render.figures import format_bytes, format_rate
from arxdocker.render.report_table import format_seconds
from arxdocker.render.sparkline import sparkline

_STATUS_STYLE = {"ok": "arx.cached", "failed": "arx.error", "interrupted": "arx.canceled"}


def _when(view: RecordView) -> str:
    # 2026-11-25T21:17:18.059Z -> 11-25 21:17 (the year and the zone are the same in every row)
    started = view.started or ""
    return f"{started[5:10]} {started[11:16]}" if len(started) >= 16 else "-"


class HistoryTable:
    """One row per build, newest first; with `buildkit` (`history --buildkit`), BuildKit's own
    cached/total counts beside arxdocker's."""

    def __init__(
        self, views: Sequence[RecordView], buildkit: dict[str, dict[str, Any]] | None = None
    ) -> None:
        self.views = views
        self.buildkit = buildkit

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        targets = any(view.target for view in self.views)
        scenarios = any(view.scenario for view in self.views)
        table = Table(
            box=None,
            pad_edge=False,
            show_edge=False,
            header_style="arx.heading",
            expand=False,
            padding=(0, 1, 0, 0),
        )
        table.add_column("build", no_wrap=True)
        table.add_column("UTC", no_wrap=True)
        if targets:
            table.add_column("target", no_wrap=True, max_width=16, overflow="ellipsis")
        if scenarios:
            table.add_column("scenario", no_wrap=True)
        table.add_column("status", no_wrap=True)
        table.add_column("time", justify="right", no_wrap=True)
        table.add_column("cached", justify="right", no_wrap=True)
        table.add_column("hit", justify="right", no_wrap=True)
        if self.buildkit is not None:
            table.add_column("BuildKit", justify="right", no_wrap=True)
        table.add_column("size", justify="right", no_wrap=True)
        for view in self.views:
            cells: list[str | Text] = [view.id, _when(view)]
            if targets:
                cells.append(view.target or "-")
            if scenarios:
                cells.append(view.scenario or "-")
            cells += [
                Text(view.status, style=_STATUS_STYLE.get(view.status, "arx.dim")),
                format_seconds(view.duration_s),
                f"{view.steps_cached}/{view.steps_total}",
                format_rate(view.hit_rate),
            ]
            if self.buildkit is not None:
                cells.append(_buildkit_cell(self.buildkit.get(view.id) or {}))
            cells.append(format_bytes(view.size_bytes))
            table.add_row(*cells)
        yield table


class HistoryTrend:
    """Duration and hit rate over the listed builds, oldest on the left."""

    def __init__(self, views: Sequence[RecordView]) -> None:
        self.views = views

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        oldest_first = list(reversed(self.views))
        durations = [view.duration_s for view in oldest_first]
        rates = [view.hit_rate for view in oldest_first]
        known = [value for value in durations if value is not None]
        yield Text(f"trend over {len(oldest_first)} builds, oldest → newest", style="arx.heading")
        line = Text("duration  ")
        line.append(sparkline(durations, low=0.0), style="arx.built")
        if known:
            line.append(f"  {format_seconds(min(known))} … {format_seconds(max(known))}")
        yield line
        line = Text("hit rate  ")
        line.append(sparkline(rates, low=0.0, high=1.0), style="arx.cached")
        line.append("  0% … 100%  (a full block is 100%)")
        yield line


def _buildkit_cell(counts: dict[str, Any]) -> str:
    cached, total = counts.get("num_cached_steps"), counts.get("num_total_steps")
    return f"{cached}/{total}" if isinstance(cached, int) and isinstance(total, int) else "-"


def render_history(
    views: Sequence[RecordView],
    console: Console,
    buildkit: dict[str, dict[str, Any]] | None = None,
) -> None:
    parts: list[object] = [HistoryTable(views, buildkit)]
    if len(views) > 1:
        parts += [Text(), HistoryTrend(views)]
    console.print(Group(*parts))  # type: ignore[arg-type]
