"""CI detection and the cache it picks when none is given. Pure: the environment is passed in.

| environment             | provider | default cache                                          |
|-------------------------|----------|--------------------------------------------------------|
| `GITHUB_ACTIONS=true`   | github   | registry:REF if a ref is set, else gha (`ACTIONS_*`)   |
| `GITLAB_CI=true`        | gitlab   | registry:REF if a ref is set                           |
| `CI` (any true value)   | generic  | registry:REF if a ref is set                           |

The ref comes from `ARXDOCKER_CACHE_REF` (a registry prefix, e.g. `ghcr.io/org/cache`). Exports
are always `mode=max,ignore-error=true`, so a cache problem never fails a CI build; for that
reason the ref with its target or folder name is lowered (registries take repository names in
lower case only, and `ghcr.io/Acme/cache/MyApp` would fail without a word).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

CACHE_REF_VARIABLE = "ARXDOCKER_CACHE_REF"
_FALSE = ("", "0", "false", "no", "off")


@dataclass(frozen=True, slots=True)
class CiEnvironment:
    provider: str  # github, gitlab, generic
    summary_path: str | None = None  # GITHUB_STEP_SUMMARY
    annotations: bool = False  # `::error file=…::` lines are understood


def detect(environ: Mapping[str, str]) -> CiEnvironment | None:
    """The CI the process runs in, or None on a developer's machine."""
    if _true(environ.get("GITHUB_ACTIONS")):
        return CiEnvironment("github", environ.get("GITHUB_STEP_SUMMARY") or None, True)
    if _true(environ.get("GITLAB_CI")):
        return CiEnvironment("gitlab")
    if _true(environ.get("CI")):
        return CiEnvironment("generic")
    return None


def default_cache(environ: Mapping[str, str]) -> str | None:
    """The `--cache` shorthand a CI build uses when none is given; None outside CI or when CI
    offers nothing to cache to."""
    ci = detect(environ)
    if ci is None:
        return None
    ref = (environ.get(CACHE_REF_VARIABLE) or "").strip()
    if ref:
        return f"registry:{ref}"
    if (
        ci.provider == "github"
        and environ.get("ACTIONS_CACHE_URL")
        and environ.get("ACTIONS_RUNTIME_TOKEN")
    ):
        return "gha"
    return None


def registry_cache_ref(prefix: str, name: str) -> str:
    """`PREFIX/NAME:cache`, lowered: registries take repository names in lower case only, and a
    folder or a GitHub owner may have capitals (the export would fail without a word)."""
    return f"{prefix.rstrip('/')}/{name}:cache".lower()


def _true(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in _FALSE


def robust_export(spec: str) -> str:
    """A cache export that is `mode=max` and never fails the build (`ignore-error=true`)."""
    from arxdocker.build.cachespec import parse_spec, render_spec

    fields = parse_spec(spec)
    fields.setdefault("mode", "max")
    fields.setdefault("ignore-error", "true")
    return render_spec(fields)


# A registry repository as `docker buildx` takes it (distribution's reference grammar): a host
# (any case, optional port), then lower-case path components; no tag, since arxdocker adds one
# per target. A CI variable (`$CI_REGISTRY_IMAGE/cache`) cannot be checked here and is kept.
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY = rf"(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_VARIABLE_REF = r"[A-Za-z0-9._/:${}-]+"


def cache_ref_problem(ref: str) -> str | None:
    """Why `ref` (`ci init --cache-ref`) cannot be a cache prefix, or None."""
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


def registry_host(ref: str) -> str:
    """The registry a cache prefix is pushed to, the one CI must log in to, as docker reads a
    reference. A CI variable in the first component (`$CI_REGISTRY_IMAGE/cache`) is kept as it
    is: only the CI knows its value."""
    from arxdocker.analysis.doctor import registry_of

    first = ref.partition("/")[0]
    return first if "$" in first else registry_of(ref)
