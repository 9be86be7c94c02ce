"""`arxdocker benchmark` on the engine: three scenarios of the webapp, one run each."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.commands._cli import arxdocker

pytestmark = [pytest.mark.engine, pytest.mark.slow]

WEBAPP = Path(__file__).resolve().parents[2] / "dockerfiles" / "webapp"


def test_cold_warm_incremental_figures_labels_and_the_touched_file_restored(
    engine_env: dict[str, str], tmp_path: Path
) -> None:
    context = tmp_path / "webapp"
    shutil.copytree(WEBAPP, context)
    index = context / "src" / "index.html"
    original = index.read_bytes()
    (context / "arxdocker.toml").write_text('touch = "src/index.html"\n')  # no --touch flag
    history = tmp_path / "h.jsonl"
    result = arxdocker("benchmark", str(context), "-n", "1",
                       "--history", str(history), "--json", timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert index.read_bytes() == original
    document = json.loads(result.stdout)
    scenarios = document["scenarios"]
    assert list(scenarios) == ["cold", "warm", "incremental"]
    # --no-cache rebuilds every step but, depending on what the builder already holds, the two
    # WORKDIRs (BuildKit reports those as cached); the edit misses the build stage and its COPY
    assert scenarios["cold"]["hit_rate"] <= 0.25
    assert scenarios["warm"]["hit_rate"] == 1.0
    assert scenarios["incremental"]["steps_cached_median"] == 5
    for figures in scenarios.values():
        wall = figures["wall_s"]
        assert 0 < wall["min"] <= wall["median"] <= wall["max"]
    assert scenarios["cold"]["wall_s"]["median"] > scenarios["warm"]["wall_s"]["median"]
    # progress: one line per run on stderr
    runs = [line for line in result.stderr.splitlines() if not line.startswith("arxdocker: ")]
    assert [line.split()[0] for line in runs] == [
        "cold", "warm", "incremental"
    ]  # fmt: skip
    records = [json.loads(line) for line in history.read_text().splitlines()]
    assert [record["labels"]["scenario"] for record in records] == ["cold", "warm", "incremental"]
    assert {record["labels"]["benchmark"] for record in records} == {document["id"]}
    listed = arxdocker("history", "--history", str(history))
    assert "incremental" in listed.stdout
