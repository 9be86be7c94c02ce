"""Build several images with `docker buildx bake`, each with its own cache, and report per target.

arxdocker runs `docker buildx bake --progress=rawjson` underneath and reads its events while it
runs. It ends with a cache report per target and in total. A step is a distinct vertex: one that
several targets share (a stage they build alike) counts once in the total, and in every target
whose build has it, whichever target or stage BuildKit names it after (docs/ci.md). One record
per target is appended to the history (.arxdocker/history.jsonl in the current folder by default).

cache (--cache; injected per target with --set TARGET.cache-from/cache-to):
  registry:PREFIX  target T imports from and exports to PREFIX/T:cache (mode=max, ignore-error)
  local:DIR        target T uses DIR/T (a fresh export swapped into place after success)
  gha[:SCOPE]      GitHub Actions cache, scope SCOPE-T (or T)
  none             no cache settings beyond the bake file's own

in CI (GITHUB_ACTIONS, GITLAB_CI or CI set) without --cache: registry:$ARXDOCKER_CACHE_REF when
that is set, else gha on GitHub Actions. With GITHUB_STEP_SUMMARY set, a markdown job summary is
written there; on GitHub Actions a failure is annotated at its Dockerfile line.

exit codes: buildx's exit code; 1 when the hit rate is below --min-hit-rate;
            2 for a usage or setup problem; 130 when interrupted.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from arxdocker.build.bake import BakeCache, BakeTarget
    from arxdocker.build.bake_session import BakeOutcome

EPILOG = """\
examples:
  arxdocker bake
  arxdocker bake app test --cache registry:registry.example/cache
  arxdocker bake -f docker-bake.hcl --set '*.args.BASE_IMAGE=debian:12' --progress plain
  arxdocker bake --cache local:.cache/bake --json | jq '.targets | map_values(.summary.hit_rate)'
  ARXDOCKER_CACHE_REF=ghcr.io/org/cache arxdocker bake --min-hit-rate 80   # in CI
