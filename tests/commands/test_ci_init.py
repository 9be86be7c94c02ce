"""`arxdocker ci init`: a ready workflow for GitHub Actions or GitLab CI.

Every variant is validated against SchemaStore's schema for its provider, as vendored in
check-jsonschema (offline), and a broken workflow is shown to fail that check.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands._cli import arxdocker

SCHEMAS = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}


def schema_check(provider: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", SCHEMAS[provider],
         str(path)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("provider", ["github", "gitlab"])
@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--bake"],
        ["--cache-ref", "registry.example/team/c"],
        ["--cache-ref", "ghcr.io/acme/cache"],
        ["--cache-ref", "acme/cache", "--bake"],  # Docker Hub
        ["--cache-ref", "localhost:5000/cache"],
        ["--cache-ref", "$CI_REGISTRY_IMAGE/cache"],
    ],
)
def test_every_workflow_is_valid_for_its_provider(
    provider: str, extra: list[str], tmp_path: Path
) -> None:
    done = arxdocker("ci", "init", "--provider", provider, *extra)
    assert done.returncode == 0, done.stderr
    workflow = tmp_path / "workflow.yml"
    workflow.write_text(done.stdout)
    checked = schema_check(provider, workflow)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("provider", "key", "broken"),
    [("github", "runs-on:", "runs_on:"), ("gitlab", "  script:", "  scripts:")],
)
def test_the_schema_check_catches_a_broken_workflow(
    provider: str, key: str, broken: str, tmp_path: Path
) -> None:
    text = arxdocker("ci", "init", "--provider", provider).stdout
    assert key in text
    workflow = tmp_path / "workflow.yml"
    workflow.write_text(text.replace(key, broken))
    assert schema_check(provider, workflow).returncode == 1


def test_github_workflow_builds_with_registry_cache_on_ghcr() -> None:
    done = arxdocker("ci", "init")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("# .github/workflows/build.yml")
    assert "packages: write" in text
    # github.repository keeps capitals (Acme/App), which registries refuse: a step lowers it
    assert (
        'run: echo "ARXDOCKER_CACHE_REF=ghcr.io/${GITHUB_REPOSITORY,,}/cache" >> "$GITHUB_ENV"'
        in text
    )
    assert "github.repository" not in text
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
    # r.example is not the project's registry: the job logs in there, with variables it names
    assert '--password-stdin "r.example"' in text
    assert '"$CI_REGISTRY"' not in text
    assert "create the CI/CD variables" in text


def test_ci_without_a_subcommand_is_a_usage_error() -> None:
    assert arxdocker("ci").returncode == 2


def test_github_workflow_with_a_given_ref_sets_it_for_the_job() -> None:
    text = arxdocker("ci", "init", "--cache-ref", "ghcr.io/acme/cache").stdout
    assert "    env:\n" in text
    assert "      ARXDOCKER_CACHE_REF: ghcr.io/acme/cache\n" in text
    assert "GITHUB_ENV" not in text


def test_the_lowering_step_gives_a_lower_case_ref() -> None:
    script = 'GITHUB_REPOSITORY=Acme/My-App; echo "ghcr.io/${GITHUB_REPOSITORY,,}/cache"'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "ghcr.io/acme/my-app/cache"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("ghcr.io/Acme/Cache", "registries take repository names in lower case only"),
        ("ghcr.io/acme/cache:tag", "has a tag; give the prefix"),
        ('a b"c', "is not a registry repository"),
        ("", "--cache-ref is empty"),
    ],
)
def test_a_cache_ref_a_registry_refuses_is_a_usage_error(ref: str, message: str) -> None:
    done = arxdocker("ci", "init", "--cache-ref", ref)
    assert (done.returncode, done.stdout) == (2, "")
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("ref", ["$CI_REGISTRY_IMAGE/cache", "localhost:5000/cache", "R.io/a/b"])
def test_accepted_cache_refs(ref: str) -> None:
    assert arxdocker("ci", "init", "--cache-ref", ref).returncode == 0
