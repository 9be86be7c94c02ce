"""Waterfall placement, stage grouping and the critical path, on real webapp records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxdocker.analysis.timeline import timeline
from arxdocker.history.view import RecordView, step_where

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"
# dockerfiles/webapp/Dockerfile: build and test are FROM deps; deps and runtime FROM the base image
PARENTS = {"deps": None, "build": "deps", "test": "deps", "runtime": None}


def record(name: str, **changes: object) -> RecordView:
    data = json.loads((RECORDS / f"webapp-{name}.json").read_text()) | changes
    return RecordView.from_dict(data, name)


def test_estimated_schedule_follows_stages_and_copy_from() -> None:
    line = timeline(record("cold"), PARENTS)
    assert line.estimated
    assert line.groups == ["deps", "build", "runtime"]
    bars = {step_where(bar.step): bar for bar in line.bars}
    assert bars["build 1/2"].start == pytest.approx(bars["deps 4/4"].end)
    assert bars["runtime 4/4"].start == pytest.approx(bars["build 2/2"].end)
    assert bars["runtime 3/4"].start == pytest.approx(bars["deps 4/4"].end)
    assert bars["runtime 2/4"].start == 0.0  # FROM the base image: nothing to wait for
    critical = [step_where(bar.step) for bar in line.bars if bar.critical]
    assert critical == ["deps 1/4", "deps 2/4", "deps 3/4", "deps 4/4", "build 1/2", "build 2/2",
                        "runtime 4/4"]  # fmt: skip
    assert line.total_s == pytest.approx(bars["runtime 4/4"].end)
    assert line.critical_s == pytest.approx(line.total_s)


def test_without_the_dockerfile_copy_from_still_orders_the_stages() -> None:
    bars = {step_where(bar.step): bar for bar in timeline(record("edited")).bars}
    assert bars["build 1/2"].start == 0.0  # its FROM deps is unknown
    assert bars["runtime 4/4"].start == pytest.approx(bars["build 2/2"].end)


@pytest.mark.parametrize(("key", "origin"), [("started_s", 0.0), ("started", 1_764_100_000.0)])
def test_recorded_start_times_are_used_as_they_are(key: str, origin: float) -> None:
    data = json.loads((RECORDS / "webapp-edited.json").read_text())
    for offset, step in enumerate(data["steps"]):
        step[key] = origin + offset
    line = timeline(RecordView.from_dict(data, "edited"), PARENTS)
    assert not line.estimated
    starts = sorted(bar.start for bar in line.bars)
    assert starts == [float(n) for n in range(9)]
    last = max(line.bars, key=lambda bar: bar.end)
    assert last.critical


def test_an_empty_record() -> None:
    line = timeline(record("warm", steps=[]))
    assert line.bars == () and line.total_s == 0.0


def test_a_cached_step_reported_late_does_not_take_the_critical_path() -> None:
    # a real build with recorded starts: a source edit; BuildKit reported the cached runtime
    # steps after build 2/2 (1.2 s) had finished, so they end last but waited for nothing
    lines = (RECORDS / "webapp-three-builds.jsonl").read_text().splitlines()
    line = timeline(RecordView.from_dict(json.loads(lines[-1]), "edited"), PARENTS)
    assert not line.estimated
    bars = {step_where(bar.step): bar for bar in line.bars}
    assert bars["runtime 3/4"].end > bars["build 2/2"].end
    critical = {step_where(bar.step) for bar in line.bars if bar.critical}
    assert {"build 1/2", "build 2/2", "runtime 4/4"} <= critical
    assert "runtime 3/4" not in critical
    assert line.critical_s == pytest.approx(
        bars["build 2/2"].end - bars["build 1/2"].start, abs=0.05
    )
