"""Follow a running buildx to its end: fold its rawjson events into steps, for `build` and `bake`.

Both commands run the same loop: every event goes to the report builder, the cache watch and the
live display; buildx's exit code is taken when the stream ends. A stream that stops being rawjson
(a cut object) keeps what was read and drains the rest, so buildx never blocks on a full pipe; an
interrupt (Ctrl-C, or SIGTERM/SIGHUP raised as one) ends buildx and says which signal it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol

from arxdocker.analysis.report import Report, ReportBuilder, Step
from arxdocker.build.cachewatch import CacheWatch
from arxdocker.build.launch import INTERRUPTED_EXIT
from arxdocker.errors import ArxError, ProgressParseError
from arxdocker.progress.models import Event, TextLine
from arxdocker.progress.rawjson import iter_rawjson


class Display(Protocol):
    def add(self, event: Event) -> None: ...


@dataclass
class Folded:
    """What one buildx run gave: its steps so far, the cache watch, and how it ended."""

    builder: ReportBuilder
    watch: CacheWatch
    steps: list[Step]
    text_lines: list[str] = field(default_factory=list)  # buildx's plain text (error snippet)
    exit_code: int = 1
    status: str = "ok"  # ok, failed or interrupted
    stream_error: str | None = None
    signal_name: str | None = None


def fold_buildx(
    lines: Iterator[bytes],
    wait: Callable[[], int],
    interrupt: Callable[[], object],
    display: Display | None = None,
    on_event: Callable[[Event], None] | None = None,
) -> Folded:
    """Fold the events of `lines` (buildx's rawjson stderr) until buildx exits or is interrupted."""
    run = Folded(ReportBuilder("rawjson"), CacheWatch(), [])
    try:
        for event in iter_rawjson(lines):
            run.steps.extend(run.builder.add(event))
            run.watch.add(event)
            if isinstance(event, TextLine):
                run.text_lines.append(event.text)
            if display is not None:
                display.add(event)
            if on_event is not None:
                on_event(event)
        run.exit_code = wait()
    except ProgressParseError as error:
        for _ in lines:
            pass
        run.exit_code = wait()
        run.stream_error = str(error)
    except KeyboardInterrupt as interruption:
        interrupt()
        run.builder.cancel_running(time.time())
        run.status, run.exit_code = "interrupted", INTERRUPTED_EXIT
        run.signal_name = getattr(interruption, "signal_name", "SIGINT")
    if run.status != "interrupted" and run.exit_code != 0:
        run.status = "failed"
    return run


def interrupted_error(run: Folded, report: Report) -> Report:
    """`report` with the interrupt as its error, when the build was interrupted and had none."""
    if run.status != "interrupted" or report.error is not None:
        return report
    return replace(report, error=f"interrupted ({run.signal_name})")


# What the docker CLI prints when its buildx plugin is missing (it then parses `buildx build`'s
# flags itself, or names the command it does not know).
_NO_BUILDX = ("unknown flag: --progress", "'buildx' is not a docker command", "unknown command")


def require_buildx(run: Folded) -> None:
    """Raise the setup error when buildx never ran (its plugin is missing): not a build that
    failed, so the caller records nothing."""
    if run.exit_code == 0 or run.builder.seen_vertices:
        return
    text = "\n".join(run.text_lines)
    if any(sign in text for sign in _NO_BUILDX):
        raise ArxError(
            "docker buildx does not run: the docker CLI has no buildx plugin",
            hint="install it (the docker-buildx package, or buildx in ~/.docker/cli-plugins); "
            "`arxdocker doctor` checks the setup",
        )
