"""`arxdocker lint --fix` on the real engine, for every cache-unfriendly example in dockerfiles/.

For each example: fix a copy of Dockerfile.unfriendly (it must change, parse, and a second --fix
must change nothing), build the fixed, the unfixed and the hand-ordered `Dockerfile` with
`arxdocker build`, make a source-only edit, rebuild all three, and compare cache hits and wall
times. Run with `-s` to see the figures.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from arxdocker.dockerfile import parse_text

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEBIAN_IMAGE = "arxdocker/debian-python:12"

# example -> (a source file to edit, whether it needs the Debian base image)
EXAMPLES = {
    "webapp": ("src/index.html", False),
    "docsite": ("content/guide.md", False),
    "pyapp": ("pyapp/__main__.py", True),
    "reportgen": ("bin/report.sh", True),
}
BUSYBOX_EXAMPLES = ("webapp", "docsite")

pytestmark = pytest.mark.engine


def _docker_ok() -> bool:  # the session's engine_env fixture (tests/conftest.py) points docker
    try:
        return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0
    except OSError:
        return False


@pytest.fixture(scope="module")
def debian_base(engine_env: dict[str, str]) -> None:
    if not _docker_ok():
        pytest.fail("no engine: run `scripts/engine.sh up` and export its env")
    inspect = ["docker", "image", "inspect", DEBIAN_IMAGE]
    exists = subprocess.run(inspect, capture_output=True, check=False)
    if exists.returncode != 0:
        subprocess.run([str(ROOT / "scripts" / "make_debian_base.sh")], check=True)


def _build(context: Path, dockerfile: str, history: Path) -> dict:
    args = [str(BIN / "arxdocker"), "build", str(context), "-f", str(context / dockerfile)]
    args += ["--json", "--progress", "quiet", "--history", str(history)]
    base = os.environ.get("ARXDOCKER_BASE_IMAGE")
    if base and context.name in BUSYBOX_EXAMPLES:
        args += ["--build-arg", f"BASE_IMAGE={base}"]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def _fix(path: Path) -> str:
    lint = [str(BIN / "arxdocker"), "lint", str(path), "--fix", "--exit-zero"]
    subprocess.run(lint, capture_output=True, check=True)
    return path.read_text()


@pytest.mark.parametrize("example", EXAMPLES)
def test_fixed_unfriendly_example_builds_and_caches(
    example: str, tmp_path: Path, request, engine_env: dict[str, str]
) -> None:
    source, needs_debian = EXAMPLES[example]
    if needs_debian:
        request.getfixturevalue("debian_base")
    context = tmp_path / example
    shutil.copytree(ROOT / "dockerfiles" / example, context)
    fixed_path = context / "Dockerfile.fixed"
    shutil.copy(context / "Dockerfile.unfriendly", fixed_path)
    fixed = _fix(fixed_path)
    parse_text(fixed)
    assert _fix(fixed_path) == fixed, "a second --fix changed the file"
    assert fixed != (context / "Dockerfile.unfriendly").read_text(), "--fix changed nothing"

    history = tmp_path / "history.jsonl"
    dockerfiles = ("Dockerfile.fixed", "Dockerfile.unfriendly", "Dockerfile")
    for dockerfile in dockerfiles:
        _build(context, dockerfile, history)
    with (context / source).open("a") as stream:
        # unique, so that no earlier run's cache holds the edited file
        stream.write(f"\n# a source-only edit {uuid.uuid4()}\n")
    fixed_run, unfixed_run, hand_run = (_build(context, d, history) for d in dockerfiles)

    def figures(report: dict) -> str:
        s = report["summary"]
        return (
            f"{s['steps_cached']}/{s['steps_total']} cached ({s['hit_rate']:.0%}), "
            f"{s['steps_built']} rebuilt, {report['duration_s']:.2f} s"
        )

    print(
        f"\n{example}: after a source edit: fixed {figures(fixed_run)}; "
        f"unfixed {figures(unfixed_run)}; hand-ordered Dockerfile {figures(hand_run)}"
    )
    fixed_summary = fixed_run["summary"]
    # The fix reaches the hand-written order: it rebuilds no more steps than that file does.
    assert fixed_summary["steps_built"] <= hand_run["summary"]["steps_built"]
    assert fixed_summary["hit_rate"] > unfixed_run["summary"]["hit_rate"]
    assert fixed_run["duration_s"] < unfixed_run["duration_s"]
