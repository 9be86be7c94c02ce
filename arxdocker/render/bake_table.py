"""A bake's cache report per target: cached/total, hit rate, time and status, then the total."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from arxdocker.analysis.bake import BakeReport
from arxdocker.analysis.report import Report
from arxdocker.render.figures import format_rate
from arxdocker.render.report_table import format_seconds


def _rate(report: Report) -> str:
    rate = report.summary.hit_rate
    return format_rate(rate)


def _status(report: Report) -> Text:
    if report.failed:
        return Text("FAILED", style="arx.error")
    if report.summary.steps_canceled:
        return Text("CANCELED", style="arx.canceled")
    if report.summary.steps_total and report.summary.steps_built == 0:
        return Text("CACHED", style="arx.cached")
    return Text("BUILT", style="arx.built")


class BakeTargetsTable:
    """One row per target and a total row, where a stage shared by targets counts once."""

    def __init__(self, report: BakeReport) -> None:
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="arx.heading")
        table.add_column("target", no_wrap=True)
        table.add_column("cached", justify="right", no_wrap=True)
        table.add_column("hit rate", justify="right", no_wrap=True)
        table.add_column("time", justify="right", no_wrap=True)
        table.add_column("status", no_wrap=True)
        rows = [*self.report.targets.items(), ("total", self.report.total)]
        for name, report in rows:
            summary = report.summary
            table.add_row(
                Text(name, style="arx.heading" if name == "total" else ""),
                f"{summary.steps_cached}/{summary.steps_total}",
                _rate(report),
                format_seconds(report.duration_s),
                _status(report),
            )
        yield table


def render_bake(report: BakeReport, console: Console) -> None:
    from arxdocker.render.report_table import BuildReportTable, ReportSummary

    if report.total.steps:
        console.print(BuildReportTable(report.total))
        console.print()
    console.print(BakeTargetsTable(report))
    console.print(ReportSummary(report.total))
