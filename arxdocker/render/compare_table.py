"""`arxdocker compare` as text: every step side by side, regressions first, then the totals."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table
from rich.text import Text

from arxdocker.analysis.compare import Comparison, Delta, StepPair
from arxdocker.analysis.report import Step
from arxdocker.history.view import step_where
from arxdocker.render.figures import (
    format_bytes,
    format_percent,
    format_rate,
    format_signed_seconds,
)
from arxdocker.render.report_table import format_seconds

_MARK = {
    "regressed": ("cached→built", "arx.built"),
    "failed": ("→failed", "arx.error"),
    "improved": ("built→cached", "arx.cached"),
    "added": ("added", "arx.heading"),
    "removed": ("removed", "arx.dim"),
    "unchanged": ("", "arx.dim"),
}


def _status(step: Step | None) -> Text:
    if step is None:
        return Text("-", style="arx.dim")
    if not step.cacheable:
        return Text("base", style="arx.base")
    return Text(step.status.upper(), style=f"arx.{step.status}")


def _time(step: Step | None) -> str:
    return "-" if step is None else format_seconds(step.duration_s)


def _change(pair: StepPair) -> Text:
    label, style = _MARK[pair.change]
    if pair.change == "regressed" and pair.before is not None and pair.before.status != "cached":
        label = f"{pair.before.status}→{pair.step.status}"
    return Text(label, style=style)


def _delta(seconds: float | None) -> str:
    return "" if seconds is None or abs(seconds) < 0.05 else format_signed_seconds(seconds)


class CompareTable:
    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table(
            box=None, pad_edge=False, show_edge=False, header_style="arx.heading", expand=True
        )
        table.add_column("step", no_wrap=True, max_width=24)
        table.add_column("instruction", overflow="ellipsis", no_wrap=True, ratio=1)
        table.add_column("A", no_wrap=True)
        table.add_column("B", no_wrap=True)
        table.add_column("change", no_wrap=True)
        table.add_column("A time", justify="right", no_wrap=True)
        table.add_column("B time", justify="right", no_wrap=True)
        table.add_column("Δ", justify="right", no_wrap=True)
        for pair in self.comparison.pairs:
            table.add_row(
                step_where(pair.step),
                pair.step.instruction,
                _status(pair.before),
                _status(pair.after),
                _change(pair),
                _time(pair.before),
                _time(pair.after),
                _delta(pair.time_delta_s),
            )
        yield table


class CompareSummary:
    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        comparison = self.comparison
        changed = comparison.changed
        counts: dict[str, int] = {}
        for pair in changed:
            label = _change(pair).plain
            counts[label] = counts.get(label, 0) + 1
        headline = Text(f"{len(changed)} step(s) changed status", style="arx.heading")
        if counts:
            headline.append(": " + ", ".join(f"{n} {label}" for label, n in counts.items()))
        yield headline
        yield _line("duration", comparison.delta("duration_s"), format_seconds, seconds=True)
        yield _line("hit rate", comparison.delta("hit_rate"), format_rate, points=True)
        yield _line("image size", comparison.delta("size_bytes"), format_bytes)
        yield _line("layers", comparison.delta("layers"), _count)


def _count(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _line(
    label: str,
    delta: Delta,
    fmt: Callable[[float | None], str],
    *,
    seconds: bool = False,
    points: bool = False,
) -> Text:
    text = Text(f"{label:<11}{fmt(delta.before):>9} → {fmt(delta.after):<9}")
    change = delta.change
    if change is None or change == 0:
        return text
    if seconds:
        text.append(f" {format_signed_seconds(change)} {format_percent(delta.relative)}")
    elif points:
        points = change * 100  # a change under one point keeps a decimal: -0.5 pp, not -0 pp
        text.append(f" {points:+.2g} pp" if 0 < abs(points) < 1 else f" {points:+.0f} pp")
    elif label == "image size":
        text.append(f" {'+' if change > 0 else '-'}{format_bytes(abs(change))} "
                    f"{format_percent(delta.relative)}")  # fmt: skip
    else:
        text.append(f" {change:+.0f}")
    return text


def header(comparison: Comparison) -> Text:
    before, after = comparison.before, comparison.after
    return Text.assemble(
        ("A  ", "arx.heading"),
        f"{before.id}  {before.source}\n",
        ("B  ", "arx.heading"),
        f"{after.id}  {after.source}",
    )


def render_comparison(comparison: Comparison, console: Console) -> None:
    console.print(
        Group(
            header(comparison), Text(), CompareTable(comparison), Text(), CompareSummary(comparison)
        )
    )
