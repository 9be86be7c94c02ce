"""List past builds from the history, newest first: when, target, status, duration, steps cached,
hit rate and image size; then the trend of duration and hit rate as sparklines.

Only the end of the history is read, so a long history answers as fast as a short one.
"""

from __future__ import annotations

import argparse
from typing import Any

EPILOG = """\
examples:
  arxdocker history
  arxdocker history --limit 50 --target test
  arxdocker history --json | jq '.builds[] | [.id, .duration_s, .hit_rate]'
  arxdocker history --buildkit --json | jq '.builds[] | [.steps_cached, .buildkit.num_cached_steps]'
"""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of builds (1 or more)")
    return value


def warn_skipped(skipped: list[str]) -> None:
    """One stderr line per kind of line skipped while reading the history, with its count."""
    import sys
    from collections import Counter

    for warning, count in Counter(skipped).items():
        times = f" ({count} lines)" if count > 1 else ""
        print(f"arxdocker: warning: {warning}{times}", file=sys.stderr)


def configure(parser: argparse.ArgumentParser) -> None:
    from arxdocker.commands.compare import add_history_option

    parser.epilog = EPILOG
    parser.add_argument(
        "--limit", type=_positive, default=20, metavar="N", help="the last N builds (default: 20)"
    )
    parser.add_argument("--target", metavar="T", help="only builds of the stage T")
    add_history_option(parser)
    parser.add_argument("--json", action="store_true", help="print arxdocker.history/v1 JSON")
    parser.add_argument(
        "--buildkit",
        action="store_true",
        help="also ask BuildKit for its own counts of each listed build, with one `buildx "
        "history ls` (a buildx with history, as 0.29 is): its cached and total steps count FROM "
        "and its internal vertices too; a build BuildKit no longer keeps gets a note",
    )


def run(args: argparse.Namespace) -> int:
    import sys
    from itertools import islice

    from arxdocker.errors import ArxError
    from arxdocker.history.refs import history_path, recent

    history = history_path(args.history)
    skipped: list[str] = []
    views = list(islice(recent(history, target=args.target, skipped=skipped), args.limit))
    warn_skipped(skipped)
    if not views:
        which = f" of target {args.target!r}" if args.target else ""
        raise ArxError(f"{history} has no builds{which}", hint="run `arxdocker build` first")
    counts = buildkit_counts(views) if args.buildkit else None
    if args.json:
        import json

        from arxdocker.render.history_json import history_dict

        json.dump(history_dict(history, views, counts), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    from arxdocker.render.history_table import render_history
    from arxdocker.render.theme import make_console

    render_history(views, make_console(), counts)
    return 0


def buildkit_counts(views: list[Any]) -> dict[str, dict[str, Any]]:
    """BuildKit's counts of each view's build, by record id: the record's own when it has
    them, else from one `buildx history ls` per builder; a note where there are none."""
    from arxdocker.engine.buildkit_history import BuildkitCounts, list_counts, split_ref

    found: dict[str, dict[str, Any]] = {}
    listed: dict[str | None, tuple[dict[str, BuildkitCounts], str | None]] = {}
    for view in views:
        stored = view.buildkit or {}
        ref = view.buildkit_ref
        if ref is None:
            found[view.id] = {"note": "the record has no BuildKit ref (an older arxdocker, or "
                              "buildx wrote none)"}  # fmt: skip
        elif isinstance(stored.get("num_total_steps"), int) or stored.get("note"):
            found[view.id] = stored
        else:
            builder, _ = split_ref(ref)
            if builder not in listed:
                listed[builder] = list_counts(builder)
            known, problem = listed[builder]
            if ref in known:
                found[view.id] = known[ref].to_record()
            else:
                note = problem or "BuildKit no longer keeps this build's record"
                found[view.id] = BuildkitCounts(ref, note=note).to_record()
    return found
