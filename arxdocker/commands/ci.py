"""CI helpers. `arxdocker ci init` prints a ready workflow that builds with arxdocker and
publishes the build cache to a registry (see docs/ci.md)."""

from __future__ import annotations

import argparse

EPILOG = """\
examples:
  arxdocker ci init > .github/workflows/build.yml
  arxdocker ci init --provider gitlab > .gitlab-ci.yml
  arxdocker ci init --cache-ref ghcr.io/acme/cache --bake
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    sub = parser.add_subparsers(dest="ci_command", metavar="SUBCOMMAND", required=True)
    init = sub.add_parser(
        "init",
        help="print a CI workflow",
        description="Print a workflow that builds with arxdocker and publishes its cache.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    init.add_argument(
        "--provider",
        choices=("github", "gitlab"),
        default="github",
        help="the CI service (default: github)",
    )
    init.add_argument(
        "--cache-ref",
        metavar="PREFIX",
        help="the registry prefix for cache, lower case, no tag, e.g. ghcr.io/acme/cache "
        "(default: the provider's own registry, lowered on GitHub); the job logs in to its "
        "registry with the job's token, or for another registry with CI secrets the workflow "
        "names",
    )
    init.add_argument(
        "--bake", action="store_true", help="run `arxdocker bake` instead of `arxdocker build`"
    )


def run(args: argparse.Namespace) -> int:
    import sys

    from arxdocker.build.ci import cache_ref_problem
    from arxdocker.errors import ArxError
    from arxdocker.render.ci_workflow import workflow

    if args.cache_ref is not None and (problem := cache_ref_problem(args.cache_ref)):
        raise ArxError(problem)
    sys.stdout.write(workflow(args.provider, cache_ref=args.cache_ref, bake=args.bake))
    return 0
