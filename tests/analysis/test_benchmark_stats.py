"""Per-scenario figures from real records labelled with their scenario."""

from __future__ import annotations

import json
from pathlib import Path

from arxdocker.analysis.benchmark import by_scenario
from arxdocker.history.view import RecordView

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"


def labelled(name: str, scenario: str, duration: float) -> RecordView:
    data = json.loads((RECORDS / f"webapp-{name}.json").read_text())
    data |= {"labels": {"scenario": scenario}, "duration_s": duration}
    return RecordView.from_dict(data, name)


def test_min_median_max_and_hit_rate_per_scenario_in_order() -> None:
    runs = [labelled("cold", "cold", 4.0), labelled("warm", "warm", 0.5),
            labelled("cold", "cold", 5.0), labelled("edited", "incremental", 1.9),
            labelled("cold", "cold", 4.4), labelled("warm", "warm", 0.3)]  # fmt: skip
    stats = by_scenario(runs)
    assert [item.scenario for item in stats] == ["cold", "warm", "incremental"]
    cold, warm, incremental = stats
    assert (cold.wall_min, cold.wall_median, cold.wall_max) == (4.0, 4.4, 5.0)
    assert warm.wall_median == 0.4
    assert (cold.steps_cached, cold.steps_total, cold.hit_rate) == (2, 8, 0.25)
    assert (incremental.steps_cached, incremental.hit_rate) == (5, 0.625)
    assert cold.to_dict()["wall_s"] == {"min": 4.0, "median": 4.4, "max": 5.0,
                                        "all": [4.0, 5.0, 4.4]}  # fmt: skip
