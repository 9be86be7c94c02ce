"""The `arxdocker.report/v1` JSON document, written as the steps settle.

A normal build's report is written in one go at the end, so an unreadable log leaves stdout
empty. A log with more than `BUFFERED_STEPS` steps streams its steps as they settle, keeping
memory flat; the summary keys come after `steps`. If such a log turns out damaged after its
steps began to stream, the document is still closed, with the reason as its `error`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TextIO

from arxdocker.analysis.report import Report, ReportBuilder, Step, report_header
from arxdocker.errors import ProgressParseError
from arxdocker.progress.reader import EventStream

BUFFERED_STEPS = 10_000


def stream_report_json(
    events: EventStream,
    out: TextIO,
    *,
    saved_log: bool = False,
    check: Callable[[Report, int], None] | None = None,
) -> tuple[Report, int]:
    """Write the report of `events` to `out`; return it (without its steps) and the step count.

    `check(report, step_count)` may refuse the report (raise) before anything is written, when
    the steps were few enough to be held: a log that is not a build then leaves stdout empty."""
    builder = ReportBuilder(events.format, saved_log=saved_log)
    buffered: list[Step] = []
    streaming = False
    count = 0

    def write_steps(steps: Iterable[Step]) -> None:
        nonlocal count
        for step in steps:
            out.write(",\n    " if count else "\n    ")
            out.write(json.dumps(step.to_dict()))
            count += 1

    def close(steps: Iterable[Step], trailer: dict) -> None:
        """The last steps, the end of `steps`, and the summary keys after it."""
        write_steps(steps)
        out.write("\n  ]" if count else "]")
        out.write(", " + json.dumps(trailer)[1:] + "\n")

    try:
        for event in events:
            settled = builder.add(event)
            if not settled:
                continue
            if streaming:
                write_steps(settled)
                continue
            buffered.extend(settled)
            if len(buffered) > BUFFERED_STEPS:
                streaming = True
                out.write(json.dumps(report_header(events.format))[:-1] + ', "steps": [')
                write_steps(buffered)
                buffered.clear()
    except ProgressParseError as damage:
        if streaming:  # close the document that is half written, with the reason it stops
            report = builder.finish()
            close(report.steps, {**report.trailer_dict(), "error": damage.message})
        raise
    report = builder.finish()
    if not streaming:
        if check is not None:
            check(report, len(buffered) + len(report.steps))
        out.write(json.dumps(report_header(events.format))[:-1] + ', "steps": [')
    close([*buffered, *report.steps], report.trailer_dict())
    return report, count
