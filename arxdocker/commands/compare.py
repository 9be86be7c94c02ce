"""Compare two builds: every step side by side, with its status change (cached→built and back) and
its time change, regressions first; then the changes in duration, hit rate, image size and layers.

A and B name builds from the history: `last`, `last~N` (N builds before the last), a build id or
its prefix (see `arxdocker history`), or a record file written by `arxdocker build --record FILE`.
When B is of another target or Dockerfile than A, they are compared all the same, with a warning
on stderr.

exit codes: 0 compared; 2 a build cannot be found or read.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arxdocker.history.view import RecordView

EPILOG = """\
examples:
  arxdocker compare last~1 last
  arxdocker compare 20261125T2114 last --json | jq '.steps[] | select(.change != "unchanged")'
  arxdocker compare main-build.json last --history ci/.arxdocker/history.jsonl
"""


def add_history_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--history",
        metavar="FILE",
        help="the history file (default: .arxdocker/history.jsonl, or the config's `history`)",
    )


def warn_mismatch(baseline: RecordView, candidate: RecordView) -> None:
    """A one-line warning on stderr when the two builds are of different targets or
    Dockerfiles: they are compared all the same."""
    from arxdocker.analysis.compare import mismatch

    message = mismatch(baseline, candidate)
    if message:
        import sys

        print(f"arxdocker: warning: {message}", file=sys.stderr)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("a", metavar="A", help="the earlier build (last~N, id or record file)")
    parser.add_argument("b", metavar="B", help="the later build (last~N, id or record file)")
    add_history_option(parser)
    parser.add_argument("--json", action="store_true", help="print arxdocker.compare/v1 JSON")


def run(args: argparse.Namespace) -> int:
    from arxdocker.analysis.compare import compare
    from arxdocker.history.refs import history_path, resolve

    history = history_path(args.history)
    before, after = resolve(args.a, history), resolve(args.b, history)
    warn_mismatch(before, after)
    comparison = compare(before, after)
    if args.json:
        import json
        import sys

        json.dump(comparison.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    from arxdocker.render.compare_table import render_comparison
    from arxdocker.render.theme import make_console

    render_comparison(comparison, make_console())
    return 0
