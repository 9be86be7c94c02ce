"""Two builds side by side: which steps changed status, how their times moved, and the totals.

Pure functions over `RecordView`. Steps pair up by (target, platform, stage, index, instruction),
then by vertex digest: an edited instruction shows as one step removed and one added, and a base
image shared by stages pairs up whichever stage BuildKit named it after. Base-image steps (FROM)
never count as a status change. Pairs come regressions first: steps that stopped hitting the cache
or failed, then steps added or removed, then steps that started hitting it, then the unchanged;
within each group the biggest slowdown first. `mismatch` says when the two builds are of different
targets or Dockerfiles, which `compare` and `check` warn about (and compare all the same).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any, Literal

from arxdocker.analysis.report import Step
from arxdocker.history.view import RecordView, step_key, step_where

Change = Literal["regressed", "failed", "added", "removed", "improved", "unchanged"]
_RANK: dict[Change, int] = {
    "failed": 0,
    "regressed": 0,
    "added": 1,
    "removed": 1,
    "improved": 2,
    "unchanged": 3,
}
_HIT = {"cached"}


@dataclass(frozen=True, slots=True)
class StepPair:
    before: Step | None
    after: Step | None
    change: Change

    @property
    def step(self) -> Step:
        step = self.after or self.before
        assert step is not None
        return step

    @property
    def status_changed(self) -> bool:
        return self.change in ("regressed", "failed", "improved")

    @property
    def time_delta_s(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        if self.before.duration_s is None or self.after.duration_s is None:
            return None
        return self.after.duration_s - self.before.duration_s


@dataclass(frozen=True, slots=True)
class Delta:
    """One summary figure in both builds."""

    name: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def relative(self) -> float | None:
        change = self.change
        if change is None or not self.before:
            return None
        return change / self.before


@dataclass(frozen=True, slots=True)
class Comparison:
    before: RecordView
    after: RecordView
    pairs: tuple[StepPair, ...]
    deltas: tuple[Delta, ...]

    @property
    def changed(self) -> tuple[StepPair, ...]:
        return tuple(pair for pair in self.pairs if pair.status_changed)

    def delta(self, name: str) -> Delta:
        return next(delta for delta in self.deltas if delta.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "arxdocker.compare/v1",
            "before": self.before.id,
            "after": self.after.id,
            "summary": {
                delta.name: {
                    "before": delta.before,
                    "after": delta.after,
                    "change": _r(delta.change),
                }
                for delta in self.deltas
            },
            "steps": [
                {
                    "where": step_where(pair.step),
                    "instruction": pair.step.instruction,
                    "change": pair.change,
                    "before": _status(pair.before),
                    "after": _status(pair.after),
                    "before_s": None if pair.before is None else pair.before.duration_s,
                    "after_s": None if pair.after is None else pair.after.duration_s,
                    "delta_s": _r(pair.time_delta_s),
                }
                for pair in self.pairs
            ],
        }


def compare(before: RecordView, after: RecordView) -> Comparison:
    pairs = _pair_steps(before.steps, after.steps)
    order = {id(pair): position for position, pair in enumerate(pairs)}
    pairs.sort(key=lambda pair: (_RANK[pair.change], -(pair.time_delta_s or 0.0), order[id(pair)]))
    return Comparison(before, after, tuple(pairs), _deltas(before, after))


def mismatch(baseline: RecordView, candidate: RecordView) -> str | None:
    """One line when `candidate` is of another target or Dockerfile than `baseline`, else None.

    A record without a Dockerfile path (hand-written, or from an older arxdocker) is not said to
    differ in it; no target is the Dockerfile's last stage, which another target does differ from.
    """
    target = candidate.target != baseline.target
    dockerfile = (
        baseline.dockerfile is not None
        and candidate.dockerfile is not None
        and candidate.dockerfile != baseline.dockerfile
    )
    if not (target or dockerfile):
        return None

    def what(view: RecordView) -> str:
        parts = []
        if target:
            parts.append("the default target" if view.target is None else f"target {view.target!r}")
        if dockerfile:
            parts.append(f"Dockerfile {view.dockerfile!r}")
        return " of ".join(parts)

    return f"comparing {what(candidate)} with a baseline of {what(baseline)}"


def _pair_steps(before: tuple[Step, ...], after: tuple[Step, ...]) -> list[StepPair]:
    waiting: dict[Any, deque[Step]] = defaultdict(deque)
    for step in before:
        waiting[step_key(step)].append(step)
    pairs: list[StepPair] = []
    unpaired: list[Step] = []
    for step in after:
        queue = waiting.get(step_key(step))
        if queue:
            old = queue.popleft()
            pairs.append(StepPair(old, step, _change(old, step)))
        else:
            unpaired.append(step)
    # A vertex shared by stages (one FROM image) is named after whichever stage BuildKit met
    # first, which can differ between builds: the same digest is the same step.
    left = {step.digest: step for queue in waiting.values() for step in queue if step.digest}
    for step in unpaired:
        old = left.pop(step.digest, None) if step.digest else None
        if old is not None:
            waiting[step_key(old)].remove(old)
        pairs.append(StepPair(old, step, "added" if old is None else _change(old, step)))
    pairs.extend(StepPair(step, None, "removed") for queue in waiting.values() for step in queue)
    return pairs


def _change(before: Step, after: Step) -> Change:
    if not (before.cacheable and after.cacheable):
        return "unchanged"  # a base image is resolved, not cached or built
    if after.status == "error" and before.status != "error":
        return "failed"
    was_hit, is_hit = before.status in _HIT, after.status in _HIT
    if was_hit and not is_hit:
        return "regressed"
    if is_hit and not was_hit:
        return "improved"
    return "unchanged"


_DELTA_NAMES = ("duration_s", "hit_rate", "steps_cached", "steps_total", "size_bytes", "layers")


def _deltas(before: RecordView, after: RecordView) -> tuple[Delta, ...]:
    return tuple(Delta(name, getattr(before, name), getattr(after, name)) for name in _DELTA_NAMES)


def _status(step: Step | None) -> str | None:
    if step is None:
        return None
    return "base" if not step.cacheable else step.status


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
