"""`arxdocker lint --buildkit-checks` end to end against a fake `docker` on PATH: no docker, a
buildx without `--call` (0.13.1), no engine, a file whose check stops, and BuildKit's answers
merged into the report. The fake says what the real CLI said in each case (captured in
tests/fixtures/buildkit-checks/ by its capture.sh); nothing depends on this machine's engine."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.commands._cli import arxdocker

CAPTURED = Path(__file__).resolve().parents[1] / "fixtures" / "buildkit-checks"

# `buildx version` prints $FAKE_VERSION; `buildx build` logs its argv to $FAKE_LOG, prints the
# answer file named after the Dockerfile's folder (`$FAKE_ANSWERS/<folder>.json`, if any) and
# $FAKE_STDERR on stderr, and exits $FAKE_CODE (1, as buildx does when it found warnings).
FAKE_DOCKER = r"""#!/bin/sh
if [ "$1 $2" = "buildx version" ]; then echo "$FAKE_VERSION"; exit 0; fi
if [ "$1 $2" = "buildx build" ]; then
  echo "$*" >> "$FAKE_LOG"
  for last; do :; done
  answer="$FAKE_ANSWERS/$(basename "$last").json"
  [ -f "$answer" ] && cat "$answer"
  [ -n "$FAKE_STDERR" ] && cat "$FAKE_STDERR" >&2
  exit "${FAKE_CODE:-1}"
fi
echo "fake docker: unexpected: $*" >&2; exit 99
"""
NEW = "github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Two Dockerfiles: `warnings/` (BuildKit answers with 9 warnings) and `unresolvable/`
    (BuildKit's check stops at its FROM)."""
    root = tmp_path / "project"
    for name in ("warnings", "unresolvable"):
        shutil.copytree(CAPTURED / name, root / name)
    return root


@pytest.fixture
def fake(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "docker").write_text(FAKE_DOCKER)
    (folder / "docker").chmod(0o755)
    answers = tmp_path / "answers"
    answers.mkdir()
    for name in ("warnings", "unresolvable"):
        shutil.copy(CAPTURED / f"{name}.json", answers / f"{name}.json")
    return {
        "PATH": f"{folder}:/usr/bin:/bin",
        "FAKE_VERSION": NEW,
        "FAKE_LOG": str(tmp_path / "argv.log"),
        "FAKE_ANSWERS": str(answers),
        "FAKE_STDERR": "",
    }


def lint(project: Path, *args: str, **env: str):
    return arxdocker("lint", *args, cwd=project, **env)


def test_findings_of_both_kinds_in_one_report(project: Path, fake: dict[str, str]) -> None:
    plain = lint(project, "--format", "json")
    result = lint(project, "--buildkit-checks", "--format", "json",
                  "--build-arg", "BASE_IMAGE=arxdocker/busybox:1", **fake)  # fmt: skip
    assert result.returncode == plain.returncode == 1
    rows = json.loads(result.stdout)
    ours = json.loads(plain.stdout)
    assert [r for r in rows if not r["code"].startswith("buildkit/")] == ours
    theirs = [r for r in rows if r["code"].startswith("buildkit/")]
    assert len(theirs) == 10  # 9 in warnings/, the FromAsCasing found before unresolvable/ stopped
    assert [(r["file"], r["line"]) for r in rows] == sorted((r["file"], r["line"]) for r in rows)
    # the one file whose check stopped: one line, naming it and the line BuildKit stopped at
    assert result.stderr.splitlines() == [
        "arxdocker: warning: unresolvable/Dockerfile:2: BuildKit's check stopped: "
        "arxdocker/not-here:1: failed to resolve source metadata for docker.io/arxdocker/"
        'not-here:1: failed to do request: Head "https://registry-1.docker.io/v2/arxdocker/'
        'not-here/manifests/1": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: '
        "no such host"
    ]
    calls = sorted(Path(fake["FAKE_LOG"]).read_text().splitlines())
    assert calls == [
        "buildx build --call=check,format=json --progress=quiet --build-arg "
        f"BASE_IMAGE=arxdocker/busybox:1 -f {name}/Dockerfile {name}"
        for name in ("unresolvable", "warnings")
    ]


def same_as_without_the_flag(project: Path, result, *args: str) -> None:
    plain = lint(project, *args)
    assert (result.returncode, result.stdout) == (plain.returncode, plain.stdout)
    assert plain.returncode == 1


def test_an_old_buildx_is_one_line(project: Path, fake: dict[str, str]) -> None:
    version = (CAPTURED / "buildx-0.13.1.version").read_text().strip()
    result = lint(project, "--buildkit-checks", **{**fake, "FAKE_VERSION": version})
    assert result.stderr == (
        "arxdocker: warning: BuildKit's checks skipped: buildx 0.13.1+ds1 has no --call=check "
        "(needs 0.15 or newer); linted without them\n"
    )
    same_as_without_the_flag(project, result)
    assert not Path(fake["FAKE_LOG"]).exists()  # no check was tried


def test_a_buildx_that_refuses_call_is_one_line(project: Path, fake: dict[str, str]) -> None:
    """A version that does not say what it is: the refusal of `--call` itself (0.13.1's)."""
    result = lint(project, "--buildkit-checks", "--format", "sarif",
                  **{**fake, "FAKE_VERSION": "github.com/docker/buildx dev", "FAKE_CODE": "125",
                     "FAKE_ANSWERS": "/nonexistent",
                     "FAKE_STDERR": str(CAPTURED / "buildx-0.13.1.stderr")})  # fmt: skip
    assert result.stderr == (
        "arxdocker: warning: BuildKit's checks skipped: this buildx has no --call=check "
        "(needs 0.15 or newer); linted without them\n"
    )
    document = json.loads(result.stdout)
    assert result.returncode == 1
    buildkit = document["runs"][1]
    assert buildkit["results"] == [] and buildkit["invocations"][0]["executionSuccessful"] is False


def test_no_engine_is_one_line(project: Path, fake: dict[str, str]) -> None:
    result = lint(project, "--buildkit-checks",
                  **{**fake, "FAKE_ANSWERS": "/nonexistent",
                     "FAKE_STDERR": str(CAPTURED / "no-engine.stderr")})  # fmt: skip
    assert result.stderr == (
        "arxdocker: warning: BuildKit's checks skipped: no engine: Cannot connect to the Docker "
        "daemon at unix:///nonexistent.sock. Is the docker daemon running?; linted without them\n"
    )
    same_as_without_the_flag(project, result)


def test_no_docker_is_one_line(project: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = lint(project, "--buildkit-checks", "--exit-zero", PATH=str(empty))
    assert result.stderr == (
        "arxdocker: warning: BuildKit's checks skipped: docker is not on PATH; "
        "linted without them\n"
    )
    plain = lint(project, "--exit-zero")
    assert (result.returncode, result.stdout) == (0, plain.stdout)


def test_usage_errors(project: Path) -> None:
    result = lint(project, "--build-arg", "A=1")
    assert result.returncode == 2
    assert "--build-arg is for --buildkit-checks" in result.stderr
    result = lint(project, "--buildkit-checks", "--build-arg", "A")
    assert result.returncode == 2
    assert "--build-arg A: expected NAME=VALUE" in result.stderr
