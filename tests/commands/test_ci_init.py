"""`arxdocker ci init`: a ready workflow for GitHub Actions or GitLab CI."""

from __future__ import annotations

from tests.commands._cli import arxdocker


def test_github_workflow_builds_with_registry_cache_on_ghcr() -> None:
    done = arxdocker("ci", "init")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("# .github/workflows/build.yml")
    assert "packages: write" in text
    assert "ARXDOCKER_CACHE_REF: ghcr.io/${{ github.repository }}/cache" in text
    assert "driver: docker-container" in text
    assert "password: ${{ secrets.GITHUB_TOKEN }}" in text
    assert '--cache "registry:$ARXDOCKER_CACHE_REF/app:cache"' in text
    assert "\t" not in text


def test_gitlab_bake_workflow_with_a_given_ref() -> None:
    done = arxdocker("ci", "init", "--provider", "gitlab", "--bake", "--cache-ref", "r.example/c")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("# .gitlab-ci.yml")
    assert "ARXDOCKER_CACHE_REF: r.example/c" in text
    assert "    - arxdocker bake --progress plain" in text
    assert '--password-stdin "$CI_REGISTRY"' in text


def test_ci_without_a_subcommand_is_a_usage_error() -> None:
    assert arxdocker("ci").returncode == 2
