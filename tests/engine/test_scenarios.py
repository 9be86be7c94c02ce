"""Truth across formats, live: every scenario built on the real engine in both progress formats.

The plain and the rawjson build of a scenario start from the same cache state (see scenarios.py);
both reports must give the same summary and the scenario's expected counts.
"""

from __future__ import annotations

import io

import pytest

from arxdocker.analysis.report import build_report
from arxdocker.progress.reader import read_events
from tests.engine.scenarios import (
    FORMATS,
    SCENARIOS,
    Scenario,
    Workspace,
    buildx_version,
    run_scenario,
)
from tests.progress.test_fixtures import FOLDERS, captured, check_expected

pytestmark = [pytest.mark.engine, pytest.mark.slow]


@pytest.fixture(scope="module")
def workspace(engine_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("scenarios") / "webapp"
    return Workspace(
        root, engine_env["ARXDOCKER_TEST_REGISTRY"], engine_env["ARXDOCKER_BASE_IMAGE"]
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_both_formats_report_the_same_build(workspace: Workspace, scenario: Scenario) -> None:
    buildx = buildx_version()
    if not scenario.runs_on(buildx):
        pytest.skip(f"{scenario.name} needs buildx {scenario.min_buildx}, this is {buildx}")
    reports, captures = {}, {}
    for fmt in FORMATS:
        capture = captures[fmt] = run_scenario(workspace, scenario, fmt)
        assert capture.exit_code == scenario.expected.exit_code, capture.log[-2000:]
        events = read_events(io.BytesIO(capture.log), name=f"{scenario.name}.{fmt}")
        assert events.format == fmt
        reports[fmt] = build_report(events, events.format)
    for fmt, report in reports.items():
        # a bake's counts are BuildKit's own in each log (see test_fixtures)
        check_expected(report, scenario, captures[fmt].log)
    if scenario.expected.total is not None:
        assert reports["plain"].summary == reports["rawjson"].summary


@pytest.mark.parametrize("label", list(FOLDERS))
def test_fixture_scenarios_are_the_committed_ones(label: str) -> None:
    folder = FOLDERS[label]
    buildx = (0, 13) if label == "buildx-0.13.1" else (0, 29)
    for scenario in SCENARIOS:
        if not scenario.runs_on(buildx):
            continue
        assert scenario.name in captured(folder), (label, scenario.name)
        for fmt in FORMATS:
            assert (folder / f"{scenario.name}.{fmt}.log").is_file()
