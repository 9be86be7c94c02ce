"""`arxdocker doctor` as text: one line per check, and the fix under each problem."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from arxdocker.analysis.doctor import FAIL, WARN, Check

_MARK = {"ok": ("ok", "arx.cached"), WARN: ("warn", "arx.built"), FAIL: ("FAIL", "arx.error")}
SCHEMA = "arxdocker.doctor/v1"


class DoctorReport:
    def __init__(self, checks: Sequence[Check]) -> None:
        self.checks = checks

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        grid = Table.grid(padding=(0, 2, 0, 0))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, style="arx.heading")
        grid.add_column(overflow="fold")
        for check in self.checks:
            mark, style = _MARK[check.status]
            grid.add_row(Text(mark, style=style), check.topic, Text(check.detail))
            if check.fix and check.status != "ok":
                grid.add_row("", "", Text(f"fix: {check.fix}", style="arx.dim"))
        yield grid
        failed = sum(check.status == FAIL for check in self.checks)
        warned = sum(check.status == WARN for check in self.checks)
        if failed:
            yield Text(f"{failed} problem(s) stop builds with this setup", style="arx.error")
        elif warned:
            yield Text(f"works, with {warned} warning(s)", style="arx.built")
        else:
            yield Text("all good", style="arx.cached")


def doctor_dict(checks: Sequence[Check], exit_code: int) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "exit_code": exit_code,
        "checks": [
            {"topic": c.topic, "status": c.status, "detail": c.detail, "fix": c.fix} for c in checks
        ],
    }
