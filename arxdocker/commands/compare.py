"""Compare two builds: every step side by side, with its status change (cached→built and back) and
its time change, regressions first; then the changes in duration, hit rate, image size and layers.

A and B name builds from the history: `last`, `last~N` (N builds before the last), a build id or
its prefix (see `arxdocker history`), or a record file written by `arxdocker build --record FILE`.

exit codes: 0 compared; 2 a build cannot be found or read.
"""

from __future__ import annotations

import argparse

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
    comparison = compare(resolve(args.a, history), resolve(args.b, history))
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
