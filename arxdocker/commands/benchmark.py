"""Build the same context N times per scenario and report the wall time (min/median/max), the
steps cached and the hit rate of each:

  cold         every step built again (--no-cache; the builder's cache is never pruned)
  warm         nothing changed since the previous build
  incremental  the --touch file (or `touch` in [tool.arxdocker]) gets a content change before
               each run: a line of spaces and tabs is appended (a new one each run), and the
               file is restored at the end

Every run is an ordinary `arxdocker build` (the build options below are the same) whose record
goes to the history with `labels.scenario` set, so `arxdocker history` and `compare` show it.
When the first scenario is not cold, one untimed warm-up build (labelled `warmup`) comes first.

exit codes: 0 all runs built; 1 a run failed (the benchmark stops there); 2 usage; 130 interrupted.
"""

from __future__ import annotations

import argparse
from typing import Any

EPILOG = """\
examples:
  arxdocker benchmark dockerfiles/webapp -n 3 --touch src/index.html
  arxdocker benchmark . -f Dockerfile.unfriendly --scenarios warm,incremental --touch src/app.py
  arxdocker benchmark . -n 5 --scenarios cold,warm --json | jq '.scenarios.warm.wall_s'
"""

SCENARIOS = ("cold", "warm", "incremental")
# The `arxdocker build` options a benchmark passes on to every run.
BUILD_OPTIONS = {"context", "file", "tag", "target", "build_arg", "platform", "builder", "load",
                 "push", "cache", "cache_from", "cache_to", "cache_optional", "secret",
                 "history"}  # fmt: skip


def _build_parser() -> argparse.ArgumentParser:
    from arxdocker.commands import build

    parser = argparse.ArgumentParser(add_help=False)
    build.configure(parser)
    return parser


def _scenarios(text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown scenario {', '.join(unknown) or repr(text)}; "
            f"choose from {', '.join(SCENARIOS)}"
        )
    return tuple(dict.fromkeys(names))


def _runs(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of runs (1 or more)")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("-n", type=_runs, default=3, metavar="N", help="runs per scenario (3)")
    parser.add_argument(
        "--scenarios",
        type=_scenarios,
        default=SCENARIOS,
        metavar="LIST",
        help="comma-separated, run in this order (default: cold,warm,incremental)",
    )
    parser.add_argument(
        "--touch",
        metavar="PATH",
        help="the file the incremental scenario changes, relative to CONTEXT and inside it "
        '(default: touch = "PATH" in the context\'s [tool.arxdocker] or arxdocker.toml)',
    )
    parser.add_argument("--json", action="store_true", help="print arxdocker.benchmark/v1 JSON")
    group = parser.add_argument_group("build options (as for arxdocker build)")
    for action in _build_parser()._actions:
        if action.dest in BUILD_OPTIONS:
            if action.dest == "cache":
                action.help = "cache shorthand: registry:REF, local:DIR, inline, gha[:SCOPE], none"
            group._add_action(action)


def run(args: argparse.Namespace) -> int:
    import sys
    from contextlib import nullcontext
    from pathlib import Path

    from arxdocker.analysis.benchmark import by_scenario
    from arxdocker.benchmark.interrupts import interrupts_raise
    from arxdocker.benchmark.runner import run_build
    from arxdocker.benchmark.touch import touch_path as resolve_touch
    from arxdocker.benchmark.touch import touch_setting, touching
    from arxdocker.build.request import context_folder, split_positionals
    from arxdocker.errors import ArxError
    from arxdocker.history.record import new_id
    from arxdocker.render.benchmark_output import BenchmarkProgress
    from arxdocker.render.theme import make_console

    context, _ = split_positionals(list(args.context or []))
    setting = touch_setting(context_folder(context), args.touch, args.target)
    if "incremental" in args.scenarios and setting is None:
        raise ArxError(
            "the incremental scenario needs --touch PATH, a file in the context to change",
            hint='or set touch = "PATH" in [tool.arxdocker], or leave it out: '
            "--scenarios cold,warm",
        )
    touched, said_by = setting or (None, "--touch")
    touch_path = resolve_touch(Path(context), touched, said_by) if touched else None
    build_args = _build_parser().parse_args([])
    for name in BUILD_OPTIONS:
        setattr(build_args, name, getattr(args, name))
    build_args.progress = "quiet"
    build_args.json = True  # keeps buildx's stdout off ours
    benchmark_id = new_id()
    records = []
    warnings: dict[str, None] = {}
    progress = BenchmarkProgress(make_console(stderr=True))
    with (
        interrupts_raise(),
        touching(touch_path, said_by) if touch_path else nullcontext() as touch,
        progress.shown(),
    ):
        plan = [("warmup", 1)] if args.scenarios[0] != "cold" else []
        plan += [(name, number) for name in args.scenarios for number in range(1, args.n + 1)]
        for scenario, number in plan:
            if scenario == "incremental":
                touch.change()
            build_args.no_cache = scenario == "cold"
            label = scenario if scenario == "warmup" else f"{scenario} {number}/{args.n}"
            progress.start(label)
            labels: dict[str, Any] = {"scenario": scenario, "benchmark": benchmark_id}
            outcome = run_build(build_args, labels | {"run": number}, display=progress)
            progress.finish(outcome.record, counted=scenario != "warmup")
            warnings.update(dict.fromkeys(outcome.warnings))
            if outcome.failed:
                for message in warnings:
                    print(f"arxdocker: warning: {message}", file=sys.stderr)
                error = outcome.report.error or f"exit code {outcome.exit_code}"
                print(f"arxdocker: error: {label} failed: {error}", file=sys.stderr)
                return 130 if outcome.record.status == "interrupted" else 1
            if scenario != "warmup":
                records.append(outcome.record)
    for message in warnings:
        print(f"arxdocker: warning: {message}", file=sys.stderr)
    stats = by_scenario(records)
    for item in stats:
        if item.scenario == "incremental" and item.hit_rate == 1.0:
            print(
                f"arxdocker: warning: changing {touched} rebuilt no step: is it in "
                ".dockerignore, or not copied into the image?",
                file=sys.stderr,
            )
    return _print(args, stats, benchmark_id, context, touch_path)


def _print(args: argparse.Namespace, stats: list[Any], benchmark_id: str, context: str,
           touch: Any) -> int:  # fmt: skip
    import sys

    from arxdocker.render.benchmark_output import BenchmarkTable, benchmark_dict
    from arxdocker.render.theme import make_console

    if args.json:
        import json

        meta = {
            "id": benchmark_id,
            "context": context,
            "file": args.file,
            "target": args.target,
            "runs_per_scenario": args.n,
            "touch": None if touch is None else str(touch),
        }
        json.dump(benchmark_dict(meta, stats), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        make_console().print(BenchmarkTable(stats))
    return 0
