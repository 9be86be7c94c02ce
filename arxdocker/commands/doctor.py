"""Check that builds can run and share cache here: docker client, engine and buildx versions, the
builders with their drivers and endpoints, the containerd image store, which cache backends each
builder can export, whether the configured cache registry answers, and the build cache's disk use.

Every problem comes with its fix. Exit 1 when the configured setup cannot work, 0 otherwise.
The cache setting is read from `[tool.arxdocker]` in CONTEXT's pyproject.toml (or arxdocker.toml);
--cache replaces it.
"""

from __future__ import annotations

import argparse

EPILOG = """\
examples:
  arxdocker doctor
  arxdocker doctor --cache registry:registry.example/app:buildcache
  arxdocker doctor services/api --builder ci --json | jq '.checks[] | select(.status != "ok")'
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument(
        "context", nargs="?", default=".", help="the folder whose arxdocker config to check"
    )
    parser.add_argument(
        "--cache",
        action="append",
        default=[],
        metavar="SPEC",
        help="cache shorthand to check instead of the config's (registry:REF, local:DIR, ...)",
    )
    parser.add_argument("--builder", help="the buildx builder (default: the configured/current)")
    parser.add_argument("--json", action="store_true", help="print arxdocker.doctor/v1 JSON")


def _cache_plan(
    args: argparse.Namespace,
) -> tuple[str | None, tuple[str, ...], tuple[str, ...], str | None]:
    from pathlib import Path

    from arxdocker.build.cachespec import plan, require_none_alone
    from arxdocker.build.config import load_config

    config = load_config(Path(args.context), None)
    tags = tuple(config.get("tags", ()))
    require_none_alone(args.cache or ())
    if args.cache:
        chosen = plan(tuple(args.cache), tags=tags, staging_suffix="doctor")
        source = "--cache"
    else:
        chosen = plan(
            tuple(config.get("cache", ())),
            tuple(config.get("cache_from", ())),
            tuple(config.get("cache_to", ())),
            tags=tags,
            staging_suffix="doctor",
        )
        source = config.source
        if not (chosen.cache_from or chosen.cache_to):
            # what `arxdocker build` falls back to in CI (ARXDOCKER_CACHE_REF, or gha)
            import os

            from arxdocker.build.ci import CACHE_REF_VARIABLE
            from arxdocker.build.request import ci_default_cache

            name = config.get("target") or Path(args.context).resolve().name
            chosen = ci_default_cache(os.environ, name)
            ref = os.environ.get(CACHE_REF_VARIABLE, "").strip()
            source = f"{CACHE_REF_VARIABLE}={ref} in CI" if ref else "the CI's gha cache"
    # A local cache is exported to a staging folder swapped in after the build: show the folder
    # the user named.
    cache_to = chosen.cache_to
    for swap in chosen.local_swaps:
        cache_to = tuple(spec.replace(swap.staging, swap.final) for spec in cache_to)
    return source, chosen.cache_from, cache_to, config.get("builder")


def gather(args: argparse.Namespace):  # -> DoctorFacts
    import os
    from dataclasses import replace

    from arxdocker.analysis.doctor import registry_hosts
    from arxdocker.engine import doctor_checks as ask
    from arxdocker.engine.images import containerd_image_store
    from arxdocker.errors import ArxError

    source, cache_from, cache_to, configured_builder = _cache_plan(args)
    server, engine_error = ask.server_version()
    facts = ask.DoctorFacts(
        docker_host=ask.docker_host(),
        docker_client=ask.client_version(),
        docker_context=os.environ.get("DOCKER_CONTEXT") or None,
        docker_server=server,
        engine_error=engine_error,
        config_source=source,
        cache_from=cache_from,
        cache_to=cache_to,
        registries=tuple(ask.probe_registry(h) for h in registry_hosts((*cache_from, *cache_to))),
    )
    if facts.docker_client is None or ask.bad_endpoint(engine_error):
        return facts  # no docker command can run: that is the one thing to fix
    # buildx and its builders answer without an engine: a missing plugin or a --builder that
    # does not exist is reported even while the engine is down.
    buildx = ask.buildx_version()
    builders = tuple(ask.builders()) if buildx is not None else ()
    named = args.builder or configured_builder or os.environ.get("BUILDX_BUILDER")
    facts = replace(facts, buildx=buildx, builders=builders, selected_builder=named)
    if server is None:
        return facts
    from arxdocker.engine.buildcache import disk_usage

    selected = named or next((b.name for b in builders if b.current), None)
    records, cache_error = None, None
    try:
        records = tuple(disk_usage(selected)[0])
    except ArxError as error:
        cache_error = error.message
    return replace(
        facts,
        containerd_store=containerd_image_store(),
        selected_builder=selected,
        cache_records=records,
        cache_error=cache_error,
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from arxdocker.analysis.doctor import diagnose, exit_code
    from arxdocker.errors import ArxError

    if not Path(args.context).is_dir():
        raise ArxError(f"{args.context}: no such folder (the build context whose config to check)")

    checks = diagnose(gather(args))
    code = exit_code(checks)
    if args.json:
        import json
        import sys

        from arxdocker.render.doctor import doctor_dict

        json.dump(doctor_dict(checks, code), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return code
    from arxdocker.render.doctor import DoctorReport
    from arxdocker.render.theme import make_console

    make_console().print(DoctorReport(checks))
    return code
