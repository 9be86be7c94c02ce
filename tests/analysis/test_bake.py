"""A bake's report per target, over the real bake fixtures of both engines (dockerfiles/webapp's
bake file: app builds runtime, from deps and build; test builds test, from deps)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxdocker.analysis.bake import bake_report_dict, split_by_target, target_report
from arxdocker.analysis.report import Report, build_report
from arxdocker.build.bake import BakeTarget, ownership
from arxdocker.progress.reader import read_events
from tests.engine.scenarios import PROJECTS, buildkit_count, distinct_step_vertices
from tests.progress.test_fixtures import FOLDERS

REPO = Path(__file__).resolve().parents[2]
FIXTURES = FOLDERS["buildx-0.13.1"]
WEBAPP = REPO / "dockerfiles" / "webapp"
BASE = (("BASE_IMAGE", "arxdocker/busybox:1"),)
# The definition of dockerfiles/webapp/docker-bake.hcl, as `bake --print` resolves it.
OWNERSHIP = ownership(
    [
        BakeTarget("app", WEBAPP, WEBAPP / "Dockerfile", "runtime", BASE),
        BakeTarget("test", WEBAPP, WEBAPP / "Dockerfile", "test", BASE),
    ]
)
BOTH = pytest.mark.parametrize("folder", list(FOLDERS.values()), ids=list(FOLDERS))
LOGS = pytest.mark.parametrize("log", ["bake.rawjson.log", "bake.plain.log"])


def report_of(name: str, folder: Path = FIXTURES) -> Report:
    with (folder / name).open("rb") as stream:
        events = read_events(stream)
        return build_report(list(events), events.format)


@BOTH
@LOGS
def test_the_total_is_buildkits_own_count_of_distinct_step_vertices(folder: Path, log: str) -> None:
    """12 on buildx 0.13.1 (each target loads its own context: the test target's own copies of
    deps' COPY and RUN and of `COPY src/ src/` were resolved apart, from the cache), 9 on 0.29.1
    (the context loaded once, a shared step run once): counted from the log alone."""
    steps, cached = buildkit_count((folder / log).read_bytes(), log.split(".")[1])
    report = report_of(log, folder)
    assert (report.summary.steps_total, report.summary.steps_cached) == (steps, cached)


@BOTH
@LOGS
def test_by_name_prefix_the_targets_partition_the_total(folder: Path, log: str) -> None:
    report = report_of(log, folder)
    split = split_by_target(report, ["app", "test"])
    assert list(split.targets) == ["app", "test"]
    totals = [target.summary.steps_total for target in split.targets.values()]
    assert sum(totals) == report.summary.steps_total
    cached = sum(target.summary.steps_cached for target in split.targets.values())
    assert cached == report.summary.steps_cached


@BOTH
@LOGS
def test_a_shared_stage_counts_for_every_target_that_builds_it_and_once_in_total(
    folder: Path, log: str
) -> None:
    # The logs name the shared steps differently (app in one, test in another; on 0.29.1 the
    # build stage's `COPY src/ src/` as the test stage's); with the definition, all give the
    # counts of what each target builds.
    report = report_of(log, folder)
    split = split_by_target(report, ["app", "test"], OWNERSHIP)
    app, test = split.targets["app"].summary, split.targets["test"].summary
    # app: deps WORKDIR, COPY, RUN; build COPY, RUN; runtime WORKDIR, COPY, COPY
    assert app.steps_total == 8
    # test: deps WORKDIR, COPY, RUN; test COPY, RUN
    assert test.steps_total == 5
    # deps' 3 steps and `COPY src/ src/` are one vertex each, at most (0.13.1 resolved test's
    # copies apart too)
    assert report.summary.steps_total < app.steps_total + test.steps_total


@BOTH
def test_every_target_a_vertex_was_reported_under_has_its_step(folder: Path) -> None:
    """rawjson names a shared vertex once per target that reported it; the split by the
    definition gives each of those targets the step (itself, or another vertex of the same step
    when buildx 0.13.1 resolved the target's own copy apart)."""
    report = report_of("bake.rawjson.log", folder)
    _, _, reported = distinct_step_vertices((folder / "bake.rawjson.log").read_bytes())
    split = split_by_target(report, ["app", "test"], OWNERSHIP)
    steps = {step.id: step for step in report.steps}
    assert set(reported) <= set(steps)
    for digest, targets in reported.items():
        identity = OWNERSHIP.identity(steps[digest])
        assert identity is not None, steps[digest].name
        for target in targets:
            own = {OWNERSHIP.identity(step) for step in split.targets[target].steps}
            assert identity in own, (target, steps[digest].name)


def test_three_targets_of_one_dockerfile_share_what_they_build_alike() -> None:
    """tests/fixtures/projects/bake-shared: deps, side (FROM deps) and final (FROM deps, copying
    from side)."""
    project = PROJECTS / "bake-shared"
    targets = [
        BakeTarget(name, project, project / "Dockerfile", name, BASE)
        for name in ("deps", "side", "final")
    ]
    owners = ownership(targets)
    for folder in FOLDERS.values():
        for log in ("bake-shared.rawjson.log", "bake-shared.plain.log"):
            report = report_of(log, folder)
            steps, _ = buildkit_count((folder / log).read_bytes(), log.split(".")[1])
            assert report.summary.steps_total == steps, (folder.name, log)
            split = split_by_target(report, ["deps", "side", "final"], owners)
            counts = {name: part.summary.steps_total for name, part in split.targets.items()}
            # deps: WORKDIR, COPY, RUN; side: those and COPY, RUN; final: those of deps, its
            # own COPY, RUN, COPY --from=side, and side's two steps it copies from
            assert counts == {"deps": 3, "side": 5, "final": 8}, (folder.name, log)


def test_target_time_spans_its_steps_and_slowest_are_its_own() -> None:
    split = split_by_target(report_of("bake.rawjson.log"), ["app", "test"], OWNERSHIP)
    app = split.targets["app"]
    assert app.duration_s is not None and app.duration_s > 2.0  # the 2.2 s deps RUN
    assert app.slowest[0].instruction.startswith("RUN --mount=type=cache")
    # test's steps: its own stage's and deps', whatever target or stage names the vertex (the
    # build stage's `COPY src/ src/` is the same step as test's)
    test_steps = [step for step in split.targets["test"].steps if step.cacheable]
    assert {(step.index, step.instruction) for step in test_steps} == {
        (2, "WORKDIR /app"),
        (3, "COPY deps.txt tools/fetch-deps.sh ./"),
        (4, "RUN --mount=type=cache,target=/var/cache/deps sh fetch-deps.sh deps.txt /app/vendor"),
        (1, "COPY src/ src/"),
        (2, "RUN FAIL_TESTS=0 sh src/test.sh"),
    }


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