"""

PROGRESS_MODES = ("auto", "tty", "plain", "rawjson", "quiet")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("targets", nargs="*", metavar="TARGET", help="targets or groups to bake")
    parser.add_argument(
        "-f", "--file", action="append", default=[], metavar="FILE", help="bake file (repeatable)"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="K=V",
        help="override a target value, as buildx's --set (repeatable)",
    )
    parser.add_argument("--cache", metavar="SPEC", help="registry:PREFIX, local:DIR, gha or none")
    parser.add_argument("--builder", help="the buildx builder (default: the current one)")
    parser.add_argument(
        "--progress",
        choices=PROGRESS_MODES,
        default="auto",
        help="tty: live view; plain: BuildKit's text; rawjson: the raw events; quiet: nothing "
        "(default: tty on a terminal, plain otherwise)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the arxdocker.bake-report/v1 document"
    )
    parser.add_argument(
        "--history",
        metavar="FILE",
        help="the history file (default: ./.arxdocker/history.jsonl)",
    )
    parser.add_argument(
        "--min-hit-rate",
        metavar="PCT",
        help="exit 1 when fewer than PCT%% of all steps came from the cache: 80 or 80%%; "
        "0.8 or 1.0 is refused (did you mean 80?), 0.8%% is 0.8%%",
    )


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    import tempfile
    from pathlib import Path

    from arxdocker.build import bake
    from arxdocker.build.ci import default_cache, detect
    from arxdocker.errors import ArxError
    from arxdocker.percent import parse_percent

    if args.min_hit_rate is not None:
        args.min_hit_rate = parse_percent(args.min_hit_rate, "--min-hit-rate", upper=100)
    cwd = Path.cwd()
    definition = bake.print_definition(args.file, args.set, args.targets, cwd)
    targets = bake.targets_of(definition, cwd)
    if not targets:
        raise ArxError("the bake definition has no targets", hint="name a target or add one")
    shorthand = args.cache or default_cache(os.environ)
    cache = bake.cache_for([target.name for target in targets], shorthand)
    _check_cache(cache, args.builder, os.environ)
    handle, metadata_file = tempfile.mkstemp(prefix="arxdocker-bake-", suffix=".json")
    os.close(handle)
    argv = bake.build_argv(
        args.file, args.set, args.targets, cache, builder=args.builder, metadata_file=metadata_file
    )
    progress = args.progress
    if progress == "auto":
        progress = "tty" if sys.stderr.isatty() else "plain"
    history = Path(args.history) if args.history else cwd / ".arxdocker" / "history.jsonl"

    from arxdocker.history.store import save

    outcome = _bake(
        args,
        argv,
        targets=targets,
        cache=cache,
        history=history,
        progress=progress,
        metadata_file=metadata_file,
    )
    problems = [issue for record in outcome.records for issue in save(record.to_dict(), history)]
    _show(args, outcome, [*outcome.messages, *problems])
    ci = detect(os.environ)
    if ci is not None:
        from arxdocker.commands._ci_output import publish

        publish(
            ci,
            outcome.report,
            dockerfiles={target.name: target.dockerfile for target in targets},
            text_lines=outcome.text_lines,
            cwd=cwd,
            annotations_to=sys.stderr if args.json else sys.stdout,
            cache_problems=[
                problem.describe() for problem in outcome.cache_problems if not problem.nothing_yet
            ],
        )
    if outcome.gate:
        print(f"arxdocker: error: {outcome.gate}", file=sys.stderr)
    return outcome.exit_code


def _bake(
    args: argparse.Namespace,
    argv: list[str],
    *,
    targets: list[BakeTarget],
    cache: BakeCache,
    history: Path,
    progress: str,
    metadata_file: str,
) -> BakeOutcome:
    """Run the bake with its display; once more if the engine lost the unpack race."""
    import sys
    from pathlib import Path

    from arxdocker.build.bake_session import retry_if_export_race, run_bake
    from arxdocker.render.build_output import BuildOutput

    echo = None
    if progress == "rawjson":

        def echo(line: bytes) -> None:
            sys.stderr.buffer.write(line)
            sys.stderr.buffer.flush()

    def bake_once(display: Any) -> BakeOutcome:
        try:
            return run_bake(
                argv,
                targets,
                cache,
                history=history,
                min_hit_rate=args.min_hit_rate,
                display=display,
                builder=args.builder,
                echo=echo,
                metadata_file=metadata_file,
            )
        finally:
            Path(metadata_file).unlink(missing_ok=True)

    with BuildOutput(progress) as output:
        outcome = bake_once(output.display)
    return retry_if_export_race(outcome, lambda: bake_once(None), args.min_hit_rate, output.notice)


def _show(args: argparse.Namespace, outcome: BakeOutcome, warnings: list[str]) -> None:
    """The warnings on stderr, then the report per target (or its JSON) on stdout."""
    import sys

    for message in dict.fromkeys(warnings):
        print(f"arxdocker: warning: {message}", file=sys.stderr)
    if args.json:
        import json

        from arxdocker.analysis.bake import bake_report_dict

        document = bake_report_dict(outcome.report)
        # what ignore-error=true kept from failing the bake, per target (`describe()` names it)
        document["cache_problems"] = [problem.describe() for problem in outcome.cache_problems]
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        from arxdocker.render.bake_table import render_bake
        from arxdocker.render.theme import make_console

        render_bake(outcome.report, make_console())
    sys.stdout.flush()


def _check_cache(cache: BakeCache, builder: str | None, environ: Mapping[str, str]) -> None:
    """Stop before building when the builder cannot export the cache, or gha lacks its token."""
    from arxdocker.build.cachespec import CachePlan, require_gha_environment

    if not cache.plans:
        return
    whole = sum(cache.plans.values(), CachePlan())
    require_gha_environment(whole, dict(environ), instead="--cache registry:PREFIX")
    from arxdocker.build.capability import export_problems
    from arxdocker.build.launch import inspect_builder_or_fail
    from arxdocker.errors import ArxError

    info = inspect_builder_or_fail(builder)
    problems = export_problems(whole.cache_to, info)
    if problems:
        raise ArxError(problems[0].message, hint=problems[0].hint)
