"""The CI regression gate: hold a candidate build (by default the newest record) against a
baseline, and fail when it is slower, misses the cache more, or makes a bigger image than allowed.

Without --baseline, the baseline is the newest successful build before the candidate of the same
Dockerfile and target (as `explain` picks it, passing over failed builds), so a `bake` of
several targets never judges one target against another. A --baseline of another target or
Dockerfile is held against the candidate all the same, with a warning on stderr.

Percentages are given as 20% or 20 (both mean twenty percent); `off` turns a threshold off. A
number above 0 and up to 1 needs its % sign (0.8 or 1.0 is refused: did you mean 80?); NaN,
infinite or negative values, and a hit rate above 100%, are usage errors (exit 2). A threshold
whose figure is not in both records (the image size needs --load; a --push build records only
its digest) is named as not checked. A slowdown of less than --slowdown-floor seconds never
fails, so timer noise on a fast build does not break CI.

exit codes: 0 every threshold holds; 1 a threshold is breached or the candidate build failed;
            2 a build cannot be found or read, or an option is not valid.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from arxdocker.history.view import RecordView

EPILOG = """\
examples:
  arxdocker check                         # the last build against the one before it (same target)
  arxdocker check --baseline last~1
  arxdocker check --baseline main.json --candidate last --max-slowdown 10% --min-hit-rate 90%
  arxdocker check --baseline 20261125T2114 --max-size-growth off --json
"""


def configure(parser: argparse.ArgumentParser) -> None:
    from arxdocker.commands.compare import add_history_option

    parser.epilog = EPILOG
    parser.add_argument(
        "--baseline",
        metavar="REF",
        help="last~N, a build id, or a record file (default: the newest successful build before "
        "the candidate of the same Dockerfile and target)",
    )
    parser.add_argument(
        "--candidate", default="last", metavar="REF", help="the build to judge (default: last)"
    )
    parser.add_argument(
        "--max-slowdown",
        default="20%",
        metavar="PCT",
        help="fail when the build takes more than PCT longer (default: 20%%)",
    )
    parser.add_argument(
        "--min-hit-rate",
        default="80%",
        metavar="PCT",
        help="fail when fewer than PCT of the steps hit the cache: 90 or 90%%, not 0.9 "
        "(default: 80%%)",
    )
    parser.add_argument(
        "--max-size-growth",
        default="10%",
        metavar="PCT",
        help="fail when the image grows by more than PCT (default: 10%%)",
    )
    parser.add_argument(
        "--slowdown-floor",
        default="0.5",
        metavar="SECONDS",
        help="slowdowns smaller than this never fail (default: 0.5)",
    )
    add_history_option(parser)
    parser.add_argument("--json", action="store_true", help="print arxdocker.check/v1 JSON")


def run(args: argparse.Namespace) -> int:
    from arxdocker.analysis.gate import Thresholds, hold
    from arxdocker.commands.compare import warn_mismatch
    from arxdocker.history.refs import history_path, resolve
    from arxdocker.percent import parse_seconds
    from arxdocker.render.gate_text import result_dict, result_lines

    thresholds = Thresholds(
        max_slowdown=_fraction(args.max_slowdown, "--max-slowdown"),
        min_hit_rate=_fraction(args.min_hit_rate, "--min-hit-rate", upper=100),
        max_size_growth=_fraction(args.max_size_growth, "--max-size-growth"),
        slowdown_floor_s=parse_seconds(args.slowdown_floor, "--slowdown-floor"),
    )
    history = history_path(args.history)
    if args.baseline is None:
        candidate = resolve(args.candidate, history)
        baseline = _earlier(args.candidate, history)
    else:
        baseline = resolve(args.baseline, history)
        candidate = resolve(args.candidate, history)
        warn_mismatch(baseline, candidate)
    result = hold(baseline, candidate, thresholds)
    if args.json:
        import json

        print(json.dumps(result_dict(result), indent=2))
    else:
        print("\n".join(result_lines(result)))
    return 0 if result.passed else 1


def _earlier(candidate: str, history: Path) -> RecordView:
    """The newest successful build before `candidate` of the same Dockerfile and target, as
    `explain` picks the build it compares with (but a failed build's figures cover only part of
    it, so it is passed over)."""
    from arxdocker.commands.history import warn_skipped
    from arxdocker.errors import ArxError
    from arxdocker.history.baseline import earlier, load
    from arxdocker.history.view import RecordView

    skipped: list[str] = []
    try:
        before = earlier(load(candidate, history), history, skipped, successful=True)
    except ArxError as error:
        hint = error.hint.replace("--against", "--baseline") if error.hint else None
        raise ArxError(error.message, hint=hint) from None
    finally:
        warn_skipped(skipped)
    return RecordView.from_dict(before, f"{history}:{before.get('id')}")


def _fraction(text: str, option: str, upper: float | None = None) -> float | None:
    """A percentage option (`20%`, `20`, `off`) as a fraction (0.2) or None."""
    from arxdocker.percent import parse_percent

    number = parse_percent(text, option, upper=upper, allow_off=True)
    return None if number is None else number / 100
