"""Start the build: check that the builder can export the planned cache, then spawn buildx.

This module is on the path between `arxdocker build` starting and buildx starting, so it imports
only what that needs. buildx takes ~100 ms to print its first event; the event fold, the record
and the report are imported and prepared in that time (see `session.follow`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from arxdocker.build.cachespec import CachePlan, spec_type, strip_credentials
from arxdocker.build.capability import BuilderInfo, export_problems
from arxdocker.build.options import BuildOptions
from arxdocker.build.request import BuildRequest
from arxdocker.errors import ArxError

INTERRUPTED_EXIT = 130
INTERRUPTING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@dataclass
class Launched:
    """A running build: its stderr lines, and how to wait for it or end it."""

    request: BuildRequest
    options: BuildOptions  # as run: cache specs resolved, metadata file set
    plan: CachePlan
    dropped: list[str]
    builder: BuilderInfo | None  # known when the cache plan needed it; else asked later
    started: float
    lines: Iterator[bytes]
    wait: Callable[[], int]
    interrupt: Callable[[], None]
    messages: list[str] = field(default_factory=list)
    _previous_handlers: dict[int, Any] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        """buildx's `--metadata-file` (image digest and name), once the build has ended."""
        if not self.options.metadata_file:
            return {}
        import json

        try:
            with Path(self.options.metadata_file).open(encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def close(self) -> None:
        """Restore the SIGTERM and SIGHUP handlers; call once the child has ended."""
        _restore(self._previous_handlers)
        self._previous_handlers = {}

    def cleanup(self) -> None:
        self.close()
        if self.options.metadata_file:
            with contextlib.suppress(OSError):
                Path(self.options.metadata_file).unlink()


def _metadata_file() -> str:
    """A fresh private file for buildx's `--metadata-file` (tempfile costs 3 ms to import)."""
    folder = os.environ.get("TMPDIR") or "/tmp"
    for attempt in range(100):
        path = f"{folder}/arxdocker-{os.getpid()}-{time.monotonic_ns()}-{attempt}.json"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            continue
        return path
    raise ArxError(f"cannot create a metadata file in {folder}")


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled as Ctrl-C is; `signal_name` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signal_name = signal.Signals(signum).name


def _raise_interrupt(signum: int, frame: Any) -> None:
    # SIGTERM (a CI cancel) and SIGHUP (the terminal closed) end the build as Ctrl-C does: buildx
    # runs in its own session, so nothing else would stop it.
    raise Interrupted(signum)


def _restore(handlers: dict[int, Any]) -> None:
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


@contextlib.contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """Within this block SIGTERM and SIGHUP raise `Interrupted`, as `launch` arranges for build."""
    previous = {sig: signal.signal(sig, _raise_interrupt) for sig in INTERRUPTING_SIGNALS}
    try:
        yield
    finally:
        _restore(previous)


def launch(request: BuildRequest) -> Launched:
    """Check the cache plan against the builder and start buildx."""
    messages: list[str] = []
    plan, dropped, builder = _checked_plan(request, messages.append)
    options = replace(
        request.options,
        cache_from=plan.cache_from,
        cache_to=plan.cache_to,
        metadata_file=_metadata_file(),
    )
    started = time.time()
    previous = {sig: signal.signal(sig, _raise_interrupt) for sig in INTERRUPTING_SIGNALS}
    try:
        lines, wait, interrupt = _start(options, request)
    except BaseException:
        _restore(previous)
        with contextlib.suppress(OSError):
            Path(options.metadata_file or "").unlink()
        raise
    return Launched(
        request=request,
        options=options,
        plan=plan,
        dropped=dropped,
        builder=builder,
        started=started,
        lines=lines,
        wait=wait,
        interrupt=interrupt,
        messages=messages,
        _previous_handlers=previous,
    )


def _checked_plan(
    request: BuildRequest, note: Callable[[str], None]
) -> tuple[CachePlan, list[str], BuilderInfo | None]:
    """The plan the builder can carry out; exports it cannot do are an error or dropped."""
    plan = request.cache
    exporting = [spec for spec in plan.cache_to if spec_type(spec) != "inline"]
    if not exporting and request.options.builder is None:
        return plan, [], None
    # A builder named on the command line is checked too: a typo is a setup error (exit 2), not
    # a failed build in the history.
    info = inspect_builder_or_fail(request.options.builder)
    if not exporting:
        return plan, [], info
    problems = export_problems(plan.cache_to, info)
    if not problems:
        return plan, [], info
    if not request.cache_optional:
        first = problems[0]
        raise ArxError(first.message, hint=first.hint)
    bad = {problem.spec for problem in problems}
    for problem in problems:
        note(f"{problem.message}; building without this cache export (--cache-optional)")
    kept = CachePlan(
        plan.cache_from,
        tuple(spec for spec in plan.cache_to if spec not in bad),
        plan.kinds,
        tuple(swap for swap in plan.local_swaps if not any(swap.staging in s for s in bad)),
    )
    return kept, [strip_credentials(spec) for spec in bad], info


def inspect_builder_or_fail(name: str | None) -> BuilderInfo:
    """The builder's facts, or a usage error when buildx cannot tell them."""
    info = inspect_builder(name)
    if info is None:
        raise ArxError(
            f"cannot inspect buildx builder {name or '(default)'!r}",
            hint="check `docker buildx ls` and that DOCKER_HOST points at a running engine",
        )
    return info


def inspect_builder(name: str | None) -> BuilderInfo | None:
    from arxdocker.build import clifacts
    from arxdocker.engine.images import containerd_image_store

    facts = clifacts.facts(name)
    if not facts.get("driver"):
        return None
    return BuilderInfo(
        name=facts.get("builder") or name or "default",
        driver=facts["driver"],
        buildkit_version=facts.get("buildkit"),
        containerd_store=containerd_image_store() if facts["driver"] == "docker" else None,
        docker_client=facts.get("docker_client"),
        buildx=facts.get("buildx"),
    )


def _start(
    options: BuildOptions, request: BuildRequest
) -> tuple[Iterator[bytes], Callable[[], int], Callable[[], None]]:
    """The child's stderr lines, a function waiting for its exit code, and one ending it."""
    if os.environ.get("ARXDOCKER_BUILDX_BACKEND") == "whales":
        from arxdocker.build.driver import WhalesBuildFailed, whales_lines

        failed: list[int] = []

        def lines() -> Iterator[bytes]:
            try:
                yield from whales_lines(options)
            except WhalesBuildFailed as error:
                failed.append(error.exit_code)

        return lines(), lambda: failed[0] if failed else 0, lambda: None  # no child to end
    from arxdocker.build.driver import BuildxProcess

    stdout = sys.stderr.buffer if request.child_stdout_to_stderr else None
    process = BuildxProcess(options, stdout=stdout)

    def interrupt() -> None:
        process.interrupt()

    return process.lines(), process.wait, interrupt
