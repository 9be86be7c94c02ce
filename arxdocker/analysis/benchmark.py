"""Benchmark figures per scenario: wall time min/median/max, steps cached and hit rate.

Pure: the runs' `RecordView`s in (each labelled with its scenario), one `ScenarioStats` per
scenario out, in the order the scenarios first appear.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from arxdocker.history.view import RecordView


@dataclass(frozen=True, slots=True)
class ScenarioStats:
    scenario: str
    runs: tuple[RecordView, ...]

    @property
    def walls(self) -> list[float]:
        return [run.duration_s for run in self.runs if run.duration_s is not None]

    @property
    def wall_min(self) -> float | None:
        return min(self.walls, default=None)

    @property
    def wall_median(self) -> float | None:
        return statistics.median(self.walls) if self.walls else None

    @property
    def wall_max(self) -> float | None:
        return max(self.walls, default=None)

    @property
    def steps_cached(self) -> float | None:
        """The median number of steps that came from the cache."""
        return statistics.median(run.steps_cached for run in self.runs) if self.runs else None

    @property
    def steps_total(self) -> int:
        return max((run.steps_total for run in self.runs), default=0)

    @property
    def hit_rate(self) -> float | None:
        """Cached steps over all steps of all runs."""
        total = sum(run.steps_total for run in self.runs)
        return sum(run.steps_cached for run in self.runs) / total if total else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": [run.id for run in self.runs],
            "wall_s": {
                "min": _r(self.wall_min),
                "median": _r(self.wall_median),
                "max": _r(self.wall_max),
                "all": [_r(value) for value in self.walls],
            },
            "steps_cached_median": self.steps_cached,
            "steps_total": self.steps_total,
            "hit_rate": _r(self.hit_rate),
        }


def by_scenario(runs: Sequence[RecordView]) -> list[ScenarioStats]:
    groups: dict[str, list[RecordView]] = {}
    for run in runs:
        groups.setdefault(run.scenario or "unlabelled", []).append(run)
    return [ScenarioStats(name, tuple(group)) for name, group in groups.items()]


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
