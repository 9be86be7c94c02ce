"""`arxdocker lint --buildkit-checks` on the real engine (scripts/engine.sh, buildx 0.29), with the
local base images only (arxdocker/busybox:1, and arxdocker/debian-python:12 from
scripts/make_debian_base.sh): nothing can be pulled here.

On `dockerfiles/`, BuildKit's default checks find nothing (every file passes them); its
experimental ones (`BUILDKIT_DOCKERFILE_CHECK=experimental=all`, BuildKit's own switch, passed
with `--build-arg`) find the comment above each file's `ARG BASE_IMAGE`
(InvalidDefinitionDescription).
That run gives one SARIF file with both kinds of findings, validated against the schema.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from tests.commands import _cli
from tests.engine.scenarios import buildx_version

pytestmark = [pytest.mark.engine, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "tests" / "fixtures" / "sarif-schema-2.1.0.json").read_text())
DEBIAN_IMAGE = "arxdocker/debian-python:12"
EXPERIMENTAL = ("--build-arg", "BUILDKIT_DOCKERFILE_CHECK=experimental=all")


@pytest.fixture(scope="module")
def local_images(engine_env: dict[str, str]) -> None:
    if buildx_version() < (0, 15):
        pytest.skip(
            f"buildx {buildx_version()} has no --call=check (0.15 and later): "
            "test_an_old_buildx_is_one_line_and_the_rest_is_linted covers this engine"
        )
    inspect = ["docker", "image", "inspect", DEBIAN_IMAGE]
    if subprocess.run(inspect, capture_output=True, check=False).returncode != 0:
        subprocess.run([str(REPO / "scripts" / "make_debian_base.sh")], check=True)


def lint(*args: str) -> subprocess.CompletedProcess[str]:
    return _cli.arxdocker("lint", *args, cwd=REPO, timeout=600)


def sarif(*args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = lint(*args, "--format", "sarif")
    document = json.loads(result.stdout)
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(document)
    return result, document


def test_an_old_buildx_is_one_line_and_the_rest_is_linted(engine_env: dict[str, str]) -> None:
    """On the 2024 engine (buildx 0.13.1) the flag says so on one line; arxdocker's own findings
    and exit code are as without it."""
    if buildx_version() >= (0, 15):
        pytest.skip("this engine's buildx has --call=check: the other tests here cover it")
    plain = lint("dockerfiles/webapp", "--format", "json")
    result = lint("dockerfiles/webapp", "--format", "json", "--buildkit-checks")
    assert result.returncode == plain.returncode
    assert json.loads(result.stdout) == json.loads(plain.stdout)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("arxdocker: warning: BuildKit's checks skipped: buildx ")
    assert "has no --call=check (needs 0.15 or newer); linted without them" in line


def test_dockerfiles_in_one_sarif_file_with_both_kinds(local_images: None) -> None:
    plain, without = sarif("dockerfiles")
    result, document = sarif("dockerfiles", "--buildkit-checks", *EXPERIMENTAL)
    assert result.stderr == ""  # every file checked to the end
    assert result.returncode == plain.returncode == 1
    ours, buildkit = document["runs"]
    assert ours == without["runs"][0]  # arxdocker's own run is unchanged
    assert ours["results"]
    assert buildkit["tool"]["driver"]["name"] == "BuildKit"
    assert buildkit["invocations"][0]["executionSuccessful"] is True
    files = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                   for r in buildkit["results"])  # fmt: skip
    assert len(files) == 9 and len(set(files)) == 9  # one per Dockerfile under dockerfiles/
    assert {r["ruleId"] for r in buildkit["results"]} == {"buildkit/InvalidDefinitionDescription"}
    (rule,) = buildkit["tool"]["driver"]["rules"]
    assert rule["helpUri"] == (
        "https://docs.docker.com/go/dockerfile/rule/invalid-definition-description/"
    )
    webapp = next(r for r in buildkit["results"] if r["locations"][0]["physicalLocation"][
        "artifactLocation"]["uri"] == "dockerfiles/webapp/Dockerfile")  # fmt: skip
    assert webapp["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    assert webapp["message"]["text"].startswith(
        "Comment for ARG should follow the format: `# BASE_IMAGE <description>`"
    )


def test_dockerfiles_pass_buildkits_default_checks(local_images: None) -> None:
    result, document = sarif("dockerfiles", "--buildkit-checks")
    assert result.stderr == ""
    assert document["runs"][1]["results"] == []
    assert document["runs"][1]["invocations"][0]["executionSuccessful"] is True


def test_default_checks_merge_and_a_check_that_stops(local_images: None) -> None:
    """BuildKit's default checks on a file made to trip them and one whose base image cannot be
    resolved offline, next to dockerfiles/webapp: sorted with arxdocker's by file and line."""
    fixtures = "tests/fixtures/buildkit-checks"
    result = lint("dockerfiles/webapp", fixtures, "--buildkit-checks", "--format", "json")
    assert result.returncode == 1
    rows = json.loads(result.stdout)
    by_file = [r["file"] for r in rows]
    assert by_file == sorted(by_file, key=lambda f: (not f.startswith("dockerfiles"), f))
    for name in set(by_file):
        lines = [r["line"] for r in rows if r["file"] == name]
        assert lines == sorted(lines)
    warnings = f"{fixtures}/warnings/Dockerfile"
    codes = {r["code"] for r in rows if r["file"] == warnings}
    assert {"ARX014", "buildkit/SecretsUsedInArgOrEnv", "buildkit/FromAsCasing",
            "buildkit/UndefinedVar", "buildkit/JSONArgsRecommended"} <= codes  # fmt: skip
    assert sum(r["code"].startswith("buildkit/") for r in rows if r["file"] == warnings) == 9
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        f"arxdocker: warning: {fixtures}/unresolvable/Dockerfile:2: BuildKit's check stopped: "
        "arxdocker/not-here:1: failed to resolve source metadata"
    )
