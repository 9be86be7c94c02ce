"""Report every step of a saved BuildKit build as cached or rebuilt, with its time.

Reads the output of `docker buildx build --progress=plain` or `--progress=rawjson` (buildx
0.12-0.14 pretty-prints rawjson; 0.15+ writes one object per line: both are read), from a file or
from stdin, and prints a table of steps followed by the hit rate, the wall time, the slowest steps
and the error, if the build failed.

A log that ends while steps are still running (cut off, or saved before the build finished) is
said so on stderr, "the log ends before the build does (N steps never finished)", and exits 1:
it does not show a successful build. Those steps show as CANCELED; steps a rawjson log announced
that never started are counted as such ("3 never started") and get no row. So does a log that stops
right after a step that ran (DONE) and is not its stage's last, with nothing exported. One that
stops after a stage's last step, or after a CACHED step (BuildKit prints those in no set order),
with nothing exported gets a note: a build with no output ends that way too.

exit codes: 0 the log shows a successful build; 1 it shows a failed build, or ends before the
            build does; 2 the input cannot be read or is not a BuildKit progress log (with
            --json, nothing is printed to stdout then; but a huge log damaged after its steps
            began to stream (past some 10,000 of them) gets its document closed with "error").
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arxdocker.analysis.report import Report

EPILOG = """\
examples:
  docker buildx build --progress=rawjson . 2> build.json
  arxdocker analyze build.json
  docker buildx build --progress=plain . 2>&1 | arxdocker analyze -
  arxdocker analyze ci.log --format plain --json | jq '.summary.hit_rate'
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help="the saved log, or - for stdin (default)",
    )
    parser.add_argument(
        "--format",
        choices=("auto", "plain", "rawjson"),
        default="auto",
        help="the log's --progress format (default: detect it)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the arxdocker.report/v1 JSON document instead"
    )


def run(args: argparse.Namespace) -> int:
    import sys

    from arxdocker.commands._input import open_binary

    with open_binary(args.file) as (stream, name):
        from arxdocker.progress.reader import read_events

        events = read_events(stream, args.format, name=name)
        if args.json:
            from arxdocker.render.report_json import stream_report_json

            report, step_count = stream_report_json(
                events,
                sys.stdout,
                saved_log=True,
                check=lambda report, count: _require_steps(report, count, name),
            )
        else:
            from arxdocker.analysis.report import build_report

            report = build_report(events, events.format, saved_log=True)
            step_count = len(report.steps)
    _require_steps(report, step_count, name)
    if not args.json:
        from arxdocker.render.report_table import render_report
        from arxdocker.render.theme import make_console

        render_report(report, make_console())
    from arxdocker.analysis.export_race import is_export_race, saved_log_hint

    if is_export_race(report):
        print(f"arxdocker: note: {saved_log_hint()}", file=sys.stderr)
    if report.builds > 1:
        print(
            f"arxdocker: note: {name} holds {report.builds} builds: their steps are kept apart "
            "in one report"
            + (", and its wall time is the sum of theirs" if report.duration_s is not None else ""),
            file=sys.stderr,
        )
    if _cut_off(report):
        print(f"arxdocker: error: {name}: {report.error}", file=sys.stderr)
    elif report.error is None and not report.exported:
        print(
            f"arxdocker: note: {name}: no export follows the last step: the log may be cut off "
            "(or the build had no output, like a docker-container builder without --load/--push)",
            file=sys.stderr,
        )
    return report.exit_code


def _require_steps(report: Report, step_count: int, name: str) -> None:
    from arxdocker.errors import ProgressParseError

    if step_count == 0 and (report.error is None or _cut_off(report)):
        raise ProgressParseError(
            f"{name}: no build steps found in this log",
            hint="is it the full output of `docker buildx build --progress=plain|rawjson`?",
        )


def _cut_off(report: Report) -> bool:
    from arxdocker.analysis.report import UNFINISHED

    return report.error is not None and report.error.startswith(UNFINISHED)
