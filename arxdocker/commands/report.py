"""Write a build's report as one self-contained HTML page: summary cards, the waterfall of its
steps on a time axis (cached and built in their colours, the critical path outlined, stages
grouped) and a chart of the duration and hit rate of recent builds of the same target.

The page has no scripts and loads nothing: open it from disk, attach it to a CI run, mail it.
RECORD names the build as for `arxdocker compare`: last (the default), last~N, an id or a file.

`--html -` writes the page to stdout (and the one-line summary to stderr).

exit codes: 0 written; 2 the build cannot be found or read, FILE cannot be written, or
            --chart-builds is not 1 or more.
"""

from __future__ import annotations

import argparse

EPILOG = """\
examples:
  arxdocker report --html build.html
  arxdocker report last~1 --html previous.html --chart-builds 50
  arxdocker report ci-record.json --html report.html --history ci/history.jsonl
  arxdocker report --html - > build.html
"""


def configure(parser: argparse.ArgumentParser) -> None:
    from arxdocker.commands.compare import add_history_option

    parser.epilog = EPILOG
    parser.add_argument(
        "record", nargs="?", default="last", metavar="RECORD", help="the build (default: last)"
    )
    parser.add_argument(
        "--html", required=True, metavar="FILE", help="the page to write; - for stdout"
    )
    parser.add_argument(
        "--chart-builds",
        type=int,
        default=30,
        metavar="N",
        help="how many recent builds the history chart shows, 1 or more (default: 30)",
    )
    add_history_option(parser)


def run(args: argparse.Namespace) -> int:
    import sys
    from itertools import islice
    from pathlib import Path

    from arxdocker.analysis.timeline import timeline
    from arxdocker.errors import ArxError
    from arxdocker.history.refs import history_path, recent, resolve
    from arxdocker.history.stagegraph import stage_parents
    from arxdocker.render.html_report import render_html

    if args.chart_builds < 1:
        raise ArxError(f"--chart-builds {args.chart_builds} is not a number of builds (1 or more)")
    if not args.html.strip():
        raise ArxError("--html needs a file name, or - for stdout")
    history = history_path(args.history)
    view = resolve(args.record, history)
    limit = args.chart_builds
    try:
        # By start time, not id: ids are ordered by the second only, then random.
        same_target = (
            item
            for item in recent(history)
            if item.target == view.target
            and (item.started or "", item.id) <= (view.started or "", view.id)
        )
        chart = list(islice(same_target, limit))[::-1]
    except ArxError:  # no history next to a record file: the chart shows this build alone
        chart = []
    if not any(item.id == view.id for item in chart):
        chart = [*chart, view][-limit:]
    from arxdocker.commands.explain import explanation_for
    from arxdocker.history.baseline import load

    steps = timeline(view, stage_parents(view))
    why = explanation_for(load(args.record, history), history if history.is_file() else None)
    page = render_html(view, steps, chart, why)
    to_stdout = args.html == "-"
    target = Path(args.html)
    if to_stdout:
        sys.stdout.write(page)
        sys.stdout.flush()
    else:
        try:
            target.write_text(page, encoding="utf-8")
        except OSError as error:
            raise ArxError(f"cannot write {target}: {error.strerror}") from None
    kind = "estimated" if steps.estimated else "recorded"
    builds = f"{len(chart)} build" + ("" if len(chart) == 1 else "s")
    print(
        f"wrote {'the page to stdout' if to_stdout else target}: {len(steps.bars)} steps "
        f"({kind} times), critical path {steps.critical_s:.1f}s of {steps.total_s:.1f}s, "
        f"{builds} in the chart",
        file=sys.stderr if to_stdout else sys.stdout,
    )
    return 0
