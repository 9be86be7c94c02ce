"""`arxdocker ci init`'s workflows log in to the registry the cache goes to, and carry the build
history from run to run. The workflows are parsed as YAML and read as the CI would."""

from __future__ import annotations

import os
import stat
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

from arxdocker.build.ci import registry_host
from arxdocker.render.ci_workflow import HISTORY, workflow

YAML = pytest.importorskip("ruamel.yaml").YAML


def parse(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(StringIO(text))


def github_steps(text: str) -> list[dict[str, Any]]:
    return parse(text)["jobs"]["build"]["steps"]


def login_step(steps: list[dict[str, Any]]) -> dict[str, Any]:
    (step,) = [s for s in steps if s.get("uses", "").startswith("docker/login-action")]
    return step


@pytest.mark.parametrize(
    ("ref", "host"),
    [
        ("ghcr.io/acme/cache", "ghcr.io"),
        ("registry.example.com/acme/cache", "registry.example.com"),
        ("localhost:5000/cache", "localhost:5000"),
        ("localhost/cache", "localhost"),
        ("registry:5000/cache", "registry:5000"),
        ("acme/cache", "docker.io"),  # no host: Docker Hub
        ("cache", "docker.io"),
        ("R.io/a/b", "R.io"),
        ("$CI_REGISTRY_IMAGE/cache", "$CI_REGISTRY_IMAGE"),  # the CI knows its value
        ("ghcr.io/${GITHUB_REPOSITORY,,}/cache", "ghcr.io"),
    ],
)
def test_registry_host(ref: str, host: str) -> None:
    assert registry_host(ref) == host


@pytest.mark.parametrize("bake", [False, True])
def test_github_default_logs_in_to_ghcr_with_the_job_token(bake: bool) -> None:
    text = workflow("github", bake=bake)
    document = parse(text)
    assert document["permissions"] == {"contents": "read", "packages": "write"}
    login = login_step(document["jobs"]["build"]["steps"])
    assert login["with"] == {
        "registry": "ghcr.io",
        "username": "${{ github.actor }}",
        "password": "${{ secrets.GITHUB_TOKEN }}",
    }
    assert "if" not in login
    assert "REGISTRY_USERNAME" not in text


def test_github_with_a_ghcr_ref_keeps_the_job_token() -> None:
    document = parse(workflow("github", cache_ref="ghcr.io/acme/cache"))
    assert document["permissions"]["packages"] == "write"
    assert login_step(document["jobs"]["build"]["steps"])["with"]["registry"] == "ghcr.io"


@pytest.mark.parametrize(
    ("ref", "host"),
    [
        ("registry.example.com/acme/cache", "registry.example.com"),
        ("acme/cache", "docker.io"),
        ("localhost:5000/cache", "localhost:5000"),
    ],
)
def test_github_with_another_registry_logs_in_there_with_named_secrets(ref: str, host: str) -> None:
    text = workflow("github", cache_ref=ref)
    document = parse(text)
    assert document["permissions"] == {"contents": "read"}  # no packages: write
    assert "ghcr.io" not in text
    assert "GITHUB_TOKEN" not in text
    assert document["jobs"]["build"]["env"]["ARXDOCKER_CACHE_REF"] == ref
    login = login_step(document["jobs"]["build"]["steps"])
    assert login["with"] == {
        "registry": host,
        "username": "${{ secrets.REGISTRY_USERNAME }}",
        "password": "${{ secrets.REGISTRY_PASSWORD }}",
    }
    # forks get no secrets, and the action fails without them: they skip the login
    assert login["if"] == "github.event.pull_request.head.repo.fork != true"
    # the comment tells the user which secrets to create
    assert (
        f"      # log in to {host}, where the cache is pushed: create the repository secrets\n"
        in text
    )
    assert "      # REGISTRY_USERNAME and REGISTRY_PASSWORD (Settings > Secrets" in text


@pytest.mark.parametrize("cache_ref", [None, "registry.example.com/acme/cache"])
@pytest.mark.parametrize("bake", [False, True])
def test_github_restores_the_history_before_the_build_and_saves_it_after(
    cache_ref: str | None, bake: bool
) -> None:
    steps = github_steps(workflow("github", cache_ref=cache_ref, bake=bake))
    uses = [step.get("uses", "") for step in steps]
    build = next(i for i, step in enumerate(steps) if step.get("run", "").startswith("arxdocker b"))
    restore = uses.index("actions/cache/restore@v4")
    save = uses.index("actions/cache/save@v4")
    assert restore < build < save < uses.index("actions/upload-artifact@v4")
    key = "arxdocker-history-${{ github.ref_name }}-${{ github.run_id }}-${{ github.run_attempt }}"
    assert steps[restore]["with"] == {
        "path": HISTORY,
        "key": key,
        "restore-keys": "arxdocker-history-${{ github.ref_name }}-\narxdocker-history-\n",
    }
    # saved under the key restore looked for, even when the build failed
    assert steps[save] == {"uses": "actions/cache/save@v4", "if": "always()",
                           "with": {"path": HISTORY, "key": key}}  # fmt: skip
    assert HISTORY == ".arxdocker/history.jsonl"


@pytest.mark.parametrize("cache_ref", [None, "$CI_REGISTRY_IMAGE/cache", "${CI_REGISTRY}/g/p"])
def test_gitlab_own_registry_logs_in_with_the_job_credentials(cache_ref: str | None) -> None:
    text = workflow("gitlab", cache_ref=cache_ref)
    job = parse(text)["build"]
    assert (
        'echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin '
        '"$CI_REGISTRY"'
    ) in job["before_script"]
    assert "REGISTRY_PASSWORD is not set" not in text
    assert "create the CI/CD variables" not in text


@pytest.mark.parametrize(
    ("ref", "host"),
    [("registry.example.com/acme/cache", "registry.example.com"), ("acme/c", "docker.io")],
)
def test_gitlab_other_registry_logs_in_there_with_named_variables(ref: str, host: str) -> None:
    text = workflow("gitlab", cache_ref=ref)
    job = parse(text)["build"]
    assert job["variables"]["ARXDOCKER_CACHE_REF"] == ref
    assert "$CI_REGISTRY" not in text
    (login,) = [line for line in job["before_script"] if "docker login" in line]
    assert login == (
        'if [ -n "$REGISTRY_PASSWORD" ]; then echo "$REGISTRY_PASSWORD" | '
        f'docker login -u "$REGISTRY_USER" --password-stdin "{host}"; '
        'else echo "REGISTRY_PASSWORD is not set, so the cache is not pushed" >&2; fi'
    )
    assert (
        f"    # log in to {host}, where the cache is pushed: create the CI/CD variables\n" in text
    )
    assert "    # REGISTRY_USER and REGISTRY_PASSWORD (Settings > CI/CD > Variables" in text
    # the login comes before the build
    script = job["before_script"]
    assert script.index(login) < script.index("arxdocker doctor")


def _fake_docker(tmp_path: Path) -> Path:
    """A `docker` that records its arguments and stdin."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    docker = bin_dir / "docker"
    log = tmp_path / "docker.log"
    docker.write_text(f'#!/bin/sh\necho "$@" >> {log}\ncat >> {log}\n')
    docker.chmod(docker.stat().st_mode | stat.S_IEXEC)
    return bin_dir


@pytest.mark.parametrize("password", ["s3cret", None])
def test_gitlab_login_command_runs_in_sh(password: str | None, tmp_path: Path) -> None:
    """The folded login line is a working shell command: it logs in with the variables, and
    without them (a protected variable on an unprotected branch) says so and goes on."""
    job = parse(workflow("gitlab", cache_ref="registry.example.com/acme/cache"))["build"]
    (login,) = [line for line in job["before_script"] if "docker login" in line]
    env = {"PATH": f"{_fake_docker(tmp_path)}:{os.environ['PATH']}", "REGISTRY_USER": "bot"}
    if password:
        env["REGISTRY_PASSWORD"] = password
    done = subprocess.run(
        ["sh", "-c", login], capture_output=True, text=True, env=env, check=False, timeout=30
    )
    assert done.returncode == 0, done.stderr
    log = tmp_path / "docker.log"
    if password:
        assert log.read_text() == ("login -u bot --password-stdin registry.example.com\ns3cret\n")
        assert done.stderr == ""
    else:
        assert not log.exists()
        assert done.stderr == "REGISTRY_PASSWORD is not set, so the cache is not pushed\n"


@pytest.mark.parametrize("cache_ref", [None, "registry.example.com/acme/cache"])
def test_gitlab_caches_the_history_per_branch(cache_ref: str | None) -> None:
    job = parse(workflow("gitlab", cache_ref=cache_ref, bake=True))["build"]
    assert job["cache"] == {
        "key": "arxdocker-history-$CI_COMMIT_REF_SLUG",
        "fallback_keys": ["arxdocker-history-$CI_DEFAULT_BRANCH"],
        "paths": [HISTORY],
        "when": "always",
    }
    assert job["artifacts"]["paths"] == [HISTORY]
