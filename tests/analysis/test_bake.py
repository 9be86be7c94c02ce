"""A bake's report per target, over the real bake fixtures (dockerfiles/webapp, app and test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxdocker.analysis.bake import Ownership, bake_report_dict, split_by_target, target_report
from arxdocker.analysis.report import Report, build_report
from arxdocker.progress.reader import read_events

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "buildkit"
# app builds runtime (from deps and build); test builds test (from deps): deps is shared.
OWNERSHIP = Ownership(
    families={"app": "webapp", "test": "webapp"},
    stages={
        "app": frozenset({"deps", "build", "runtime"}),
        "test": frozenset({"deps", "test"}),
    },
)


def report_of(name: str) -> Report:
    with (FIXTURES / name).open("rb") as stream:
        return build_report(list(read_events(stream)), "rawjson")


@pytest.mark.parametrize("log", ["bake.rawjson.log", "bake.plain.log"])
def test_by_name_prefix_the_targets_partition_the_total(log: str) -> None:
    report = report_of(log)
    split = split_by_target(report, ["app", "test"])
    assert list(split.targets) == ["app", "test"]
    totals = [target.summary.steps_total for target in split.targets.values()]
    assert sum(totals) == report.summary.steps_total == 10
    cached = sum(target.summary.steps_cached for target in split.targets.values())
    assert cached == report.summary.steps_cached == 1


@pytest.mark.parametrize("log", ["bake.rawjson.log", "bake.plain.log"])
def test_a_shared_stage_counts_for_every_target_that_builds_it_and_once_in_total(log: str) -> None:
    # The two fixtures name the shared deps steps differently (app in one, test in the other);
    # with the definition, both give the same counts.
    report = report_of(log)
    split = split_by_target(report, ["app", "test"], OWNERSHIP)
    app, test = split.targets["app"].summary, split.targets["test"].summary
    # app: deps WORKDIR, COPY, RUN; build COPY, RUN; runtime WORKDIR, COPY, COPY
    assert app.steps_total == 8
    # test: deps WORKDIR, COPY, RUN; test COPY, RUN
    assert test.steps_total == 5
    assert report.summary.steps_total == 10  # deps' 3 steps once


def test_target_time_spans_its_steps_and_slowest_are_its_own() -> None:
    split = split_by_target(report_of("bake.rawjson.log"), ["app", "test"], OWNERSHIP)
    app = split.targets["app"]
    assert app.duration_s is not None and app.duration_s > 2.0  # the 2.2 s deps RUN
    assert app.slowest[0].instruction.startswith("RUN --mount=type=cache")
    assert all(
        step.target == "test" or step.stage == "deps" for step in split.targets["test"].steps
    )


def test_a_failure_belongs_to_its_target() -> None:
    report = report_of("failing-run.rawjson.log")
    failing = [step for step in report.steps if step.status == "error"]
    own = target_report(report, failing)
    assert own.failed and own.failure is not None
    assert own.failure.step == "[test 2/2] RUN FAIL_TESTS=1 sh src/test.sh"
    assert own.summary.steps_failed == 1
    clean = target_report(report, [step for step in report.steps if step.status != "error"])
    assert not clean.failed


def test_a_target_with_no_step_is_listed_empty() -> None:
    split = split_by_target(report_of("bake.rawjson.log"), ["app", "test", "docs"])
    assert split.targets["docs"].summary.steps_total == 0
    document = bake_report_dict(split)
    assert document["schema"] == "arxdocker.bake-report/v1"
    assert set(document["targets"]) == {"app", "test", "docs"}  # type: ignore[arg-type]


def test_a_one_target_bake_gives_every_step_the_target_and_its_stage_back() -> None:
    # buildx names a lone target's steps `[test 2/2]`: the report reads `test` as the target.
    split = split_by_target(report_of("failing-run.rawjson.log"), ["webapp-test"])
    (only,) = split.targets.values()
    assert {step.target for step in only.steps} == {"webapp-test"}
    assert {step.stage for step in only.steps} == {"deps", "test"}
    assert only.summary == split.total.summary
    assert split.total.failure is not None
