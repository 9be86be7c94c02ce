"""CI detection and the cache a CI build picks when none is given."""

from __future__ import annotations

from arxdocker.build.ci import default_cache, detect


def test_no_ci_no_default() -> None:
    assert detect({}) is None
    assert default_cache({"ARXDOCKER_CACHE_REF": "r/c"}) is None
    assert detect({"CI": "false"}) is None


def test_github_actions_with_a_ref_uses_the_registry() -> None:
    environ = {"GITHUB_ACTIONS": "true", "CI": "true", "ARXDOCKER_CACHE_REF": "ghcr.io/a/cache"}
    ci = detect({**environ, "GITHUB_STEP_SUMMARY": "/tmp/summary.md"})
    assert ci is not None and ci.provider == "github" and ci.annotations
    assert ci.summary_path == "/tmp/summary.md"
    assert default_cache(environ) == "registry:ghcr.io/a/cache"


def test_github_actions_without_a_ref_uses_gha_only_with_its_runtime() -> None:
    environ = {"GITHUB_ACTIONS": "true"}
    assert default_cache(environ) is None
    runtime = {"ACTIONS_CACHE_URL": "https://cache/", "ACTIONS_RUNTIME_TOKEN": "t"}
    assert default_cache({**environ, **runtime}) == "gha"


def test_gitlab_and_generic_ci_use_a_configured_ref() -> None:
    gitlab = {"GITLAB_CI": "true", "ARXDOCKER_CACHE_REF": "registry.gitlab.com/g/p/cache"}
    ci = detect(gitlab)
    assert ci is not None and ci.provider == "gitlab" and not ci.annotations
    assert default_cache(gitlab) == "registry:registry.gitlab.com/g/p/cache"
    generic = detect({"CI": "1"})
    assert generic is not None and generic.provider == "generic"
    assert default_cache({"CI": "1"}) is None
