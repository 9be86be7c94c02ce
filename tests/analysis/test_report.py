"""The report builder: settling for bounded memory, counting rules, JSON schema."""

from __future__ import annotations

import io
import json
from pathlib import Path

from arxdocker.analysis.report import ReportBuilder, build_report
from arxdocker.progress.models import ProgressGroup, SolveStatus, TextLine, Vertex, at_seconds
from arxdocker.progress.reader import read_events
from tests.engine.scenarios import buildkit_count

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "buildkit"


def events_of(name: str):  # type: ignore[no-untyped-def]
    with (FIXTURES / name).open("rb") as stream:
        return list(read_events(stream))


def test_settling_early_gives_the_same_summary_as_keeping_everything() -> None:
    events = events_of("bake.rawjson.log")
    whole = build_report(events, "rawjson")
    builder = ReportBuilder("rawjson", settle_after=2)
    settled = []
    for event in events:
        settled.extend(builder.add(event))
    streamed = builder.finish(settled)
    assert settled, "with a window of 2 some steps must settle before the end"
    assert streamed.summary == whole.summary
    assert sorted(s.name for s in streamed.steps) == sorted(s.name for s in whole.steps)


def vertex(
    digest: str,
    name: str,
    started: float | None = None,
    completed: float | None = None,
    error: str = "",
) -> SolveStatus:
    return SolveStatus(
        vertexes=(
            Vertex(
                digest,
                name,
                started_at=None if started is None else at_seconds(started),
                completed_at=None if completed is None else at_seconds(completed),
                error=error,
            ),
        )
    )


def test_never_started_vertices_and_from_do_not_count() -> None:
    report = build_report(
        [
            vertex("a", "[1/3] FROM busybox", started=1.0, completed=1.1),
            vertex("b", "[2/3] RUN false", started=1.1, completed=2.0, error="exit code: 1"),
            vertex("c", "[3/3] RUN never"),
            TextLine("ERROR: failed to solve: exit code: 1"),
        ],
        "rawjson",
    )
    assert [s.name for s in report.steps] == ["[1/3] FROM busybox", "[2/3] RUN false"]
    assert report.summary.steps_total == 1 and report.summary.steps_failed == 1
    assert report.summary.hit_rate == 0.0
    assert report.duration_s == 1.0
    assert report.error == "failed to solve: exit code: 1"


def test_a_vertex_updated_many_times_is_one_step_with_its_last_state() -> None:
    report = build_report(
        [
            vertex("a", "[2/2] RUN x"),
            vertex("a", "[2/2] RUN x", started=5.0),
            vertex("a", "[2/2] RUN x", started=5.0, completed=6.5),
            vertex("a", "", started=5.0, completed=6.5),
        ],
        "rawjson",
    )
    (step,) = report.steps
    assert step.status == "built" and step.duration_s == 1.5 and step.name == "[2/2] RUN x"


def test_hit_rate_is_null_without_steps() -> None:
    report = build_report([vertex("a", "[internal] load", started=1.0, completed=1.0)], "rawjson")
    assert report.to_dict()["summary"]["hit_rate"] is None


def test_report_json_has_the_v1_keys() -> None:
    report = build_report(events_of("source-edit.rawjson.log"), "rawjson")
    document = json.loads(json.dumps(report.to_dict()))
    assert document["schema"] == "arxdocker.report/v1"
    assert document["source"] == {"format": "rawjson"}
    assert {"duration_s", "steps", "summary", "error"} <= document.keys()
    assert set(document["summary"]) >= {
        "steps_total",
        "steps_cached",
        "steps_built",
        "hit_rate",
        "failed_step",
    }
    step = document["steps"][0]
    assert set(step) >= {
        "name", "target", "platform", "stage", "index", "total", "instruction", "status",
        "duration_s",
    }  # fmt: skip
    assert document["summary"]["hit_rate"] == round(5 / 8, 4)


def grouped(digest: str, name: str, started: float | None, completed: float | None) -> SolveStatus:
    group = ProgressGroup("g1", "[site 3/4] COPY --link /a /b")
    moments = {"started_at": started, "completed_at": completed}
    times = {key: None if value is None else at_seconds(value) for key, value in moments.items()}
    return SolveStatus(vertexes=(Vertex(digest, name, progress_group=group, **times),))


