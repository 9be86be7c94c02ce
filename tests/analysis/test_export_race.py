"""The engine's unpack race (moby/buildkit#6521): recognised from a real log, retried, merged.

tests/fixtures/engine-race holds the rawjson of a real build that lost the race; its README names
the command that caught it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from arxdocker.analysis.bake import BakeReport
from arxdocker.analysis.export_race import is_export_race, merge_record, merge_report
from arxdocker.analysis.report import Report, build_report
from arxdocker.build.bake_session import BakeOutcome, merge_bake_retry
from arxdocker.build.session import BuildOutcome, merge_retry
from arxdocker.history.record import Record
from arxdocker.progress.reader import read_events

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RACE = FIXTURES / "engine-race" / "export-race.rawjson.log"
RETRY = FIXTURES / "engine-race" / "export-race-retry.rawjson.log"


def report_of(path: Path) -> Report:
    with path.open("rb") as stream:
        events = read_events(stream, name=path.name)
        return build_report(events, events.format)


def race() -> Report:
    return report_of(RACE)


def warm() -> Report:
    """The retry of the race: the same build, every step cached, exported."""
    return report_of(RETRY)


def record(report: Report, *, exit_code: int, ended: float, **fields: object) -> Record:
    return Record(
        id="20261126T000000Z-abcdef",
        started=100.0,
        ended=ended,
        exit_code=exit_code,
        status="ok" if exit_code == 0 else "failed",
        error=report.error,
        summary=report.summary.to_dict(),
        steps=[step.to_dict() for step in report.steps],
        **fields,  # type: ignore[arg-type]
    )


def test_the_captured_race_is_recognised_and_every_step_had_finished() -> None:
    report = race()
    assert is_export_race(report)
    assert "parent snapshot" in (report.error or "")
    summary = report.summary
    assert summary.steps_failed == summary.steps_canceled == 0
    assert summary.steps_total == 8
    assert summary.steps_cached == 5  # the source edit's three steps were built


def test_real_failures_and_successes_are_not_the_race() -> None:
    assert not is_export_race(report_of(FIXTURES / "buildkit" / "failing-run.rawjson.log"))
    assert not is_export_race(warm())
    assert not is_export_race(report_of(FIXTURES / "buildkit" / "source-edit.rawjson.log"))
    # the same words from a failing step are that step's failure, not the export's
    failed_step = race()
    failed_step = replace(failed_step, summary=replace(failed_step.summary, steps_failed=1))
    assert not is_export_race(failed_step)


def test_the_merged_report_keeps_the_first_runs_steps_and_the_retrys_verdict() -> None:
    first, retry = race(), warm()
    merged = merge_report(first, retry)
    assert merged.steps == first.steps
    assert merged.summary == first.summary
    assert merged.error is None and merged.failure is None
    assert not merged.failed


def test_the_merged_record_spans_both_runs_and_says_it_was_retried() -> None:
    first_report, retry_report = race(), warm()
    first = record(
        first_report,
        exit_code=1,
        ended=104.0,
        image={"digest": None},
        cache={"import_failed": False, "export_failed": None},
        warnings=["build arg TOKEN looks secret"],
    )
    retry = record(
        retry_report,
        exit_code=0,
        ended=106.5,
        image={"digest": "sha256:abc", "size_bytes": 1234},
        cache={"import_failed": False, "export_failed": False},
        warnings=["build arg TOKEN looks secret"],
    )
    merged = merge_record(first, retry, "retried")
    assert (merged.exit_code, merged.status, merged.error) == (0, "ok", None)
    assert merged.steps == first.steps and merged.summary == first.summary
    assert merged.image == retry.image
    assert merged.cache["export_failed"] is False
    assert merged.duration_s == 6.5
    assert merged.warnings == ["build arg TOKEN looks secret", "retried"]


def outcome(report: Report, exit_code: int) -> BuildOutcome:
    return BuildOutcome(report, record(report, exit_code=exit_code, ended=103.0), exit_code)


def test_a_retried_build_is_gated_on_the_first_runs_hit_rate() -> None:
    first, retry = outcome(race(), 1), outcome(warm(), 0)
    passed = merge_retry(first, retry, min_hit_rate=None)
    assert passed.exit_code == 0 and passed.gate is None
    assert passed.report.summary.steps_cached == 5
    assert any("moby/buildkit#6521" in message for message in passed.messages)

    gated = merge_retry(first, retry, min_hit_rate=80)  # 5 of 8 is 62 %
    assert gated.exit_code == 1
    assert gated.gate is not None and "62%" in gated.gate
    assert gated.record.exit_code == 1 and gated.record.min_hit_rate_failed


def test_a_retry_that_fails_too_keeps_its_error() -> None:
    first = outcome(race(), 1)
    merged = merge_retry(first, outcome(race(), 1), min_hit_rate=None)
    assert merged.exit_code == 1
    assert merged.report.error == race().error
    assert any("failed too (exit 1)" in message for message in merged.messages)


def test_a_retried_bake_keeps_each_targets_first_run() -> None:
    first_report, retry_report = race(), warm()
    first = BakeOutcome(
        BakeReport(first_report, {"webapp": first_report}),
        [replace(record(first_report, exit_code=1, ended=103.0), target="webapp")],
        1,
        "failed",
    )
    retry = BakeOutcome(
        BakeReport(retry_report, {"webapp": retry_report}),
        [
            replace(
                record(retry_report, exit_code=0, ended=105.0, image={"digest": "sha256:abc"}),
                target="webapp",
            )
        ],
        0,
        "ok",
    )
    merged = merge_bake_retry(first, retry, min_hit_rate=None)
    assert (merged.exit_code, merged.status) == (0, "ok")
    assert merged.report.targets["webapp"].summary == first_report.summary
    assert not merged.report.total.failed
    (webapp,) = merged.records
    assert (webapp.exit_code, webapp.image, webapp.steps) == (
        0,
        {"digest": "sha256:abc"},
        first.records[0].steps,
    )
    gated = merge_bake_retry(first, retry, min_hit_rate=90)
    assert gated.exit_code == 1 and all(r.min_hit_rate_failed for r in gated.records)
