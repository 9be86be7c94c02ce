"""Build with docker buildx, composing the cache flags, showing which steps hit the cache, and
recording the build.

arxdocker runs `docker buildx build` with `--progress=rawjson` underneath and reads its events
while it runs. Whatever `--progress` shows, the build ends with the same cache report as
`arxdocker analyze`, and one JSON record is appended to the history (.arxdocker/history.jsonl in
the context by default).

cache shorthands (--cache, repeatable; full specs go to --cache-from/--cache-to untouched):
  registry:REF   import from and export to REF (mode=max, ignore-error=true)
  local:DIR      import from DIR; export to a fresh folder swapped into DIR after success
  inline         export inline with the image; import from the first -t tag
  gha[:SCOPE]    GitHub Actions cache (url and token from the ACTIONS_* environment)
  none           no cache flags, and config defaults dropped

build args whose names look secret (token, secret, password, passwd, key, credential, auth,
cert) are recorded by name only and their values masked in all output; prefer --secret.

defaults come from [tool.arxdocker] (and [tool.arxdocker.targets.NAME]) in the context's
pyproject.toml, or from arxdocker.toml; flags override them.

exit codes: buildx's exit code; 1 when the hit rate is below --min-hit-rate;
            2 for a usage or setup problem; 130 when interrupted.
            A build whose image export fails on BuildKit's unpack race (moby/buildkit#6521,
            "parent snapshot ... does not exist") after every step ran is retried once.
"""

from __future__ import annotations

import argparse

EPILOG = """\
examples:
  arxdocker build . -t app:dev --load
  arxdocker build --cache registry:registry.example/app:buildcache --push -t registry.example/app:1
  arxdocker build --cache local:.cache/buildkit --progress plain
  arxdocker build --target test --min-hit-rate 80 --json | jq .summary
  arxdocker build . --record build.json -- --label commit=abc123   (after --: to buildx)
"""

PROGRESS_MODES = ("auto", "tty", "plain", "rawjson", "quiet")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument(
        "context",
        nargs="*",
        metavar="CONTEXT [-- EXTRA BUILDX ARGS]",
        help="the build context (default: .); arguments after `--` go to buildx as they are",
    )
    parser.add_argument("-f", "--file", help="the Dockerfile (default: CONTEXT/Dockerfile)")
    parser.add_argument("-t", "--tag", action="append", default=[], help="image tag (repeatable)")
    parser.add_argument("--target", help="the stage to build")
    parser.add_argument(
        "--build-arg",
        action="append",
        default=[],
        metavar="K=V",
        help="build arg (repeatable); K alone takes the value from the environment",
    )
    parser.add_argument(
        "--platform", action="append", default=[], help="target platform (repeatable)"
    )
    parser.add_argument("--builder", help="the buildx builder (default: the current one)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--load", action="store_true", default=None, help="load into docker")
    output.add_argument("--push", action="store_true", default=None, help="push the image")
    parser.add_argument("--no-cache", action="store_true", help="build every step again")
    parser.add_argument(
        "--cache", action="append", default=[], metavar="SPEC", help="cache shorthand (see above)"
    )
    parser.add_argument(
        "--cache-from", action="append", default=[], metavar="SPEC", help="full BuildKit spec"
    )
    parser.add_argument(
        "--cache-to", action="append", default=[], metavar="SPEC", help="full BuildKit spec"
    )
    parser.add_argument(
        "--cache-optional",
        action="store_true",
        default=None,
        help="drop a cache export the builder cannot do (warn and record it) instead of stopping",
    )
    parser.add_argument(
        "--secret", action="append", default=[], metavar="SPEC", help="buildx --secret spec"
    )
    parser.add_argument(
        "--progress",
        choices=PROGRESS_MODES,
        help="tty: live view; plain: BuildKit's text; rawjson: the raw events; quiet: nothing "
        "(default: tty on a terminal, plain otherwise)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the arxdocker.report/v1 document, not a table"
    )
    parser.add_argument("--record", metavar="FILE", help="also write this build's record to FILE")
    parser.add_argument(
        "--history",
        metavar="FILE",
        help="the history file (default: CONTEXT/.arxdocker/history.jsonl)",
    )
    parser.add_argument(
        "--min-hit-rate",
        metavar="PCT",
        help="exit 1 when fewer than PCT%% of the steps came from the cache: 80 or 80%%; "
        "0.8 or 1.0 is refused (did you mean 80?), 0.8%% is 0.8%%",
    )


def run(args: argparse.Namespace) -> int:
    import os
    import sys

    from arxdocker.build.launch import launch
    from arxdocker.build.request import make_settings

    settings = make_settings(args, os.environ, stderr_is_tty=sys.stderr.isatty())
    launched = launch(settings.request)  # buildx runs from here; the rest imports meanwhile
    try:
        from arxdocker.build.session import follow
        from arxdocker.history.store import save
        from arxdocker.render.build_output import BuildOutput

        with BuildOutput(settings.progress, redact=settings.request.redactor.text) as output:
            outcome = follow(launched, output.display)
    except BaseException:
        launched.interrupt()
        raise
    finally:
        launched.cleanup()
    from arxdocker.build.session import retry_if_export_race

    outcome = retry_if_export_race(outcome, settings.request, output.notice)
    problems = save(outcome.record.to_dict(), settings.history, settings.record)
    output.report(
        outcome.report,
        [*outcome.messages, *problems],
        as_json=settings.json,
        gate=outcome.gate,
        cache_problems=outcome.record.cache.get("problems", []),
    )
    if not settings.json and outcome.report.summary.steps_built:
        from arxdocker.commands.explain import print_why_rebuilt

        print_why_rebuilt(outcome.record.to_dict(), settings.history)
    from arxdocker.build.ci import detect

    ci = detect(os.environ)
    if ci is not None:  # the job summary and the failure's annotation (docs/ci.md)
        from pathlib import Path

        from arxdocker.analysis.bake import BakeReport
        from arxdocker.commands._ci_output import publish, summary_problems

        request = settings.request
        name = request.options.target or request.context.name
        publish(
            ci,
            BakeReport(outcome.report, {name: outcome.report}),
            dockerfiles={name: request.dockerfile},
            text_lines=[],
            cwd=Path.cwd(),
            annotations_to=sys.stderr if settings.json else sys.stdout,
            cache_problems=summary_problems(outcome.record.cache),
        )
    return outcome.exit_code
