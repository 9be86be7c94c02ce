"""From command-line values and the config file to one `BuildRequest`: flags override config.

Pure apart from reading the config file: the environment is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arxdocker.build.cachespec import (
    CachePlan,
    plan,
    require_gha_environment,
    require_none_alone,
)
from arxdocker.build.config import DEFAULT_HISTORY, BuildConfig, load_config
from arxdocker.build.options import BuildOptions
from arxdocker.build.redact import Redactor, looks_secret
from arxdocker.errors import ArxError
from arxdocker.percent import parse_percent


@dataclass(frozen=True)
class BuildRequest:
    options: BuildOptions  # without cache specs: those come from `cache`
    cache: CachePlan
    context: Path
    dockerfile: Path
    cache_optional: bool = False
    min_hit_rate: float | None = None  # percent
    echo_rawjson: bool = False  # --progress rawjson: re-emit the (redacted) stream on stderr
    child_stdout_to_stderr: bool = False  # --json keeps stdout for the document
    history: Path | None = None

    @property
    def redactor(self) -> Redactor:
        return Redactor(value for name, value in self.options.build_args if looks_secret(name))


@dataclass(frozen=True)
class Settings:
    """What the command needs beyond the build itself."""

    request: BuildRequest
    progress: str
    json: bool
    history: Path
    record: Path | None
    config_source: str | None


def split_positionals(values: list[str]) -> tuple[str, tuple[str, ...]]:
    """`CONTEXT -- EXTRA...` as argparse leaves it: the context, then the extra buildx args."""
    if not values:
        return ".", ()
    if values[0].startswith("-"):
        return ".", tuple(values)
    return values[0], tuple(values[1:])


def parse_build_args(values: list[str], environ: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    result: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not name:
            raise ArxError(f"--build-arg {item!r} has no name", hint="write --build-arg NAME=VALUE")
        if not sep:
            if name not in environ:
                continue  # as buildx: an unset variable leaves the arg unset
            value = environ[name]
        result[name] = value
    return tuple(result.items())


def context_folder(text: str) -> Path:
    """The build context named on the command line, which must be a folder."""
    context = Path(text).resolve()
    if not context.is_dir():
        raise ArxError(f"build context {text!r} is not a folder")
    return context


def make_settings(args: Any, environ: Mapping[str, str], *, stderr_is_tty: bool) -> Settings:
    context_text, extra = split_positionals(list(args.context or []))
    context = context_folder(context_text)
    config = load_config(context, args.target)

    def pick(flag: Any, key: str, default: Any = None) -> Any:
        return flag if flag not in (None, [], ()) else config.get(key, default)

    if args.file:
        dockerfile = Path(args.file).resolve()
    else:
        dockerfile = context / config.get("file", "Dockerfile")
    if not dockerfile.is_file():
        raise ArxError(
            f"Dockerfile {str(dockerfile)!r} not found", hint="point -f at the Dockerfile"
        )
    tags = tuple(pick(args.tag, "tags", []))
    platforms = tuple(
        part.strip() for item in pick(args.platform, "platforms", []) for part in item.split(",")
    )
    config_args = dict(config.get("build_args", {}))
    build_args = {**config_args, **dict(parse_build_args(args.build_arg, environ))}
    cache = _cache_plan(args, config, tags)
    if not (cache.cache_from or cache.cache_to or args.cache):
        cache = ci_default_cache(environ, args.target or config.get("target") or context.name)
    require_gha_environment(cache, dict(environ), instead="--cache registry:REF")
    push = bool(pick(args.push, "push", False))
    load = bool(pick(args.load, "load", False)) and not push
    options = BuildOptions(
        context=str(context),
        file=str(dockerfile) if args.file or config.get("file") else None,
        tags=tags,
        target=pick(args.target, "target"),
        build_args=tuple(build_args.items()),
        platforms=platforms,
        builder=pick(args.builder, "builder"),
        load=load,
        push=push,
        no_cache=bool(args.no_cache),
        secrets=tuple(args.secret),
        extra_args=extra,
    )
    progress = pick(args.progress, "progress", "auto")
    if progress not in ("auto", "tty", "plain", "rawjson", "quiet"):
        raise ArxError(f"{config.source}: progress must be auto, tty, plain, rawjson or quiet")
    if progress == "auto":
        progress = "tty" if stderr_is_tty else "plain"
    min_hit_rate = (
        config.get("min_hit_rate")  # checked as the config was read
        if args.min_hit_rate is None
        else parse_percent(args.min_hit_rate, "--min-hit-rate", upper=100)
    )
    history = (
        Path(args.history) if args.history else context / config.get("history", DEFAULT_HISTORY)
    )
    request = BuildRequest(
        options=options,
        cache=cache,
        context=context,
        dockerfile=dockerfile,
        cache_optional=bool(pick(args.cache_optional, "cache_optional", False)),
        min_hit_rate=None if min_hit_rate is None else float(min_hit_rate),
        echo_rawjson=progress == "rawjson",
        child_stdout_to_stderr=bool(args.json),
        history=history,
    )
    return Settings(
        request=request,
        progress=progress,
        json=bool(args.json),
        history=history,
        record=Path(args.record) if args.record else None,
        config_source=config.source,
    )


def _cache_plan(args: Any, config: BuildConfig, tags: tuple[str, ...]) -> CachePlan:
    require_none_alone(args.cache)
    shorthands = list(args.cache) or list(config.get("cache", []))
    cache_from = list(args.cache_from) or list(config.get("cache_from", []))
    cache_to = list(args.cache_to) or list(config.get("cache_to", []))
    if any(item.strip().lower() == "none" for item in args.cache):
        # `--cache none` drops the config's cache; explicit full specs on the command line stay.
        shorthands = []
        cache_from, cache_to = list(args.cache_from), list(args.cache_to)
    elif any(item.strip().lower() == "none" for item in shorthands):
        shorthands = [item for item in shorthands if item.strip().lower() != "none"]
    return plan(tuple(shorthands), tuple(cache_from), tuple(cache_to), tags=tags)


def ci_default_cache(environ: Mapping[str, str], name: str) -> CachePlan:
    """In CI with no cache configured: `registry:$ARXDOCKER_CACHE_REF/NAME:cache`, or gha on
    GitHub Actions (see `arxdocker.build.ci`); elsewhere, none."""
    from arxdocker.build.ci import default_cache, registry_cache_ref, robust_export

    shorthand = default_cache(environ)
    if shorthand is None:
        return CachePlan()
    if shorthand.startswith("registry:"):
        shorthand = registry_cache_ref(shorthand, name)
    found = plan((shorthand,))
    exports = tuple(robust_export(spec) for spec in found.cache_to)
    return CachePlan(found.cache_from, exports, found.kinds, found.local_swaps)
