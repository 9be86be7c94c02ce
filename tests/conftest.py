"""Session-wide fixtures: the real BuildKit engine for tests marked `engine`."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"


ENGINE_VARIABLES = (
    "DOCKER_HOST",
    "DOCKER_CONFIG",
    "ARXDOCKER_TEST_REGISTRY",
    "ARXDOCKER_BASE_IMAGE",
    "ARXDOCKER_ENGINE",
    "ARXDOCKER_ENGINE_PREFIX",
)


def _load_engine_env() -> dict[str, str]:
    """The engine's variables: as exported already, else from `scripts/engine.sh env`, starting
    the engine if needed."""
    if os.environ.get("ARXDOCKER_TEST_REGISTRY") and os.environ.get("DOCKER_HOST"):
        # Already pointed at an engine (`eval "$(scripts/engine.sh env)"`, or one of several
        # engines on this machine): use exactly that one.
        return {name: os.environ[name] for name in ENGINE_VARIABLES if name in os.environ}
    if not os.environ.get("ARXDOCKER_TEST_REGISTRY"):
        up = subprocess.run(
            [str(REPO / "scripts" / "engine.sh"), "up"], capture_output=True, text=True, check=False
        )
        if up.returncode != 0:
            pytest.fail(f"no BuildKit engine for engine tests: {up.stderr.strip()}", pytrace=False)
    result = subprocess.run(
        [str(REPO / "scripts" / "engine.sh"), "env"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"scripts/engine.sh env failed: {result.stderr.strip()}", pytrace=False)
    env = {}
    for line in result.stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = shlex.split(value)[0] if value else ""
    return env


@pytest.fixture(scope="session")
def engine_env() -> dict[str, str]:
    """Point docker clients at the engine; returns its variables (registry, base image...)."""
    env = _load_engine_env()
    os.environ.update(env)
    return env


@pytest.fixture(scope="session")
def buildkit_fixtures() -> Path:
    return FIXTURES / "buildkit"
