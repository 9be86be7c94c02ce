"""`arxdocker lint --fix` on the real engine, for every cache-unfriendly example in dockerfiles/.

For each example: fix a copy of Dockerfile.unfriendly (it must parse, and a second --fix must
change nothing), build the fixed and the unfixed file with `arxdocker build`, make a source-only
edit, rebuild both, and compare the cache hits and wall times. Run with `-s` to see the figures.
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
    "pyapp": ("pyapp/__main__.py", True),
    "reportgen": ("bin/report.sh", True),
}

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
    if base and dockerfile.startswith("Dockerfile") and "webapp" in str(context):
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
    changed = fixed != (context / "Dockerfile.unfriendly").read_text()

    history = tmp_path / "history.jsonl"
    if not changed:  # no rule knows this example's install (webapp's own fetch script)
        _build(context, "Dockerfile.fixed", history)
        print(f"\n{example}: no fix applies; the file builds as it is")
        return
    _build(context, "Dockerfile.fixed", history)
    _build(context, "Dockerfile.unfriendly", history)
    with (context / source).open("a") as stream:
        # unique, so that no earlier run's cache holds the edited file
        stream.write(f"\n# a source-only edit {uuid.uuid4()}\n")
    after_fixed = _build(context, "Dockerfile.fixed", history)
    after_unfixed = _build(context, "Dockerfile.unfriendly", history)

    def figures(report: dict) -> str:
        s = report["summary"]
        return f"{s['steps_cached']}/{s['steps_total']} cached, {report['duration_s']:.2f} s"

    print(
        f"\n{example}: after a source edit: fixed {figures(after_fixed)}; "
        f"unfixed {figures(after_unfixed)}"
    )
    # Only the COPY of the edited sources may rebuild in the fixed file.
    assert after_fixed["summary"]["steps_built"] == 1
    assert after_fixed["summary"]["hit_rate"] > after_unfixed["summary"]["hit_rate"]
    assert after_fixed["duration_s"] < after_unfixed["duration_s"]
