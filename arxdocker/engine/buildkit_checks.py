"""Run BuildKit's Dockerfile checks on the engine: `docker buildx build --call=check,format=json`
(buildx 0.15 or newer), one call per Dockerfile with the folder holding it as the context.

Typed results, never an exception: `Unavailable` when checks cannot run at all (no docker, no
buildx, a buildx without `--call`, no engine), else a `Checked` (BuildKit's JSON answer) or a
`Failed` (no answer) per file. The answer is parsed by `arxdocker.lint.buildkit_checks`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from arxdocker.engine import cliproc
from arxdocker.engine.dockercli import version_tuple

MINIMUM_BUILDX = (0, 15)
VERSION_TIMEOUT_S = 20.0
CHECK_TIMEOUT_S = 180.0
PARALLEL = 4  # checks at once: each is a short client process and a frontend solve
ENGINE_DOWN = (
    "Cannot connect to the Docker daemon",
    "error during connect",
    "failed to connect to the docker API",
)


@dataclass(frozen=True)
class Unavailable:
    """BuildKit's checks cannot run here; `reason` is one line."""

    reason: str


@dataclass(frozen=True)
class Checked:
    """BuildKit answered for `dockerfile`: its `--call=check,format=json` document (`output`)."""

    dockerfile: str
    output: str


@dataclass(frozen=True)
class Failed:
    """No answer for `dockerfile`; `reason` is one line."""

    dockerfile: str
    reason: str


FileOutcome = Checked | Failed


@dataclass(frozen=True)
class CheckRun:
    """The checks of one lint run: `unavailable` set (and no outcomes) when they could not run."""

    outcomes: tuple[FileOutcome, ...] = ()
    unavailable: Unavailable | None = None
    buildx: str = ""  # buildx's version, as it prints it


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _error_line(stderr: str) -> str:
    """The line of buildx's stderr that says what went wrong (its last `ERROR:` line)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    chosen = errors[-1] if errors else (lines[-1] if lines else "no output")
    return _one_line(chosen.removeprefix("ERROR:").strip())


def parse_buildx_version(text: str) -> tuple[int, int] | None:
    """(major, minor) of `docker buildx version`'s line: `github.com/docker/buildx v0.29.1 ...`
    upstream, `... 0.29.1+ds1 0.29.1+ds1-4` in Debian's build."""
    match = re.search(r"buildx\S*\s+(\S+)", text)
    version = version_tuple(match[1]) if match else None
    return (version[0], version[1]) if version and len(version) >= 2 else None


def probe(docker: str = "docker") -> tuple[Unavailable | None, str]:
    """(why the checks cannot run or None, buildx's version text): a buildx with `--call`."""
    code, out, err = cliproc.run([docker, "buildx", "version"], VERSION_TIMEOUT_S)
    if code == cliproc.NOT_FOUND:
        return Unavailable(f"{docker} is not on PATH"), ""
    if code != 0:
        return Unavailable(f"no buildx: {_error_line(err or out)}"), ""
    version = parse_buildx_version(out)
    shown = _one_line(out).removeprefix("github.com/docker/buildx ").split(" ")[0]
    if version is not None and version < MINIMUM_BUILDX:
        need = ".".join(map(str, MINIMUM_BUILDX))
        return Unavailable(f"buildx {shown} has no --call=check (needs {need} or newer)"), shown
    return None, shown


def check_argv(
    dockerfile: str, context: str, build_args: Sequence[str] = (), docker: str = "docker"
) -> list[str]:
    argv = [docker, "buildx", "build", "--call=check,format=json", "--progress=quiet"]
    for build_arg in build_args:
        argv += ["--build-arg", build_arg]
    return [*argv, "-f", dockerfile, context]


def check_file(
    dockerfile: str, context: str, build_args: Sequence[str] = (), docker: str = "docker"
) -> FileOutcome | Unavailable:
    """One Dockerfile's check. buildx exits 1 when it found warnings, so an answer is taken from
    stdout whatever the exit code; without one, stderr says why."""
    argv = check_argv(dockerfile, context, build_args, docker)
    code, out, err = cliproc.run(argv, CHECK_TIMEOUT_S)
    if out.lstrip().startswith("{"):
        return Checked(dockerfile, out)
    if code == cliproc.NOT_FOUND:
        return Unavailable(f"{docker} is not on PATH")
    if "unknown flag: --call" in err:
        return Unavailable("this buildx has no --call=check (needs 0.15 or newer)")
    if any(marker in err for marker in ENGINE_DOWN):
        return Unavailable(f"no engine: {_error_line(err)}")
    if code == cliproc.TIMED_OUT:
        return Failed(dockerfile, f"BuildKit's check gave no answer within {CHECK_TIMEOUT_S:.0f} s")
    return Failed(dockerfile, _error_line(err or out))


def run_checks(
    files: Sequence[tuple[str, str]], build_args: Sequence[str] = (), docker: str = "docker"
) -> CheckRun:
    """Check each (Dockerfile, context) pair, a few at once; outcomes in `files`' order. When
    the engine turns out to be unreachable, the run is `unavailable` as a whole."""
    unavailable, buildx = probe(docker)
    if unavailable is not None:
        return CheckRun(unavailable=unavailable, buildx=buildx)
    if not files:
        return CheckRun(buildx=buildx)
    workers = max(1, min(PARALLEL, len(files)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(
            pool.map(lambda pair: check_file(pair[0], pair[1], build_args, docker), files)
        )
    for result in results:
        if isinstance(result, Unavailable):
            return CheckRun(unavailable=result, buildx=buildx)
    outcomes: list[FileOutcome] = [r for r in results if not isinstance(r, Unavailable)]
    return CheckRun(tuple(outcomes), buildx=buildx)
