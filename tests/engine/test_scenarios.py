"""Truth across formats, live: every scenario built on the real engine in both progress formats.

The plain and the rawjson build of a scenario start from the same cache state (see scenarios.py);
both reports must give the same summary and the scenario's expected counts.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from arxdocker.analysis.report import build_report
from arxdocker.progress.reader import read_events
from tests.engine.scenarios import FORMATS, SCENARIOS, Scenario, Workspace, run_scenario
from tests.progress.test_fixtures import check_expected

pytestmark = [pytest.mark.engine, pytest.mark.slow]


@pytest.fixture(scope="module")
def workspace(engine_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("scenarios") / "webapp"
    return Workspace(
        root, engine_env["ARXDOCKER_TEST_REGISTRY"], engine_env["ARXDOCKER_BASE_IMAGE"]
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_both_formats_report_the_same_build(workspace: Workspace, scenario: Scenario) -> None:
    reports = {}
    for fmt in FORMATS:
        capture = run_scenario(workspace, scenario, fmt)
        assert capture.exit_code == scenario.expected.exit_code, capture.log[-2000:]
        events = read_events(io.BytesIO(capture.log), name=f"{scenario.name}.{fmt}")
        assert events.format == fmt
        reports[fmt] = build_report(events, events.format)
    assert reports["plain"].summary == reports["rawjson"].summary
    for report in reports.values():
        check_expected(report, scenario)


def test_fixture_scenarios_are_the_committed_ones() -> None:
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "buildkit"
    for scenario in SCENARIOS:
        for fmt in FORMATS:
            assert (fixtures / f"{scenario.name}.{fmt}.log").is_file()
