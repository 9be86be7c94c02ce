"""What to build, and the two pure translations of it: buildx's argv and python-on-whales' kwargs.

`buildx_argv` spells the flags exactly as python-on-whales' `docker.buildx.build()` does for
`whales_kwargs` of the same options (a test holds them equal), plus what python-on-whales cannot
express: several `--cache-to`, extra buildx args, and secret-looking build args passed by name only
(buildx then reads the value from the environment, so it never shows in `ps` or in an exception).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from arxdocker.build.cachespec import parse_spec
from arxdocker.build.redact import looks_secret


@dataclass(frozen=True, slots=True)
class BuildOptions:
    context: str = "."
    file: str | None = None
    tags: tuple[str, ...] = ()
    target: str | None = None
    build_args: tuple[tuple[str, str], ...] = ()
    platforms: tuple[str, ...] = ()
    builder: str | None = None
    load: bool = False
    push: bool = False
    no_cache: bool = False
    cache_from: tuple[str, ...] = ()
    cache_to: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    metadata_file: str | None = None
    extra_args: tuple[str, ...] = ()


class NotExpressible(ValueError):
    """These options use something python-on-whales' `buildx.build()` cannot say."""


def buildx_argv(
    options: BuildOptions, *, progress: str = "rawjson", docker: str = "docker"
) -> tuple[list[str], dict[str, str]]:
    """The command line, and the environment entries it needs (secret build-arg values)."""
    argv = [docker, "buildx", "build", "--progress", progress]
    env: dict[str, str] = {}
    for name, value in options.build_args:
        if looks_secret(name):
            env[name] = value
            argv += ["--build-arg", name]
        else:
            argv += ["--build-arg", f"{name}={value}"]
    if options.builder:
        argv += ["--builder", options.builder]
    if options.push:
        argv.append("--push")
    if options.load:
        argv.append("--load")
    if options.metadata_file:
        argv += ["--metadata-file", options.metadata_file]
    if options.file:
        argv += ["--file", options.file]
    if options.target:
        argv += ["--target", options.target]
    for spec in options.cache_from:
        argv += ["--cache-from", spec]
    for spec in options.cache_to:
        argv += ["--cache-to", spec]
    for secret in options.secrets:
        argv += ["--secret", secret]
    if options.platforms:
        argv += ["--platform", ",".join(options.platforms)]
    if options.no_cache:
        argv.append("--no-cache")
    for tag in options.tags:
        argv += ["--tag", tag]
    argv += [*options.extra_args, options.context]
    return argv, env


def whales_kwargs(options: BuildOptions, *, progress: str = "rawjson") -> dict[str, Any]:
    """Keyword arguments for `python_on_whales.docker.buildx.build()` (stream_logs=True)."""
    if len(options.cache_to) > 1:
        raise NotExpressible("python-on-whales takes a single --cache-to")
    if options.extra_args:
        raise NotExpressible("python-on-whales has no pass-through for extra buildx args")
    kwargs: dict[str, Any] = {
        "context_path": options.context,
        "progress": progress,
        "stream_logs": True,
        "build_args": dict(options.build_args),
        "builder": options.builder,
        "push": options.push,
        "load": options.load,
        "metadata_file": options.metadata_file,
        "file": options.file,
        "target": options.target,
        "cache": not options.no_cache,
        "cache_from": [parse_spec(spec) for spec in options.cache_from] or None,
        "cache_to": parse_spec(options.cache_to[0]) if options.cache_to else None,
        "secrets": list(options.secrets),
        "platforms": list(options.platforms) or None,
        "tags": list(options.tags),
    }
    return kwargs
