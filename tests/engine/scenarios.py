"""Real builds of dockerfiles/webapp in a fixed set of cache scenarios, in either progress format.

Used twice: `scripts/capture_fixtures.py` saves the logs as parser fixtures, and the engine test
runs the same scenarios live. Every scenario starts with `docker buildx prune -af`, then sets up
its cache state with quiet builds, then makes the one build whose log is kept; so the plain and
the rawjson run of a scenario start from the same cache state.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "dockerfiles" / "webapp"
FORMATS = ("plain", "rawjson")


@dataclass(frozen=True)
class Expected:
    """What the report of the kept build must say, beyond both formats agreeing."""

    cached: int | None = None  # exact count of cached steps; -1 means "all of them"
    total: int = 8
    failed_step: str | None = None
    exit_code: int = 0


@dataclass(frozen=True)
class Capture:
    scenario: str
    fmt: str
    command: list[str]
    exit_code: int
    log: bytes


class Workspace:
    """A copy of the example that scenarios may edit, and the docker commands they run."""

    def __init__(self, root: Path, registry: str, base_image: str) -> None:
        self.root = root
        self.registry = registry
        self.base_image = base_image
        shutil.copytree(EXAMPLE, root, dirs_exist_ok=True)

    @property
    def cache_ref(self) -> str:
        return f"{self.registry}/arxdocker-fixtures/webapp:buildcache"

    def docker(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["docker", *args], cwd=self.root, capture_output=True, check=check, timeout=600
        )

    def prune(self) -> None:
        self.docker("buildx", "prune", "-af")

    def build_command(self, fmt: str, *extra: str) -> list[str]:
        return [
            "docker", "buildx", "build", f"--progress={fmt}",
            "--build-arg", f"BASE_IMAGE={self.base_image}", *extra, ".",
        ]  # fmt: skip

    def bake_command(self, fmt: str) -> list[str]:
        base = f"*.args.BASE_IMAGE={self.base_image}"
        return ["docker", "buildx", "bake", f"--progress={fmt}", "--set", base]

    def quiet_build(self, *extra: str) -> None:
        self.docker(*self.build_command("quiet", *extra)[1:])

    def edit(self, relative: str, text: str) -> None:
        with (self.root / relative).open("a") as file:
            file.write(text)

    def restore(self) -> None:
        shutil.copytree(EXAMPLE, self.root, dirs_exist_ok=True)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    setup: Callable[[Workspace], None]
    command: Callable[[Workspace, str], list[str]]
    expected: Expected


def _nothing(ws: Workspace) -> None:
    pass


def _warm(ws: Workspace) -> None:
    ws.quiet_build()


def _source_edit(ws: Workspace) -> None:
    ws.quiet_build()
    ws.edit("src/index.html", "<p>edited</p>\n")


def _manifest_edit(ws: Workspace) -> None:
    ws.quiet_build()
    ws.edit("deps.txt", "rate-limiter 1.0.3\n")


def _exported_then_pruned(ws: Workspace) -> None:
    ws.quiet_build("--cache-to", f"type=registry,ref={ws.cache_ref},mode=max")
    ws.prune()


def _exported_pruned_then_edited(ws: Workspace) -> None:
    _exported_then_pruned(ws)
    ws.edit("src/index.html", "<p>edited</p>\n")


def _plain_build(ws: Workspace, fmt: str) -> list[str]:
    return ws.build_command(fmt)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("cold", "empty build cache", _nothing, _plain_build, Expected(cached=0)),
    Scenario("warm", "rebuild with nothing changed", _warm, _plain_build, Expected(cached=-1)),
    Scenario(
        "source-edit", "one source file edited", _source_edit, _plain_build, Expected(cached=5)
    ),
    Scenario(
        "manifest-edit",
        "dependency manifest edited",
        _manifest_edit,
        _plain_build,
        Expected(cached=2),
    ),
    Scenario(
        "cache-export",
        "cold build exporting cache to the registry, mode=max",
        _nothing,
        lambda ws, fmt: ws.build_command(
            fmt, "--cache-to", f"type=registry,ref={ws.cache_ref},mode=max"
        ),
        Expected(cached=0),
    ),
    Scenario(
        "cache-import",
        "buildx prune -af, then --cache-from the registry",
        _exported_then_pruned,
        lambda ws, fmt: ws.build_command(fmt, "--cache-from", f"type=registry,ref={ws.cache_ref}"),
        Expected(cached=-1),
    ),
    Scenario(
        "cache-import-edit",
        "buildx prune -af, then a source edit built with --cache-from the registry",
        _exported_pruned_then_edited,
        lambda ws, fmt: ws.build_command(fmt, "--cache-from", f"type=registry,ref={ws.cache_ref}"),
        # deps 4/4 is pulled from the registry for the build stage: plain prints it DONE
        Expected(cached=5),
    ),
    Scenario(
        "failing-run",
        "a RUN whose tests fail",
        _nothing,
        lambda ws, fmt: ws.build_command(fmt, "--target", "test", "--build-arg", "FAIL_TESTS=1"),
        # BuildKit names the step with the build arg expanded.
        Expected(
            cached=0, total=5, failed_step="[test 2/2] RUN FAIL_TESTS=1 sh src/test.sh", exit_code=1
        ),
    ),
    Scenario(
        "bake",
        "buildx bake of two targets sharing the deps stage",
        _nothing,
        lambda ws, fmt: ws.bake_command(fmt),
        # 10 distinct steps; the test stage's `COPY src/ src/` repeats the build stage's: cached.
        Expected(cached=1, total=10),
    ),
)


def run_scenario(ws: Workspace, scenario: Scenario, fmt: str) -> Capture:
    """Reset the cache, set up the scenario, and capture the build's progress output."""
    ws.restore()
    ws.prune()
    scenario.setup(ws)
    command = scenario.command(ws, fmt)
    result = subprocess.run(
        command,
        cwd=ws.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=600,
        check=False,
        env={**os.environ, "BUILDX_NO_DEFAULT_ATTESTATIONS": "1"},
    )
    ws.restore()
    return Capture(scenario.name, fmt, command, result.returncode, result.stdout)


def public_command(command: list[str], ws: Workspace) -> str:
    """The command as a reader can rerun it, without this machine's registry port."""
    text = " ".join(command)
    return text.replace(ws.registry, "$ARXDOCKER_TEST_REGISTRY").replace(
        ws.base_image, "$ARXDOCKER_BASE_IMAGE"
    )
