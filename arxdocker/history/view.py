"""A typed, read-only view of a stored `arxdocker.record/v1`, for the commands that read history.

`compare`, `check`, `history` and `report` work on `RecordView` rather than on raw dicts; its
steps are the report's own `Step`s, rebuilt from the stored step dicts. A field
that is missing or of the wrong type reads as None (or empty), so a hand-edited record or one from
an older arxdocker still loads; only a document that is not a build record at all is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from arxdocker.analysis.report import Step
from arxdocker.errors import ArxError
from arxdocker.history.record import RECORD_SCHEMA

StepKey = tuple[str | None, str | None, str | None, int, str]


def step_key(step: Step) -> StepKey:
    """What makes "the same step" in two builds: where it is and what it says."""
    return (step.target, step.platform, step.stage, step.index, step.instruction)


def step_where(step: Step) -> str:
    parts = [part for part in (step.target, step.platform, step.stage) if part]
    return " ".join([*parts, f"{step.index}/{step.total}"])


@dataclass(frozen=True, slots=True)
class RecordView:
    """The facts of one build that the history commands read."""

    id: str
    started: str | None
    status: str
    target: str | None
    duration_s: float | None
    steps_total: int
    steps_cached: int
    steps_built: int
    hit_rate: float | None
    size_bytes: int | None
    layers: int | None
    scenario: str | None
    steps: tuple[Step, ...]
    source: str = ""
    # Per step, when it started (seconds; only differences matter), where the record says.
    step_starts: tuple[float | None, ...] = ()
    dockerfile: str | None = None
    dockerfile_sha256: str | None = None
    # the record's `buildkit` part: BuildKit's ref of the build, and its counts if it has them
    buildkit: dict[str, Any] | None = None

    @property
    def buildkit_ref(self) -> str | None:
        """BuildKit's ref of the build (`builder/node/id`), where the record keeps it."""
        return _str((self.buildkit or {}).get("ref"))

    @classmethod
    def from_dict(cls, data: Any, source: str) -> RecordView:
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise ArxError(f"{source}: not an arxdocker build record")
        schema = data.get("schema")
        if schema is not None and schema != RECORD_SCHEMA:
            raise ArxError(f"{source}: schema {schema!r} is not {RECORD_SCHEMA}")
        summary = _dict(data.get("summary"))
        image = _dict(data.get("image"))
        labels = _dict(data.get("labels"))
        steps = [item for item in _list(data.get("steps")) if isinstance(item, dict)]
        dockerfile = _dict(data.get("dockerfile"))
        buildkit = data.get("buildkit") if isinstance(data.get("buildkit"), dict) else None
        return cls(
            id=data["id"],
            started=_str(data.get("started")),
            status=_str(data.get("status")) or "unknown",
            target=_str(data.get("target")),
            duration_s=_float(data.get("duration_s")),
            steps_total=_int(summary.get("steps_total")) or 0,
            steps_cached=_int(summary.get("steps_cached")) or 0,
            steps_built=_int(summary.get("steps_built")) or 0,
            hit_rate=_float(summary.get("hit_rate")),
            size_bytes=_int(image.get("size_bytes")),
            layers=_int(image.get("layers")),
            scenario=_str(labels.get("scenario")) or _str(data.get("scenario")),
            steps=tuple(_step(item) for item in steps),
            source=source,
            step_starts=tuple(_step_start(item) for item in steps),
            dockerfile=_str(dockerfile.get("path")),
            dockerfile_sha256=_str(dockerfile.get("sha256")),
            buildkit=buildkit,
        )


def _step(data: dict[str, Any]) -> Step:
    name = _str(data.get("name")) or ""
    return Step(
        id=_str(data.get("digest")) or name,
        name=name,
        target=_str(data.get("target")),
        platform=_str(data.get("platform")),
        stage=_str(data.get("stage")),
        index=_int(data.get("index")) or 0,
        total=_int(data.get("total")) or 0,
        instruction=_str(data.get("instruction")) or "",
        status=_str(data.get("status")) or "canceled",  # type: ignore[arg-type]
        duration_s=_float(data.get("duration_s")),
        cacheable=data.get("cacheable") is not False,
        digest=_str(data.get("digest")),
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _step_start(data: dict[str, Any]) -> float | None:
    """`started_s` (seconds after the build began) or `started` (epoch seconds), if recorded."""
    offset = _float(data.get("started_s"))
    return offset if offset is not None else _float(data.get("started"))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
