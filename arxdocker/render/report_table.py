"""The cache report as a rich renderable: one row per step, then the summary."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table
from rich.text import Text

from arxdocker.analysis.report import Report, Step
from arxdocker.render.figures import format_rate

_STATUS_LABEL = {"cached": "CACHED", "built": "BUILT", "error": "ERROR", "canceled": "CANCELED"}


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}m{rest:04.1f}s"


def _status_cell(step: Step) -> Text:
    if not step.cacheable and step.status in ("built", "cached"):
        return Text("base", style="arx.base")
    return Text(_STATUS_LABEL[step.status], style=f"arx.{step.status}")


def _where(step: Step) -> str:
    parts = [part for part in (step.target, step.platform, step.stage) if part]
    return " ".join([*parts, f"{step.index}/{step.total}"])


class BuildReportTable:
    """Steps in the order BuildKit showed them, with status and time."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        steps = self.report.steps
        where_width = min(28, max((len(_where(step)) for step in steps), default=4))
        table = Table(
            box=None, pad_edge=False, show_edge=False, header_style="arx.heading", expand=True
        )
        table.add_column("step", no_wrap=True, min_width=where_width, max_width=28)
        table.add_column("instruction", overflow="ellipsis", no_wrap=True, ratio=1)
        table.add_column("status", no_wrap=True, min_width=8)
        table.add_column("time", justify="right", no_wrap=True, min_width=6)
        for step in self.report.steps:
            table.add_row(
                _where(step),
                step.instruction,
                _status_cell(step),
                format_seconds(step.duration_s),
            )
        yield table


class ReportSummary:
    """`N/M steps cached (X%)`, the wall time, the slowest steps and the error."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._lines()

    def _lines(self) -> Iterator[Text]:
        report, summary = self.report, self.report.summary
        rate = summary.hit_rate
        line = Text()
        if rate is None:
            line.append("no cacheable steps ran", style="arx.dim")
        else:
            style = (
                "arx.rate.good"
                if rate >= 0.8
                else "arx.rate.fair"
                if rate >= 0.5
                else "arx.rate.poor"
            )
            line.append(
                f"{summary.steps_cached}/{summary.steps_total} steps cached ({format_rate(rate)})",
                style=style,
            )
        if report.duration_s is not None:
            line.append(f" · wall time {format_seconds(report.duration_s)}")
        elif report.source_format == "plain":
            line.append(" · wall time unknown (plain logs carry no clock)", style="arx.dim")
        yield line
        # Steps under 50 ms are not worth a line among the slowest.
        slowest = [step for step in report.slowest if (step.duration_s or 0) >= 0.05]
        if slowest:
            yield Text("slowest steps:", style="arx.heading")
            for step in slowest:
                yield Text(
                    f"  {format_seconds(step.duration_s):>7}  {step.name}",
                    overflow="ellipsis",
                    no_wrap=True,
                )
        if report.failure is not None:
            yield Text(f"failed step: {report.failure.step}", style="arx.error")
            for line_text in report.failure.log_tail:
                yield Text(f"  | {line_text}", style="arx.dim", overflow="ellipsis", no_wrap=True)
        if report.error is not None:
            yield Text(f"error: {report.error}", style="arx.error")


def render_report(report: Report, console: Console) -> None:
    """Print the whole cache report, as `arxdocker analyze` and `arxdocker build` show it."""
    console.print(Group(BuildReportTable(report), Text(), ReportSummary(report)))
