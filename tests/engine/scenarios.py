"""Real builds of dockerfiles/webapp in a fixed set of cache scenarios, in either progress format.

Used twice: `scripts/capture_fixtures.py` saves the logs as parser fixtures, and the engine test
runs the same scenarios live. Every scenario starts with `docker buildx prune -af`, then sets up
its cache state with quiet builds, then makes the one build whose log is kept; so the plain and
the rawjson run of a scenario start from the same cache state.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "dockerfiles" / "webapp"
PROJECTS = REPO / "tests" / "fixtures" / "projects"
FORMATS = ("plain", "rawjson")


@dataclass(frozen=True)
class Expected:
    """What the report of the kept build must say, beyond both formats agreeing."""

    cached: int | None = None  # exact count of cached steps; -1 means "all of them"
    # exact count of steps; None: BuildKit's own count of distinct step vertices in the
    # scenario's rawjson log (`distinct_step_vertices`), which differs between engines
    total: int | None = 8
    failed_step: str | None = None
    exit_code: int = 0  # buildx's
    report_exit_code: int | None = None  # the report's, when it is not buildx's


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

    def project(self, name: str) -> Path:
        """A fresh copy of tests/fixtures/projects/NAME beside the example."""
        copy = self.root.parent / name
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(PROJECTS / name, copy)
        return copy


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    setup: Callable[[Workspace], None]
    command: Callable[[Workspace, str], list[str]]
    expected: Expected
    project: str | None = None  # tests/fixtures/projects/NAME instead of dockerfiles/webapp
    attestations: bool = False  # keep buildx's default provenance attestation
    min_buildx: tuple[int, int] = (0, 0)  # an older buildx cannot run the scenario

    def runs_on(self, buildx: tuple[int, int]) -> bool:
        return buildx >= self.min_buildx


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
        # The distinct step vertices: 12 on buildx 0.13.1, where each target loads its own build
        # context, so the test target has its own (cached) copies of deps' COPY and RUN and of
        # `COPY src/ src/`; 9 on 0.29.1, which loads the context once and runs a shared step once.
        Expected(cached=None, total=None),
    ),
    Scenario(
        "bake-shared",
        "buildx bake of three targets of one Dockerfile (deps, side FROM deps, final FROM deps "
        "copying from side): tests/fixtures/projects/bake-shared",
        _nothing,
        lambda ws, fmt: ws.bake_command(fmt),
        Expected(cached=None, total=None),
        project="bake-shared",
    ),
    Scenario(
        "attestations",
        "cold build with buildx's default provenance attestation (an attestation manifest)",
        _nothing,
        _plain_build,
        Expected(cached=0),
        attestations=True,
    ),
    Scenario(
        "check",
        "docker buildx build --call=check of a Dockerfile with two check warnings "
        "(tests/fixtures/projects/check-warnings): no step runs",
        _nothing,
        lambda ws, fmt: ws.build_command(fmt, "--call=check"),
        # buildx exits 1 for the warnings, which it prints on stdout after the progress stream:
        # they are no part of it, and the build itself (no step) did not fail.
        Expected(cached=0, total=0, exit_code=1, report_exit_code=0),
        project="check-warnings",
        min_buildx=(0, 15),
    ),
)


_STEP_NAME = re.compile(r"\[[^\]]*?\d+/\d+\]\s+(\S+)")


def distinct_step_vertices(rawjson: bytes) -> tuple[int, int, dict[str, set[str]]]:
    """BuildKit's own count of a rawjson log's steps, made apart from arxdocker's readers.

    Every JSON object of the log (pretty-printed or one per line) is read with the standard
    library; a step is a distinct vertex digest whose name is an instruction step
    (`[... i/n] INSTRUCTION`, FROM excepted) that started or was cached, and the vertices of one
    progress group (a `COPY --link` and its merge) are one step. Returns the steps, those cached,
    and for each such step (its digest, or its group's id) the bake targets (name prefixes) it
    was reported under.
    """
    decoder = json.JSONDecoder()
    text = rawjson.decode("utf-8", "replace")
    names: dict[str, set[str]] = {}
    ran: set[str] = set()
    cached: set[str] = set()
    position = 0
    while (start := text.find("{", position)) != -1:
        if start and text[start - 1] != "\n":
            position = start + 1
            continue
        try:
            status, position = decoder.raw_decode(text, start)
        except ValueError:
            position = start + 1
            continue
        for vertex in status.get("vertexes") or []:
            match = _STEP_NAME.match(vertex.get("name") or "")
            if match is None or match[1].upper() == "FROM":
                continue
            digest = (vertex.get("progressGroup") or {}).get("id") or vertex["digest"]
            names.setdefault(digest, set()).add(vertex["name"])
            if vertex.get("started"):
                ran.add(digest)
            if vertex.get("cached"):
                cached.add(digest)
    counted = ran | cached
    targets = {digest: {name[1:].split(" ", 1)[0] for name in names[digest]} for digest in counted}
    return len(counted), len(cached), targets


_PLAIN_VERTEX = re.compile(rb"^#(\d+) (.*)$", re.M)


def distinct_plain_steps(plain: bytes) -> tuple[int, int]:
    """BuildKit's own count of a plain log's steps, made apart from arxdocker's readers: the
    distinct `#N` whose name is an instruction step (FROM excepted), and those printed CACHED."""
    steps: set[bytes] = set()
    cached: set[bytes] = set()
    for number, rest in _PLAIN_VERTEX.findall(plain):
        match = _STEP_NAME.match(rest.decode("utf-8", "replace"))
        if match is not None and match[1].upper() != "FROM":
            steps.add(number)
        elif rest.strip() == b"CACHED":
            cached.add(number)
    return len(steps), len(steps & cached)


def buildkit_count(log: bytes, fmt: str) -> tuple[int, int]:
    """(steps, cached) of one log by BuildKit's own vertex data, in either format."""
    if fmt == "plain":
        return distinct_plain_steps(log)
    steps, cached, _ = distinct_step_vertices(log)
    return steps, cached


def buildx_version() -> tuple[int, int]:
    """(major, minor) of the `docker buildx` on PATH (`github.com/docker/buildx 0.29.1+ds1 …`)."""
    words = subprocess.run(
        ["docker", "buildx", "version"], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    match = re.match(r"v?(\d+)\.(\d+)", words[1] if len(words) > 1 else "")
    if match is None:
        raise RuntimeError(f"cannot read buildx's version from {words!r}")
    return int(match[1]), int(match[2])


def run_scenario(ws: Workspace, scenario: Scenario, fmt: str) -> Capture:
    """Reset the cache, set up the scenario, and capture the build's progress output."""
    ws.restore()
    ws.prune()
    scenario.setup(ws)
    command = scenario.command(ws, fmt)
    env = dict(os.environ)
    if not scenario.attestations:
        env["BUILDX_NO_DEFAULT_ATTESTATIONS"] = "1"
    result = subprocess.run(
        command,
        cwd=ws.root if scenario.project is None else ws.project(scenario.project),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=600,
        check=False,
        env=env,
    )
    ws.restore()
    return Capture(scenario.name, fmt, command, result.returncode, result.stdout)


def public_command(command: list[str], ws: Workspace) -> str:
    """The command as a reader can rerun it, without this machine's registry port."""
    text = " ".join(command)
    return text.replace(ws.registry, "$ARXDOCKER_TEST_REGISTRY").replace(
        ws.base_image, "$ARXDOCKER_BASE_IMAGE"
    )
