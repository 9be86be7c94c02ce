"""The event loop `build` and `bake` share, fed real buildx rawjson logs (fixtures/buildkit)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from arxdocker.build.fold import fold_buildx
from arxdocker.build.launch import INTERRUPTED_EXIT, Interrupted
from arxdocker.progress.models import Event

FIXTURES = Path(__file__).parents[1] / "fixtures" / "buildkit"


def _lines(name: str) -> list[bytes]:
    return (FIXTURES / name).read_bytes().splitlines(keepends=True)


class _Child:
    """Stands in for the buildx process: its exit code, and whether it was ended."""

    def __init__(self, exit_code: int) -> None:
        self.exit_code = exit_code
        self.waited = self.interrupted = False

    def wait(self) -> int:
        self.waited = True
        return self.exit_code

    def interrupt(self) -> None:
        self.interrupted = True


def test_a_source_edit_folds_to_its_cached_and_built_steps() -> None:
    child, seen = _Child(0), []
    run = fold_buildx(iter(_lines("source-edit.rawjson-compact.log")), child.wait, child.interrupt,
                      on_event=seen.append)  # fmt: skip
    summary = run.builder.finish(run.steps).summary
    assert (summary.steps_total, summary.steps_cached) == (8, 5)  # as `analyze` counts it
    assert (run.status, run.exit_code, run.stream_error) == ("ok", 0, None)
    assert child.waited and not child.interrupted
    assert seen and all(isinstance(event, Event) for event in seen)


def test_a_failing_build_keeps_buildx_exit_code_and_its_error_text() -> None:
    child = _Child(1)
    run = fold_buildx(iter(_lines("failing-run.rawjson-compact.log")), child.wait, child.interrupt)
    assert (run.status, run.exit_code) == ("failed", 1)
    assert any("did not complete successfully: exit code: 3" in t for t in run.text_lines)


def test_a_cut_stream_keeps_what_was_read_and_drains_the_rest() -> None:
    lines = _lines("source-edit.rawjson-compact.log")
    half = len(lines) * 3 // 4
    cut = [*lines[:half], b'{"vertexes": [{"digest": "sha256:ab\n', *lines[half:]]
    stream = iter(cut)
    child = _Child(0)
    run = fold_buildx(stream, child.wait, child.interrupt)
    assert run.stream_error is not None and "JSON" in run.stream_error
    assert next(stream, None) is None  # buildx never blocks on a full pipe
    assert 0 < run.builder.finish(run.steps).summary.steps_total < 8  # the steps read before it
    assert (run.status, run.exit_code) == ("ok", 0)


def test_an_interrupt_ends_buildx_and_names_the_signal() -> None:
    def interrupted_after_a_few_lines() -> Iterator[bytes]:
        yield from _lines("cold.rawjson-compact.log")[:5]
        raise Interrupted(15)

    child = _Child(0)
    run = fold_buildx(interrupted_after_a_few_lines(), child.wait, child.interrupt)
    assert child.interrupted and not child.waited
    assert (run.status, run.exit_code, run.signal_name) == (
        "interrupted",
        INTERRUPTED_EXIT,
        "SIGTERM",
    )


def test_an_interrupt_ends_the_running_step_then_and_the_wall_time_runs_to_it() -> None:
    """The step buildx was running is canceled at the interrupt, with its time so far; the
    report's wall time runs to the interrupt, not to the last step that finished."""
    import json

    lines = _lines("cold.rawjson-compact.log")
    # up to the object that starts the slow `RUN … fetch-deps.sh` step (2.2 s in the whole log)
    start = next(
        i for i, line in enumerate(lines)
        if any("fetch-deps.sh" in v.get("name", "") and v.get("started") and not v.get("completed")
               for v in json.loads(line).get("vertexes") or [])
    )  # fmt: skip

    def interrupted_while_it_runs() -> Iterator[bytes]:
        yield from lines[: start + 1]
        raise Interrupted(2)

    child = _Child(0)
    run = fold_buildx(interrupted_while_it_runs(), child.wait, child.interrupt)
    report = run.builder.finish(run.steps)
    running = next(s for s in report.steps if "fetch-deps.sh" in s.name)
    assert running.status == "canceled"
    # The fixture was captured a day or more before this test runs: the step "ran" until now.
    assert running.duration_s is not None and running.duration_s > 1000
    assert report.duration_s is not None and report.duration_s >= running.duration_s
    assert report.summary.steps_canceled == 1
