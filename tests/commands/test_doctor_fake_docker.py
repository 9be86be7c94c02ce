"""`arxdocker doctor` end to end against a fake `docker` on PATH: the engine down, buildx missing
or present, a DOCKER_HOST or DOCKER_CONTEXT docker cannot use. Nothing depends on this machine
having (or lacking) docker, buildx or an engine. The fake's answers are the real CLI's (28.2.2,
buildx 0.13.1) in each situation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands._cli import arxdocker

FAKE_DOCKER = r"""#!/bin/sh
down="Cannot connect to the Docker daemon at unix:///var/run/docker.sock."
down="$down Is the docker daemon running?"
if [ "$1" = "--version" ]; then echo "Docker version 28.2.2, build e6534b4"; exit 0; fi
if [ -n "$FAKE_INIT_ERROR" ]; then echo "Failed to initialize: $FAKE_INIT_ERROR" >&2; exit 1; fi
case "$1 $3" in
  "version {{.Client.Version}}") echo "28.2.2"; exit 1 ;;
  "version {{.Server.Version}}") echo "$down" >&2; exit 1 ;;
esac
if [ "$1" = buildx ] && [ -z "$FAKE_BUILDX" ]; then
  echo "docker: unknown command: docker buildx" >&2; exit 1
fi
case "$2" in
  version) echo "github.com/docker/buildx 0.13.1 b4e1d4a"; exit 0 ;;
  ls) echo "NAME/NODE   DRIVER/ENDPOINT   STATUS    BUILDKIT   PLATFORMS"
      echo "default*                      error"; exit 0 ;;
  inspect) printf 'Name:   default\nDriver: \nError:  %s\n' "$down"; exit 0 ;;
esac
echo "fake docker: unexpected: $*" >&2; exit 99
"""


@pytest.fixture
def fake_path(tmp_path: Path) -> str:
    folder = tmp_path / "bin"
    folder.mkdir()
    docker = folder / "docker"
    docker.write_text(FAKE_DOCKER)
    docker.chmod(0o755)
    return f"{folder}:/usr/bin:/bin"


def doctor(tmp_path: Path, fake_path: str, *args: str, **env: str) -> tuple[int, dict]:
    base = {k: "" for k in ("DOCKER_HOST", "DOCKER_CONTEXT", "BUILDX_BUILDER")}
    result = arxdocker("doctor", str(tmp_path), "--json", *args,
                       **{**base, "PATH": fake_path, "HOME": str(tmp_path), **env})  # fmt: skip
    assert result.stderr == ""
    document = json.loads(result.stdout)
    return result.returncode, {check["topic"]: check for check in document["checks"]}


def test_engine_down_and_no_buildx_plugin(tmp_path: Path, fake_path: str) -> None:
    code, checks = doctor(tmp_path, fake_path)
    assert code == 1
    assert checks["docker client"]["status"] == "ok"
    assert checks["docker engine"]["status"] == "fail"
    assert checks["docker engine"]["detail"].startswith(
        "no engine answers at DOCKER_HOST=unix:///var/run/docker.sock (default): Cannot connect"
    )
    assert checks["buildx"]["status"] == "fail"
    assert checks["buildx"]["detail"] == "the buildx plugin does not run"


def test_engine_down_and_a_builder_that_does_not_exist(tmp_path: Path, fake_path: str) -> None:
    code, checks = doctor(tmp_path, fake_path, "--builder", "ci", FAKE_BUILDX="1")
    assert code == 1
    assert checks["buildx"] == {"topic": "buildx", "status": "ok", "detail": "0.13.1",
                                "fix": None}  # fmt: skip
    assert checks["builder ci"]["status"] == "fail"
    assert checks["builder ci"]["detail"].startswith("does not exist")
    assert [name for name in checks if name.startswith("builder")] == ["builder ci"]


@pytest.mark.parametrize(
    ("env", "error", "detail"),
    [
        ({"DOCKER_HOST": "garbage://x"},
         "unable to resolve docker endpoint: invalid bind address format: garbage://x",
         "DOCKER_HOST=garbage://x is not an endpoint docker can use: invalid bind address "
         "format: garbage://x"),
        ({"DOCKER_CONTEXT": "nosuch"},
         'unable to resolve docker endpoint: context "nosuch": context not found',
         'DOCKER_CONTEXT=nosuch cannot be used: context "nosuch": context not found'),
    ],
)  # fmt: skip
def test_an_endpoint_docker_cannot_use_is_named_not_the_cli(
    tmp_path: Path, fake_path: str, env: dict[str, str], error: str, detail: str
) -> None:
    code, checks = doctor(tmp_path, fake_path, FAKE_INIT_ERROR=error, FAKE_BUILDX="1", **env)
    assert code == 1
    assert checks["docker client"] == {"topic": "docker client", "status": "ok",
                                       "detail": "28.2.2", "fix": None}  # fmt: skip
    assert checks["docker endpoint"]["status"] == "fail"
    assert checks["docker endpoint"]["detail"] == detail
    assert "buildx" not in checks and "docker engine" not in checks


def test_no_docker_cli_at_all(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, checks = doctor(tmp_path, str(empty))
    assert code == 1
    assert checks["docker client"]["status"] == "fail"
    assert checks["docker client"]["fix"] == "install the docker CLI"
    assert "buildx" not in checks


def test_in_ci_the_cache_ref_variable_is_the_cache_it_checks(
    tmp_path: Path, fake_path: str
) -> None:
    """`ci init`'s workflow sets ARXDOCKER_CACHE_REF and runs doctor: that is the cache build
    uses there, so doctor checks it rather than warning that no cache is configured."""
    ref = "127.0.0.1:9/acme/cache"  # nothing answers on port 9
    no_ci = {"CI": "", "GITLAB_CI": "", "GITHUB_ACTIONS": ""}  # make test runs in CI with CI=true
    env = {**no_ci, "GITHUB_ACTIONS": "true", "ARXDOCKER_CACHE_REF": ref}
    _, checks = doctor(tmp_path, fake_path, **env)
    config = checks["cache config"]
    assert config["status"] == "ok"
    assert f"ref={ref}/{tmp_path.name}:cache" in config["detail"]
    assert f"ARXDOCKER_CACHE_REF={ref} in CI" in config["detail"]
    # CI exports with ignore-error=true: an unreachable registry leaves the build uncached
    assert checks["registry 127.0.0.1:9"]["status"] == "warn"
    assert checks["registry 127.0.0.1:9"]["detail"].endswith("so builds run without this cache")
    _, outside_ci = doctor(tmp_path, fake_path, **no_ci, ARXDOCKER_CACHE_REF=ref)
    assert outside_ci["cache config"]["status"] == "warn"


def test_a_local_cache_shows_the_folder_named_not_its_staging_folder(
    tmp_path: Path, fake_path: str
) -> None:
    no_ci = {"CI": "", "GITLAB_CI": "", "GITHUB_ACTIONS": ""}
    _, checks = doctor(tmp_path, fake_path, "--cache", "local:.cache/bk", **no_ci)
    detail = checks["cache config"]["detail"]
    assert detail.startswith("type=local,dest=.cache/bk,mode=max")
    assert "arxdocker-new" not in detail
