"""Cache specs: BuildKit's `type=...,k=v` strings, arxdocker's shorthands, and their expansion.

| shorthand          | expands to                                                            |
|--------------------|-----------------------------------------------------------------------|
| `registry:REF`     | from `type=registry,ref=REF`; to the same with `mode=max,ignore-error=true` |
| `local:DIR`        | from `type=local,src=DIR`; to a fresh `dest`, swapped into DIR on success |
| `inline`           | to `type=inline`; from `type=registry,ref=<first tag>`                |
| `gha[:SCOPE]`      | `type=gha,scope=SCOPE` both ways (`mode=max` on export)               |
| `none`             | nothing, and config defaults are dropped; alone (see `require_none_alone`) |

A full BuildKit spec (anything with `=`) passes through untouched. Pure functions only.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from arxdocker.errors import ArxError

SHORTHANDS = ("registry:REF", "local:DIR", "inline", "gha[:SCOPE]", "none")
# Types a builder must be able to *export*; `inline` rides inside the image and always works.
EXPORTING_TYPES = frozenset({"registry", "local", "gha", "s3", "azblob"})
# Attribute names that carry credentials in BuildKit cache specs.
_CREDENTIAL_KEYS = frozenset(
    {"token", "secret_access_key", "session_token", "access_key_id", "account_key", "password"}
)


@dataclass(frozen=True, slots=True)
class LocalSwap:
    """A local cache written to `staging` and moved into `final` after a successful build."""

    final: str
    staging: str


@dataclass(frozen=True, slots=True)
class CachePlan:
    """The `--cache-from` / `--cache-to` specs of one build and what produced them."""

    cache_from: tuple[str, ...] = ()
    cache_to: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # registry, local, inline, gha, custom
    local_swaps: tuple[LocalSwap, ...] = field(default_factory=tuple)

    def __add__(self, other: CachePlan) -> CachePlan:
        return CachePlan(
            self.cache_from + other.cache_from,
            self.cache_to + other.cache_to,
            tuple(dict.fromkeys(self.kinds + other.kinds)),
            self.local_swaps + other.local_swaps,
        )


def parse_spec(spec: str) -> dict[str, str]:
    """`type=registry,ref=x` as a dict, read as BuildKit reads it (CSV, quotes group)."""
    try:
        (fields,) = list(csv.reader([spec]))
    except (csv.Error, ValueError):
        raise ArxError(f"cache spec {spec!r} is not valid CSV") from None
    result: dict[str, str] = {}
    for item in fields:
        key, sep, value = item.partition("=")
        if not sep:
            if len(fields) == 1:  # a bare ref: buildx reads it as type=registry,ref=REF
                return {"type": "registry", "ref": item.strip()}
            raise ArxError(f"cache spec {spec!r}: {item!r} is not key=value")
        result[key.strip().lower()] = value.strip()
    return result


def render_spec(fields: dict[str, str]) -> str:
    """The inverse of `parse_spec`: values holding a comma or quote are CSV-quoted."""
    parts = []
    for key, value in fields.items():
        item = f"{key}={value}"
        parts.append('"' + item.replace('"', '""') + '"' if re.search(r'[,"]', item) else item)
    return ",".join(parts)


def spec_type(spec: str) -> str:
    return parse_spec(spec).get("type", "registry")


def expand(
    shorthand: str, *, tags: tuple[str, ...] = (), staging_suffix: str | None = None
) -> CachePlan:
    """Expand one `--cache` value. `staging_suffix` names the fresh local dest (default: pid)."""
    kind, _, value = shorthand.partition(":")
    kind = kind.strip().lower()
    if kind == "none" and not value:
        return CachePlan(kinds=("none",))
    if kind == "registry" and value:
        ref = value.strip()
        return CachePlan(
            (render_spec({"type": "registry", "ref": ref}),),
            (render_spec({"type": "registry", "ref": ref, "mode": "max", "ignore-error": "true"}),),
            ("registry",),
        )
    if kind == "local" and value:
        final = os.path.normpath(Path(value.strip()).expanduser())  # `local:~/cache` too
        staging = f"{final}.arxdocker-new-{staging_suffix or os.getpid()}"
        return CachePlan(
            (render_spec({"type": "local", "src": final}),),
            (render_spec({"type": "local", "dest": staging, "mode": "max"}),),
            ("local",),
            (LocalSwap(final, staging),),
        )
    if kind == "inline" and not value:
        if not tags:
            raise ArxError(
                "--cache inline imports from the image itself, so it needs a tag",
                hint="add -t REGISTRY/NAME:TAG (and --push to share it), "
                "or use --cache registry:REF",
            )
        return CachePlan(
            (render_spec({"type": "registry", "ref": tags[0]}),),
            (render_spec({"type": "inline"}),),
            ("inline",),
        )
    if kind == "gha":
        scope = value.strip() or "buildkit"
        return CachePlan(
            (render_spec({"type": "gha", "scope": scope}),),
            (render_spec({"type": "gha", "scope": scope, "mode": "max"}),),
            ("gha",),
        )
    raise ArxError(
        f"unknown cache shorthand {shorthand!r}",
        hint=f"use one of {', '.join(SHORTHANDS)}, or full specs with --cache-from/--cache-to",
    )


def require_none_alone(shorthands: Sequence[str]) -> None:
    """`--cache none` with another `--cache` is a usage error: dropping the other one without a
    word (or keeping it, and the config's cache with it) would both surprise someone."""
    nones = sum(1 for item in shorthands if item.strip().lower() == "none")
    if nones and nones < len(shorthands):
        raise ArxError("--cache none cannot be combined with other --cache values")


def plan(
    shorthands: tuple[str, ...],
    cache_from: tuple[str, ...] = (),
    cache_to: tuple[str, ...] = (),
    *,
    tags: tuple[str, ...] = (),
    staging_suffix: str | None = None,
) -> CachePlan:
    """Every shorthand expanded, then the full specs, which pass through untouched."""
    result = CachePlan()
    for shorthand in shorthands:
        result = result + expand(shorthand, tags=tags, staging_suffix=staging_suffix)
    kinds = tuple(f"{spec_type(spec)}" for spec in (*cache_from, *cache_to))
    return result + CachePlan(tuple(cache_from), tuple(cache_to), kinds)


def gha_environment_missing(plan_: CachePlan, environ: dict[str, str]) -> list[str]:
    """The `ACTIONS_*` variables a gha cache needs and the environment lacks.

    buildx itself reads ACTIONS_CACHE_URL and ACTIONS_RUNTIME_TOKEN for `type=gha` specs without
    `url`/`token`, which keeps the token off the command line (and out of `ps`).
    """
    uses_gha = any(spec_type(spec) == "gha" for spec in (*plan_.cache_from, *plan_.cache_to))
    if not uses_gha:
        return []
    return [
        name for name in ("ACTIONS_CACHE_URL", "ACTIONS_RUNTIME_TOKEN") if not environ.get(name)
    ]


def require_gha_environment(plan_: CachePlan, environ: dict[str, str], instead: str) -> None:
    """Stop with a usage error when a gha cache lacks its `ACTIONS_*` variables."""
    missing = gha_environment_missing(plan_, environ)
    if missing:
        raise ArxError(
            f"--cache gha needs {' and '.join(missing)} in the environment",
            hint="run inside GitHub Actions and expose them "
            f"(crazy-max/ghaction-github-runtime), or use {instead}",
        )


def strip_credentials(spec: str) -> str:
    """The spec as safe to record or print: tokens and keys dropped, URL passwords masked."""
    try:
        fields = parse_spec(spec)
    except ArxError:
        return "<unparseable cache spec>"
    clean: dict[str, str] = {}
    for key, value in fields.items():
        if key in _CREDENTIAL_KEYS or key.endswith(("_token", "_secret", "_key")):
            continue
        clean[key] = _strip_url_password(value)
    return render_spec(clean)


def _strip_url_password(value: str) -> str:
    if "@" not in value or "://" not in value:
        return value
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(value)
    if parts.password is None and parts.username is None:
        return value
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
