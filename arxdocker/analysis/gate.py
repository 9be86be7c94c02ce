"""The CI regression gate: a candidate build held against a baseline, threshold by threshold.

Pure: two `RecordView`s and the `Thresholds` in, the breaches out. A threshold whose figure is
missing from either record (no image size without --load: a --push build records its digest
only) is reported as unchecked rather than passed or failed. Wall times of fast builds jitter by
tenths of a second, so a slowdown smaller than `slowdown_floor_s` never fails, whatever its
percentage.
"""

from __future__ import annotations

from dataclasses import dataclass

from arxdocker.history.view import RecordView


@dataclass(frozen=True, slots=True)
class Thresholds:
    max_slowdown: float | None = 0.20
    min_hit_rate: float | None = 0.80
    max_size_growth: float | None = 0.10
    slowdown_floor_s: float = 0.5


@dataclass(frozen=True, slots=True)
class Verdict:
    """One threshold's outcome: the option, its limit, and both builds' figures."""

    option: str  # the command-line flag, e.g. "--max-slowdown"
    limit: float
    baseline: float | None
    candidate: float | None
    breached: bool
    checked: bool = True

    @property
    def relative(self) -> float | None:
        if self.baseline is None or self.candidate is None or not self.baseline:
            return None
        return self.candidate / self.baseline - 1


@dataclass(frozen=True, slots=True)
class GateResult:
    baseline: RecordView
    candidate: RecordView
    verdicts: tuple[Verdict, ...]
    candidate_failed: bool

    @property
    def passed(self) -> bool:
        return not self.candidate_failed and not self.breaches

    @property
    def breaches(self) -> tuple[Verdict, ...]:
        return tuple(verdict for verdict in self.verdicts if verdict.breached)


def hold(baseline: RecordView, candidate: RecordView, thresholds: Thresholds) -> GateResult:
    verdicts = []
    if thresholds.max_slowdown is not None:
        verdicts.append(_slowdown(baseline, candidate, thresholds))
    if thresholds.min_hit_rate is not None:
        rate, limit = candidate.hit_rate, thresholds.min_hit_rate
        verdicts.append(
            Verdict(
                "--min-hit-rate",
                limit,
                baseline.hit_rate,
                rate,
                breached=rate is not None and rate < limit,
                checked=rate is not None,
            )
        )
    if thresholds.max_size_growth is not None:
        old, new, limit = baseline.size_bytes, candidate.size_bytes, thresholds.max_size_growth
        checked = old is not None and new is not None and old > 0
        verdicts.append(
            Verdict(
                "--max-size-growth",
                limit,
                old,
                new,
                breached=checked and new / old - 1 > limit,  # type: ignore[operator]
                checked=checked,
            )
        )
    return GateResult(baseline, candidate, tuple(verdicts), candidate.status != "ok")


def _slowdown(baseline: RecordView, candidate: RecordView, thresholds: Thresholds) -> Verdict:
    old, new, limit = baseline.duration_s, candidate.duration_s, thresholds.max_slowdown
    assert limit is not None
    checked = old is not None and new is not None
    breached = (
        checked
        and new > old * (1 + limit)  # type: ignore[operator]
        and new - old > thresholds.slowdown_floor_s  # type: ignore[operator]
    )
    return Verdict("--max-slowdown", limit, old, new, breached=breached, checked=checked)
