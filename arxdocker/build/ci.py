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


def _true(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in _FALSE


def robust_export(spec: str) -> str:
    """A cache export that is `mode=max` and never fails the build (`ignore-error=true`)."""
    from arxdocker.build.cachespec import parse_spec, render_spec

    fields = parse_spec(spec)
    fields.setdefault("mode", "max")
    fields.setdefault("ignore-error", "true")
    return render_spec(fields)
