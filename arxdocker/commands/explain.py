"""Explain why steps rebuilt: name each root cause, then the steps that rebuilt because of it.

A build is compared with the most recent earlier build of the same Dockerfile and target, or
with the one --against names. Root causes, in priority order:
  instruction   the Dockerfile line changed (old and new text)
  sources       files a COPY/ADD reads changed (added, removed, modified; .dockerignore honoured)
  arg / env     an ARG or ENV value changed (by hash, never shown), at the first RUN using it
  base-image    the FROM image resolved to another digest (both shown)
  no-cache      same inputs, nothing to reuse: --no-cache(-filter), another builder, a failed or
                missing cache import, or a pruned cache
Every other rebuilt step is a cascade of the cause it descends from (its stage, FROM, COPY --from).

RECORD and --against name builds as `compare` does: last, last~N, a build id (or its prefix),
or a record file written by `arxdocker build --record FILE`.

exit codes: 0 explained; 2 no history, no earlier build to compare with, or a bad reference.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from arxdocker.analysis.explain import Explanation

EPILOG = """\
examples:
  arxdocker explain                       # the last build against the one before it
  arxdocker explain last --against last~3
  arxdocker explain 20261125T2114 --json | jq '.causes[] | {kind, summary, cost_s}'
  arxdocker explain build.json --history ci/.arxdocker/history.jsonl
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument(
        "record", nargs="?", default="last", metavar="RECORD", help="the build (default: last)"
    )
    parser.add_argument(
        "--against",
        metavar="RECORD",
        help="the earlier build (default: the newest older one of the same Dockerfile and target)",
    )
    parser.add_argument(
        "--history",
        metavar="FILE",
        help="the history file (default: .arxdocker/history.jsonl, or the config's `history`)",
    )
    parser.add_argument("--json", action="store_true", help="print arxdocker.explain/v1 JSON")


def explanation_for(record: dict[str, Any], history: Path | None) -> Explanation | None:
    """`record` against the newest older build of the same Dockerfile and target in `history`;
    None when there is none (a first build)."""
    from arxdocker.analysis.explain import BuildFacts, explain
    from arxdocker.errors import ArxError
    from arxdocker.history.baseline import earlier

    if history is None:
        return None
    try:
        before = earlier(record, history)
    except ArxError:
        return None
    return explain(BuildFacts.from_dict(record), BuildFacts.from_dict(before))


def print_why_rebuilt(record: dict[str, Any], history: Path | None) -> None:
    """After a build's report: why its steps rebuilt (nothing when there is no earlier build)."""
    explanation = explanation_for(record, history)
    if explanation is not None and explanation.causes:
        from arxdocker.render.theme import make_console
        from arxdocker.render.why_rebuilt import WhyRebuilt

        console = make_console()
        console.print()
        console.print(WhyRebuilt(explanation))


def run(args: argparse.Namespace) -> int:
    from arxdocker.analysis.explain import BuildFacts, explain
    from arxdocker.commands.history import warn_skipped
    from arxdocker.errors import ArxError
    from arxdocker.history.baseline import earlier, load
    from arxdocker.history.refs import history_path

    history = history_path(args.history)
    after = load(args.record, history)
    skipped: list[str] = []
    before = load(args.against, history) if args.against else earlier(after, history, skipped)
    warn_skipped(skipped)
    if before.get("id") == after.get("id"):
        raise ArxError(
            f"{args.record} and --against {args.against} both name the same build "
            f"({after.get('id')}): there is nothing to explain",
            hint="name an earlier build with --against, e.g. last~1",
        )
    explanation = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(before))
    if args.json:
        import json
        import sys

        json.dump(explanation.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    from arxdocker.render.explanation import ExplanationView
    from arxdocker.render.theme import make_console

    make_console().print(ExplanationView(explanation))
    return 0
