"""`arxdocker doctor`'s judgement: each fact checked, each problem with its fix. Pure functions.

A check is `ok`, `warn` (works, but worth fixing) or `fail` (the configured setup cannot work);
any `fail` makes doctor exit 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from arxdocker.analysis.cache_usage import summarize
from arxdocker.build.cachespec import EXPORTING_TYPES, parse_spec
from arxdocker.build.capability import BuilderInfo, export_problems
from arxdocker.engine.doctor_checks import BuilderFacts, DoctorFacts, bad_endpoint
from arxdocker.errors import ArxError

OK, WARN, FAIL = "ok", "warn", "fail"
BACKENDS = ("inline", *sorted(EXPORTING_TYPES))
ENGINE_FIX = (
    "start the Docker engine (e.g. `systemctl start docker`), or point DOCKER_HOST at a running "
    "one (unset it to use /var/run/docker.sock)"
)


@dataclass(frozen=True, slots=True)
class Check:
    topic: str
    status: str
    detail: str
    fix: str | None = None


def registry_of(ref: str) -> str:
    """The registry host of an image ref, as docker reads it (`app:cache` -> docker.io)."""
    first, sep, _ = ref.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


def registry_hosts(specs: tuple[str, ...]) -> list[str]:
    """The registries that registry cache specs name, in first-seen order."""
    return list(dict.fromkeys(host for host, _ in _registry_specs(specs)))


def _registry_specs(specs: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """Each registry cache spec's host and fields (a spec that does not parse is left out)."""
    for spec in specs:
        try:
            fields = parse_spec(spec)
        except ArxError:
            continue
        if fields.get("type", "registry") == "registry" and fields.get("ref"):
            yield registry_of(fields["ref"]), fields


def exportable(builder: BuilderFacts, containerd_store: bool | None) -> list[str]:
    """The cache backends `builder` can export (inline always rides inside the image)."""
    info = _info(builder, containerd_store)
    return ["inline"] + [
        kind for kind in sorted(EXPORTING_TYPES) if not export_problems((f"type={kind}",), info)
    ]


def _info(builder: BuilderFacts, containerd_store: bool | None) -> BuilderInfo:
    store = containerd_store if builder.driver == "docker" else None
    return BuilderInfo(builder.name, builder.driver or "?", builder.buildkit, store)


def _selected(facts: DoctorFacts) -> BuilderFacts | None:
    """The builder builds use: the named one (--builder, config, BUILDX_BUILDER), or the current."""
    if facts.selected_builder:
        return next((b for b in facts.builders if b.name == facts.selected_builder), None)
    return next((b for b in facts.builders if b.current), None)


def _endpoint_check(facts: DoctorFacts) -> Check:
    """The docker CLI could not pick an endpoint: name the variable that chose it."""
    error = (facts.engine_error or "").removeprefix("Failed to initialize: ")
    error = error.removeprefix("unable to resolve docker endpoint: ")
    if facts.docker_context:
        return Check(
            "docker endpoint",
            FAIL,
            f"DOCKER_CONTEXT={facts.docker_context} cannot be used: {error}",
            "unset DOCKER_CONTEXT, or set it to one of `docker context ls`",
        )
    if not facts.docker_host.endswith("(default)"):
        return Check(
            "docker endpoint",
            FAIL,
            f"DOCKER_HOST={facts.docker_host} is not an endpoint docker can use: {error}",
            "set DOCKER_HOST to unix:///var/run/docker.sock, tcp://HOST:2376 or ssh://USER@HOST, "
            "or unset it",
        )
    return Check(
        "docker endpoint",
        FAIL,
        f"docker cannot pick its endpoint: {error}",
        "`docker context ls` lists the contexts; `docker context use default` picks the local one",
    )


def _engine_checks(facts: DoctorFacts) -> list[Check]:
    checks = []
    if facts.docker_client is None:
        checks.append(
            Check("docker client", FAIL, "the docker CLI does not run", "install the docker CLI")
        )
        return checks  # nothing else can be asked
    checks.append(Check("docker client", OK, facts.docker_client))
    if bad_endpoint(facts.engine_error):
        checks.append(_endpoint_check(facts))
        return checks  # no docker command runs until that is fixed, buildx included
    if facts.docker_server is None:
        context = f" (DOCKER_CONTEXT={facts.docker_context})" if facts.docker_context else ""
        checks.append(
            Check(
                "docker engine",
                FAIL,
                f"no engine answers at DOCKER_HOST={facts.docker_host}{context}: "
                f"{facts.engine_error}",
                ENGINE_FIX,
            )
        )
    else:
        checks.append(Check("docker engine", OK, f"{facts.docker_server} at {facts.docker_host}"))
    if facts.buildx is None:
        checks.append(
            Check(
                "buildx",
                FAIL,
                "the buildx plugin does not run",
                "install docker-buildx (a CLI plugin in ~/.docker/cli-plugins or "
                "/usr/libexec/docker/cli-plugins)",
            )
        )
    else:
        checks.append(Check("buildx", OK, facts.buildx))
    if facts.containerd_store:
        checks.append(Check("image store", OK, "containerd image store on"))
    elif facts.containerd_store is False:
        checks.append(
            Check(
                "image store",
                WARN,
                "classic image store: the docker driver exports inline cache only",
                'add {"features": {"containerd-snapshotter": true}} to daemon.json and restart '
                "dockerd, or `docker buildx create --use --driver docker-container`",
            )
        )
    return checks


