"""The buildx driver: runs `docker buildx build` and streams its rawjson progress.

The build itself runs as a child process that arxdocker spawns directly, with the argv that
`options.buildx_argv` spells exactly as python-on-whales would (a test holds them equal). Why not
`python_on_whales.docker.buildx.build(..., stream_logs=True)` on the hot path:

- importing python-on-whales takes ~200 ms here, more than the whole overhead budget (150 ms);
- its stream hides the child process, so Ctrl-C cannot end the build within 2 s, and it mixes
  stdout into stderr and keeps the whole stderr in memory (`full_stderr += line`);
- it takes a single `--cache-to` and has no pass-through for extra buildx arguments.

`ARXDOCKER_BUILDX_BACKEND=whales` runs the same build through python-on-whales instead, for
anyone who wants its exact behaviour; this is the only module that imports it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from typing import IO

from arxdocker.build.options import BuildOptions, buildx_argv, whales_kwargs
from arxdocker.errors import ArxError

KILL_GRACE_S = 1.0


class BuildxProcess:
    """A running `docker buildx build` (or bake); iterate `lines()` for its stderr (rawjson)."""

    def __init__(
        self,
        options: BuildOptions | None,
        *,
        stdout: IO[bytes] | int | None = None,
        docker: str = "docker",
        argv: list[str] | None = None,
    ) -> None:
        # `argv` runs another buildx command the same way (`arxdocker bake`); else `options`.
        if argv is None:
            assert options is not None
            argv, extra_env = buildx_argv(options, progress="rawjson", docker=docker)
        else:
            extra_env = {}
        self.argv = argv
        try:
            self.process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=subprocess.PIPE,
                env={**os.environ, **extra_env},
                start_new_session=True,  # Ctrl-C reaches arxdocker, which ends the whole group
            )
        except FileNotFoundError:
            raise ArxError(
                f"cannot run {docker!r}: not found on PATH",
                hint="install the docker CLI and the buildx plugin",
            ) from None

    @property
    def pid(self) -> int:
        return self.process.pid

    def lines(self) -> Iterator[bytes]:
        stream = self.process.stderr
        assert stream is not None
        yield from iter(stream.readline, b"")

    def wait(self) -> int:
        return self.process.wait()

    def interrupt(self, grace_s: float = KILL_GRACE_S) -> int:
        """SIGINT to the child's process group, then SIGKILL after `grace_s`; the exit code."""
        for sig, wait_s in ((signal.SIGINT, grace_s), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, sig)
            try:
                return self.process.wait(timeout=wait_s)
            except subprocess.TimeoutExpired:
                continue
        return self.process.wait()


def whales_lines(options: BuildOptions) -> Iterator[bytes]:
    """The same build through python-on-whales (slower to start; see the module doc)."""
    from python_on_whales import DockerException, docker

    try:
        for line in docker.buildx.build(**whales_kwargs(options)):
            yield line.encode()
    except DockerException as error:
        raise WhalesBuildFailed(error.return_code) from None


class WhalesBuildFailed(Exception):
    def __init__(self, exit_code: int) -> None:
        super().__init__(f"buildx exited with {exit_code}")
        self.exit_code = exit_code
