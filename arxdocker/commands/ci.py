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
        "(default: the provider's own registry, lowered on GitHub)",
    )
    init.add_argument(
        "--bake", action="store_true", help="run `arxdocker bake` instead of `arxdocker build`"
    )


# A registry repository as `docker buildx` takes it (distribution's reference grammar): a host
# (any case, optional port), then lower-case path components; no tag, since arxdocker adds one
# per target. A CI variable (`$CI_REGISTRY_IMAGE/cache`) cannot be checked here and is kept.
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY = rf"(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_VARIABLE_REF = r"[A-Za-z0-9._/:${}-]+"


def cache_ref_problem(ref: str) -> str | None:
    """Why `ref` cannot be a cache prefix, or None."""
    import re

    if not ref.strip():
        return "--cache-ref is empty"
    if "$" in ref:
        return None if re.fullmatch(_VARIABLE_REF, ref) else f"--cache-ref {ref!r} is not a ref"
    if re.fullmatch(_REPOSITORY, ref):
        return None
    host, _, path = ref.partition("/")
    if path and re.fullmatch(_REPOSITORY, f"{host}/{path.lower()}"):
        return f"--cache-ref {ref!r}: registries take repository names in lower case only"
    if re.fullmatch(rf"{_REPOSITORY}:[\w][\w.-]*", ref):
        return f"--cache-ref {ref!r} has a tag; give the prefix, arxdocker adds <target>:cache"
    return f"--cache-ref {ref!r} is not a registry repository (such as ghcr.io/acme/cache)"


def run(args: argparse.Namespace) -> int:
    import sys

    from arxdocker.errors import ArxError
    from arxdocker.render.ci_workflow import workflow

    if args.cache_ref is not None and (problem := cache_ref_problem(args.cache_ref)):
        raise ArxError(problem)
    sys.stdout.write(workflow(args.provider, cache_ref=args.cache_ref, bake=args.bake))
    return 0
