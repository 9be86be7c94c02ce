"""`arxdocker explain` as text: each root cause with what changed, then the steps it rebuilt."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from arxdocker.analysis.explain import Explanation, RootCause
from arxdocker.render.report_table import format_seconds

_FILE_MARKS = (
    ("modified", "~", "arx.built"),
    ("added", "+", "arx.cached"),
    ("removed", "-", "arx.error"),
)


class ExplanationView:
    """Root causes first, in priority order; under each, its details and its cascades with time."""

    def __init__(self, explanation: Explanation) -> None:
        self.explanation = explanation

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        found = self.explanation
        before = "nothing" if found.before is None else found.before.id
        yield Text(f"build {found.after.id} against {before}", style="arx.dim")
        if not found.causes:
            yield Text("nothing rebuilt: every step came from the cache", style="arx.cached")
            return
        count = len(found.causes)
        yield Text(f"{count} root cause{'s' * (count != 1)}", style="arx.heading")
        for number, cause in enumerate(found.causes, 1):
            yield Text()
            yield from _cause(number, cause)
        yield Text()
        yield Text(found.summary(), style="arx.dim")


def _cause(number: int, cause: RootCause) -> RenderResult:
    head = Text(f"{number}. ", style="arx.heading")
    head.append(cause.headline(), style="arx.built")
    head.append(f"  [{cause.kind}]", style="arx.dim")
    yield head
    if cause.kind == "instruction":
        if cause.old is not None:
            yield Text(f"   - {cause.old}", style="arx.error", overflow="fold")
        yield Text(f"   + {cause.new}", style="arx.cached", overflow="fold")
    elif cause.kind == "sources" and cause.files is not None:
        if not cause.files.listed:
            yield Text("   (the records keep only a total hash for this COPY)", style="arx.dim")
        for attribute, mark, style in _FILE_MARKS:
            for name in getattr(cause.files, attribute):
                yield Text(f"   {mark} {name}", style=style)
    elif cause.kind in ("arg", "env"):
        yield Text(
            "   its value changed (compared by hash; arxdocker never shows it)", style="arx.dim"
        )
    elif cause.kind == "base-image":
        yield Text(f"   - {cause.old}", style="arx.error")
        yield Text(f"   + {cause.new}", style="arx.cached")
    for step in cause.steps:
        if step.cacheable and step.status == "cached":
            # an identical COPY (another bake target's) ran first: BuildKit shows this one cached
            yield _step_line("cached", step.name, step.duration_s)
            yield Text(
                "            an identical COPY had just run in this build (another bake target's)",
                style="arx.dim",
            )
        elif step.cacheable:
            yield _step_line("rebuilt", step.name, step.duration_s)
    for step in cause.cascades:
        yield _step_line("cascade", step.name, step.duration_s)
    yield Text(
        f"   → {cause.rebuilt} step{'s' * (cause.rebuilt != 1)} rebuilt, "
        f"{format_seconds(cause.cost_s)}",
        style="arx.heading",
    )


def _step_line(label: str, name: str, seconds: float | None) -> Text:
    line = Text(f"   {label:<8}", style="arx.dim")
    line.append(f"{format_seconds(seconds):>7}  ")
    line.append(name)
    line.no_wrap, line.overflow = True, "ellipsis"
    return line
