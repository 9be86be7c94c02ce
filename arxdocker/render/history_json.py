"""`arxdocker history --json`: the listed builds' figures, newest first (`arxdocker.history/v1`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from arxdocker.history.view import RecordView


def history_dict(
    history: Path,
    views: Sequence[RecordView],
    buildkit: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """`buildkit` (with `history --buildkit`): BuildKit's own counts by record id."""
    document = {
        "schema": "arxdocker.history/v1",
        "history": str(history),
        "builds": [
            {
                "id": view.id,
                "started": view.started,
                "target": view.target,
                "scenario": view.scenario,
                "status": view.status,
                "duration_s": view.duration_s,
                "steps_total": view.steps_total,
                "steps_cached": view.steps_cached,
                "hit_rate": view.hit_rate,
                "size_bytes": view.size_bytes,
                "layers": view.layers,
            }
            for view in views
        ],
    }
    if buildkit is not None:
        for build, view in zip(document["builds"], views, strict=True):
            build["buildkit"] = buildkit.get(view.id)
    return document
