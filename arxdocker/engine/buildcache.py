"""The builder's cache through the buildx CLI: `docker buildx du --verbose` and `buildx prune`.

buildx, not the docker SDK, because it speaks to whichever builder is selected (docker,
docker-container, kubernetes, remote), the same one a build uses; see `du_text` for the format.
"""

from __future__ import annotations

from arxdocker.engine import cliproc
from arxdocker.engine.du_text import CacheRecord, DuTotals, parse_du_verbose
from arxdocker.errors import ArxError

TIMEOUT_S = 120


def _buildx(args: list[str], builder: str | None, docker: str = "docker") -> str:
    argv = [docker, "buildx", *args, *(["--builder", builder] if builder else [])]
    code, out, err = cliproc.run(argv, TIMEOUT_S)
    if code == cliproc.NOT_FOUND:
        raise ArxError(
            f"cannot run {docker!r}: not found on PATH",
            hint="install the docker CLI and the buildx plugin",
        )
    if code == cliproc.TIMED_OUT:
        raise ArxError(f"`{' '.join(argv)}` did not answer within {TIMEOUT_S} s")
    if code != 0 and ("unknown flag" in err or "is not a docker command" in err):
        raise ArxError(
            f"`{docker} buildx` is not installed",
            hint="install docker-buildx (a CLI plugin in ~/.docker/cli-plugins)",
        )
    if code != 0:
        raise ArxError(
            f"`{' '.join(argv)}` failed: {_reason(err)}",
            hint="run `arxdocker doctor` to see what is wrong with the engine or builder",
        )
    return out


def _reason(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.upper().startswith("ERROR")]
    return (errors or lines or ["(no message)"])[0]


def disk_usage(builder: str | None = None) -> tuple[list[CacheRecord], DuTotals]:
    """Every cache record of the builder, and buildx's own totals."""
    return parse_du_verbose(_buildx(["du", "--verbose"], builder))


def prune(args: list[str], builder: str | None = None) -> str:
    """Run `docker buildx prune ARGS`; its output (buildx's `Total:` reclaimed line)."""
    return _buildx(["prune", *args], builder)