def _builder_checks(facts: DoctorFacts) -> list[Check]:
    checks = []
    # With the engine down every builder on it reports that error: the engine check says it.
    shown = facts.builders if facts.docker_server is not None else ()
    for builder in shown:
        mark = " (selected)" if builder is _selected(facts) else ""
        where = ", ".join(builder.endpoints) or "?"
        topic = f"builder {builder.name}{mark}"
        detail = (
            f"driver {builder.driver}, endpoint {where}, {builder.status or 'status unknown'}; "
            f"exports {', '.join(exportable(builder, facts.containerd_store))}"
        )
        if builder.error:
            status = FAIL if mark else WARN
            fix = f"`docker buildx inspect --bootstrap {builder.name}`, or `docker buildx rm` it"
            checks.append(Check(topic, status, f"{detail}; error: {builder.error}", fix))
        elif builder.status not in (None, "running"):
            fix = f"`docker buildx inspect --bootstrap {builder.name}` starts it"
            checks.append(Check(topic, OK if builder.status == "inactive" else WARN, detail, fix))
        else:
            checks.append(Check(topic, OK, detail))
    named = facts.selected_builder
    if facts.builders and named and _selected(facts) is None:
        checks.append(
            Check(
                f"builder {named}",
                FAIL,
                "does not exist (named by --builder, the config's builder or BUILDX_BUILDER)",
                f"`docker buildx create --name {named} --driver docker-container`, or pick one "
                "of `docker buildx ls`",
            )
        )
    if facts.docker_server is not None and facts.buildx is not None and not facts.builders:
        checks.append(
            Check(
                "builders",
                FAIL,
                "`docker buildx ls` lists no builder",
                "`docker buildx create --use`",
            )
        )
    return checks


def _cache_config_checks(facts: DoctorFacts) -> list[Check]:
    specs = (*facts.cache_from, *facts.cache_to)
    source = facts.config_source or "the command line"
    if not specs:
        return [
            Check(
                "cache config",
                WARN,
                "no cache import or export configured: every CI runner starts cold",
                'add cache = ["registry:REGISTRY/NAME:buildcache"] under [tool.arxdocker] in '
                "pyproject.toml, or pass --cache registry:REF",
            )
        ]
    checks = [
        Check(
            "cache config", OK, f"{', '.join(facts.cache_to or facts.cache_from)} (from {source})"
        )
    ]
    builder = _selected(facts) if facts.docker_server is not None else None
    if builder is not None:
        for problem in export_problems(facts.cache_to, _info(builder, facts.containerd_store)):
            checks.append(Check("cache export", FAIL, problem.message, problem.hint))
    for probe in facts.registries:
        if probe.answers:
            checks.append(Check(f"registry {probe.host}", OK, f"answers: {probe.detail}"))
            continue
        # A failed import only warns; a failed export stops the build unless ignore-error=true.
        stops = _exports_without_ignore_error(facts.cache_to, probe.host)
        effect = "the build fails" if stops else "builds run without this cache"
        checks.append(
            Check(
                f"registry {probe.host}",
                FAIL if stops else WARN,
                f"does not answer at /v2/ ({probe.detail}): cache import and export fail, "
                f"so {effect}",
                f"start the registry at {probe.host} or fix the cache ref's host; "
                "`docker login` if it needs credentials",
            )
        )
    return checks


def _exports_without_ignore_error(cache_to: tuple[str, ...], host: str) -> bool:
    return any(
        fields.get("ignore-error", "false").lower() != "true"
        for spec_host, fields in _registry_specs(cache_to)
        if spec_host == host
    )


def _build_cache_checks(facts: DoctorFacts, large_bytes: int) -> list[Check]:
    import humanize

    if facts.cache_records is None:
        if facts.cache_error and facts.docker_server is not None:
            return [Check("build cache", WARN, f"cannot read it: {facts.cache_error}")]
        return []
    usage = summarize(list(facts.cache_records))
    detail = (
        f"{humanize.naturalsize(usage.size)} in {usage.records} records, "
        f"{humanize.naturalsize(usage.reclaimable)} reclaimable"
    )
    if usage.size > large_bytes:
        return [
            Check(
                "build cache",
                WARN,
                f"{detail}: over {humanize.naturalsize(large_bytes)}",
                "`arxdocker cache du` shows what; `arxdocker cache prune --older-than 7d` "
                "frees the stale part",
            )
        ]
    return [Check("build cache", OK, detail)]


def diagnose(facts: DoctorFacts, large_bytes: int = 50 * 10**9) -> list[Check]:
    """Every check, in the order doctor prints them."""
    checks = _engine_checks(facts)
    if facts.docker_client is not None and not bad_endpoint(facts.engine_error):
        checks += _builder_checks(facts)
    checks += _cache_config_checks(facts)
    checks += _build_cache_checks(facts, large_bytes)
    return checks


def exit_code(checks: list[Check]) -> int:
    return 1 if any(check.status == FAIL for check in checks) else 0
