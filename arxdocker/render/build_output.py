"""What `arxdocker build` shows: the progress display while buildx runs, then the cache report.

Progress goes to stderr (`tty`: a rich live view; `plain`: BuildKit's text; `rawjson`: the raw
events, echoed by the session; `quiet`: nothing). The report goes to stdout, as a table or, with
`--json`, as the `arxdocker.report/v1` document.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from arxdocker.analysis.report import Report


class BuildOutput:
    def __init__(self, progress: str, redact: Callable[[str], str] = lambda text: text) -> None:
        self.progress = progress
        self.redact = redact
        self.display: Any = None
        self._live: Any = None

    def __enter__(self) -> BuildOutput:
        if self.progress == "tty":
            from rich.live import Live

            from arxdocker.render.live import LiveBuildView
            from arxdocker.render.theme import make_console

            self.display = LiveBuildView(self.redact)
            self._live = Live(
                self.display,
                console=make_console(stderr=True),
                refresh_per_second=8,
                transient=True,
            )
            self._live.start()
        else:
            # The report needs rich (~50 ms to import): import it while buildx runs.
            threading.Thread(target=_import_rich, daemon=True).start()
        if self.progress == "plain":
            from arxdocker.render.plain_progress import PlainProgress

            self.display = PlainProgress(sys.stderr, self.redact)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._live is not None:
            self._live.stop()
        close = getattr(self.display, "close", None)
        if close is not None:
            close()

    def notice(self, message: str) -> None:
        """A warning said between builds (a retry); nothing under --progress quiet."""
        if self.progress != "quiet":
            print(f"arxdocker: warning: {message}", file=sys.stderr, flush=True)

    def report(
        self,
        report: Report,
        warnings: list[str],
        *,
        as_json: bool,
        gate: str | None = None,
        cache_problems: list[str] | None = None,
    ) -> None:
        """`cache_problems`: what went wrong with the cache import or export, which
        `ignore-error=true` keeps from failing the build; in the JSON as `cache_problems`."""
        for message in warnings:
            print(f"arxdocker: warning: {message}", file=sys.stderr)
        if as_json:
            document = report.to_dict()
            if cache_problems is not None:
                document["cache_problems"] = list(cache_problems)
            sys.stdout.write(json.dumps(document, indent=2) + "\n")
            sys.stdout.flush()
        else:
            from arxdocker.render.report_table import render_report
            from arxdocker.render.theme import make_console

            render_report(report, make_console())
        if gate:
            sys.stdout.flush()
            print(f"arxdocker: error: {gate}", file=sys.stderr)


def _import_rich() -> None:
    import arxdocker.render.report_table
    import arxdocker.render.theme  # noqa: F401
