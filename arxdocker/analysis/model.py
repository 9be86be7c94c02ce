"""The build report: every instruction step as it ended, and the counts over them.

`arxdocker.report/v1` is its JSON. `analysis/report.py` builds it from BuildKit events; history
records, comparisons and explanations read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

StepStatus = Literal["cached", "built", "error", "canceled"]
REPORT_SCHEMA = "arxdocker.report/v1"


@dataclass(frozen=True, slots=True)
class Step:
    """One instruction step of the build, as it ended."""

    id: str
    name: str
    target: str | None
    platform: str | None
    stage: str | None
    index: int
    total: int
    instruction: str
    status: StepStatus
    duration_s: float | None
    cacheable: bool
    digest: str | None = None
    error: str | None = None
    log_tail: tuple[str, ...] = ()
    started: float | None = None  # epoch seconds; None where the log has no clock (plain)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "target": self.target,
            "platform": self.platform,
            "stage": self.stage,
            "index": self.index,
            "total": self.total,
            "instruction": self.instruction,
            "status": self.status,
            "duration_s": _round(self.duration_s),
            "cacheable": self.cacheable,
            "digest": self.digest,
            "started": _round(self.started),
        }


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts over instruction steps other than FROM that ran or were cached."""

    steps_total: int = 0
    steps_cached: int = 0
    steps_built: int = 0
    steps_failed: int = 0
    steps_canceled: int = 0
    failed_step: str | None = None

    @property
    def hit_rate(self) -> float | None:
        return self.steps_cached / self.steps_total if self.steps_total else None

    def to_dict(self) -> dict[str, Any]:
        rate = self.hit_rate
        return {
            "steps_total": self.steps_total,
            "steps_cached": self.steps_cached,
            "steps_built": self.steps_built,
            "steps_failed": self.steps_failed,
            "steps_canceled": self.steps_canceled,
            "hit_rate": None if rate is None else round(rate, 4),
            "failed_step": self.failed_step,
        }


@dataclass(frozen=True, slots=True)
class Failure:
    step: str
    error: str
    log_tail: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Report:
    source_format: str
    steps: tuple[Step, ...]
    summary: Summary
    duration_s: float | None
    error: str | None
    failure: Failure | None
    slowest: tuple[Step, ...]
    warnings: int = 0
    builds: int = 1  # builds in the log: a plain log may hold several, each numbered from #1
    # Whether the (last) build reached an exporter (`exporting to image`...). A build with no
    # output has none, and neither has a saved log cut off before the export.
    exported: bool = True

    @property
    def failed(self) -> bool:
        return self.error is not None or self.summary.steps_failed > 0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            **report_header(self.source_format),
            "steps": [step.to_dict() for step in self.steps],
            **self.trailer_dict(),
        }

    def trailer_dict(self) -> dict[str, Any]:
        """Everything after `steps`, so a huge report can be written with streamed steps."""
        failure = self.failure
        return {
            "duration_s": _round(self.duration_s),
            "summary": self.summary.to_dict(),
            "slowest": [step.name for step in self.slowest],
            "failure": None
            if failure is None
            else {"step": failure.step, "error": failure.error, "log_tail": list(failure.log_tail)},
            "warnings": self.warnings,
            "builds": self.builds,
            "exported": self.exported,
            "error": self.error,
        }


def report_header(source_format: str) -> dict[str, Any]:
    return {"schema": REPORT_SCHEMA, "source": {"format": source_format}}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
