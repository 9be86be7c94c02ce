"""The "why rebuilt" part of a build's report: each rebuilt step with its reason, then one
paragraph naming the root causes, what each rebuilt and what it cost."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from arxdocker.analysis.explain import Explanation
from arxdocker.history.view import step_where
from arxdocker.render.report_table import format_seconds


class WhyRebuilt:
    """Rebuilt steps in build order with a "why rebuilt" column, and the summary paragraph."""

    def __init__(self, explanation: Explanation) -> None:
        self.explanation = explanation

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        found = self.explanation
        rows = [step for step in found.after.steps if step.id in found.reasons]
        if not rows:
            return
        table = Table(
            box=None, pad_edge=False, show_edge=False, header_style="arx.heading", expand=True
        )
        table.add_column("step", no_wrap=True, max_width=28)
        table.add_column("instruction", overflow="ellipsis", no_wrap=True, ratio=1)
        table.add_column("why rebuilt", overflow="ellipsis", no_wrap=True, ratio=1)
        table.add_column("time", justify="right", no_wrap=True, min_width=6)
        for step in rows:
            reason = found.reasons[step.id]
            style = "arx.dim" if reason.startswith("parent rebuilt") else "arx.built"
            table.add_row(
                step_where(step),
                step.instruction,
                Text(reason, style=style),
                format_seconds(step.duration_s),
            )
        yield table
        yield Text()
        yield Text(found.summary())