def test_a_progress_group_is_one_step_from_first_start_to_last_end() -> None:
    report = build_report(
        [
            grouped("copy", "[site 3/4] COPY --link /a /b", 10.0, 10.5),
            grouped("link", "[site 3/4] LINK COPY --link /a /b", 10.5, None),
            grouped("link", "[site 3/4] LINK COPY --link /a /b", 10.5, 12.0),
        ],
        "rawjson",
    )
    (step,) = report.steps
    assert step.name == "[site 3/4] COPY --link /a /b"
    assert (step.status, step.duration_s) == ("built", 2.0)


def test_a_group_member_that_never_started_does_not_hold_the_step_open() -> None:
    report = build_report(
        [
            grouped("copy", "[site 3/4] COPY --link /a /b", 10.0, 10.5),
            grouped("link", "[site 3/4] LINK COPY --link /a /b", None, None),
        ],
        "rawjson",
    )
    assert [step.status for step in report.steps] == ["built"]


def _done(digest: str, name: str, *, cached: bool = False) -> SolveStatus:
    moment = at_seconds(1.0)
    return SolveStatus(
        (Vertex(digest, name, started_at=moment, completed_at=moment, cached=cached),)
    )


def _saved(*events: SolveStatus) -> str | None:
    return build_report(events, "plain", saved_log=True).error


def test_a_saved_log_that_stops_after_a_middle_step_that_ran_is_cut_off() -> None:
    error = _saved(_done("#1", "[a 2/3] WORKDIR /x"), _done("#2", "[a 3/3] RUN make"),
                   _done("#3", "[b 2/4] RUN one"))  # fmt: skip
    assert error == (
        "the log ends before the build does (it stops after '[b 2/4] RUN one', "
        "and nothing was exported)"
    )


def test_no_cut_off_is_read_into_a_finished_build_without_an_export() -> None:
    # Cached steps come in no set order: a middle step shown last proves nothing.
    assert _saved(_done("#1", "[a 3/3] RUN b", cached=True),
                  _done("#2", "[a 2/3] RUN a", cached=True)) is None  # fmt: skip
    # A step that ran, then a later step of its stage cached (its result matched an earlier one).
    assert _saved(_done("#1", "[a 2/3] RUN a"), _done("#2", "[a 3/3] RUN b", cached=True)) is None
    # An export after the last step (bake names it `[app] exporting to image`).
    assert _saved(_done("#1", "[a 2/3] RUN a"), _done("#2", "[app] exporting to image")) is None
    # A live build's events are not a saved log: buildx's exit code tells why they ended.
    assert build_report([_done("#1", "[a 2/3] RUN a")], "plain").error is None


def _plain_report(data: bytes):
    events = read_events(io.BytesIO(data), "plain", name="x")
    return build_report(events, events.format, saved_log=True)


def test_a_ci_jobs_closing_error_is_not_the_builds_error() -> None:
    gitlab_end = b"$ ./run-tests.sh\nFAILED tests/test_x.py\nERROR: Job failed: exit code 1\n"
    passed = _plain_report((FIXTURES / "warm.plain.log").read_bytes() + gitlab_end)
    assert (passed.error, passed.exit_code) == (None, 0)
    # any `ERROR:` line of the job after a build that exported with no step failed
    for line in (b"ERROR: No files to upload\n", b"ERROR: file or directory not found: tests/\n"):
        after = _plain_report((FIXTURES / "warm.plain.log").read_bytes() + line)
        assert (after.error, after.exit_code) == (None, 0), line
    failed = _plain_report((FIXTURES / "failing-run.plain.log").read_bytes() + gitlab_end)
    assert failed.error is not None
    assert failed.error.startswith('failed to solve: process "/bin/sh -c FAIL_TESTS=')


def test_two_bake_runs_in_one_plain_log_keep_both_runs_steps() -> None:
    once = _plain_report((FIXTURES / "bake.plain.log").read_bytes())
    twice = _plain_report((FIXTURES / "bake.plain.log").read_bytes() * 2)
    assert twice.builds == 2
    steps, _ = buildkit_count((FIXTURES / "bake.plain.log").read_bytes(), "plain")
    assert twice.summary.steps_total == 2 * once.summary.steps_total == 2 * steps
    assert twice.summary.steps_cached == 2 * once.summary.steps_cached


def test_a_cut_off_log_counts_instruction_steps_apart_from_internal_ones() -> None:
    moment = at_seconds(1.0)
    running = SolveStatus((Vertex("#1", "[internal] load build context", started_at=moment),))
    assert _saved(running) == (
        "the log ends before the build does (1 of BuildKit's internal steps never finished)"
    )
    step = SolveStatus((Vertex("#2", "[2/3] RUN make", started_at=moment),))
    assert _saved(running, step) == "the log ends before the build does (1 step never finished)"
