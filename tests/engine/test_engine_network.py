"""Several engines on one machine keep their networks (scripts/engine.sh, docs/engine.md).

Docker 28 flushes and rewrites its DOCKER-FORWARD chains with only its own bridge whenever a
dockerd starts or stops, so before engine.sh opened each bridge in DOCKER-USER, a second engine's
start and stop left the first engine's builds unable to resolve a name (apt-get exited 100). Here
a second engine is started and stopped for real, and a build on the first must still reach the
package archive the machine's apt setup names.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.engine, pytest.mark.slow]

ENGINE_SH = REPO / "scripts" / "engine.sh"


def _archive_uri() -> str:
    """The Debian archive this machine's apt reads (no host is written in the tests)."""
    sources = Path("/etc/apt/sources.list.d/debian.sources")
    if sources.is_file():
        for line in sources.read_text().splitlines():
            if line.startswith("URIs:"):
                return line.split()[1]
    listing = Path("/etc/apt/sources.list")
    if listing.is_file():
        for line in listing.read_text().splitlines():
            words = line.split()
            if words and words[0] == "deb":
                return next(word for word in words if word.startswith("http"))
    pytest.fail("no Debian archive address in /etc/apt/sources.list(.d)", pytrace=False)


def _build_reaches(context: Path, uri: str, base_image: str) -> subprocess.CompletedProcess[str]:
    # A nonce in an ARG the RUN sees makes every build run the RUN again, never from the cache.
    (context / "Dockerfile").write_text(
        f"FROM {base_image}\nARG URI\nARG NONCE\n"
        'RUN wget -q -O /dev/null "$URI/dists/bookworm/Release" && echo "reached $URI"\n'
    )
    return subprocess.run(
        [
            "docker", "buildx", "build", "--progress=plain",
            "--build-arg", f"URI={uri}", "--build-arg", f"NONCE={secrets.token_hex(4)}", ".",
        ],
        cwd=context, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _second_engine(action: str, state: Path) -> subprocess.CompletedProcess[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DOCKER_HOST", "DOCKER_CONFIG", "ARXDOCKER_TEST_REGISTRY")
    }
    env.update(
        ARXDOCKER_ENGINE_DIR=str(state),
        ARXDOCKER_ENGINE_BRIDGE="arxnet2=172.31.89.1/24",
        ARXDOCKER_FORCE_OWN_ENGINE="1",
    )
    return subprocess.run(
        [str(ENGINE_SH), action], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_a_second_engine_starting_and_stopping_leaves_the_first_one_online(
    engine_env: dict[str, str], tmp_path: Path
) -> None:
    uri = _archive_uri()
    base = engine_env["ARXDOCKER_BASE_IMAGE"]
    before = _build_reaches(tmp_path, uri, base)
    assert before.returncode == 0, before.stderr[-2000:]

    state = tmp_path / "second-engine"
    try:
        up = _second_engine("up", state)
        assert up.returncode == 0, up.stderr[-2000:]
        during = _build_reaches(tmp_path, uri, base)
        assert during.returncode == 0, during.stderr[-2000:]
    finally:
        down = _second_engine("down", state)
    assert down.returncode == 0, down.stderr[-2000:]

    after = _build_reaches(tmp_path, uri, base)
    assert after.returncode == 0, after.stderr[-2000:]
    assert f"reached {uri}" in after.stderr
