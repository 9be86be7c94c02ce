"""The benchmark's progress counts instruction steps, not BuildKit's internal vertices."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace

from rich.console import Console

from arxdocker.history.view import RecordView
from arxdocker.render.benchmark_output import BenchmarkProgress

RECORD = Path(__file__).resolve().parents[1] / "fixtures" / "records" / "webapp-warm.json"


def vertex(
    digest: str, name: str = "", completed: float | None = None, cached: bool = False
) -> SimpleNamespace:
    """The fields the progress reads, whatever the event model's own constructor wants."""
    return SimpleNamespace(digest=digest, name=name, completed=completed, cached=cached)


def event(*vertexes: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(vertexes=vertexes)


def test_steps_counted_and_a_line_per_finished_run() -> None:
    out = io.StringIO()
    progress = BenchmarkProgress(Console(file=out, width=100, force_terminal=False))
    progress.start("warm 1/3")
    progress.add(event(
        vertex("sha256:a", "[internal] load build definition from Dockerfile", completed=1.0),
        vertex("sha256:b", "[deps 2/4] WORKDIR /app", completed=1.1, cached=True),
        vertex("sha256:c", "[build 2/2] RUN sh src/build.sh /app/dist"),
    ))  # fmt: skip
    progress.add(event(vertex("sha256:c", completed=2.0)))
    live = Console(file=io.StringIO(), width=100)
    live.print(progress)
    assert "2 steps done, 1 cached" in live.file.getvalue()  # type: ignore[attr-defined]
    with progress.shown():
        progress.finish(RecordView.from_dict(json.loads(RECORD.read_text()), "warm"))
    assert out.getvalue().split() == ["warm", "1/3", "0.4s", "8/8", "cached", "(100%)",
                                      "20261125T211717Z-0260a7"]  # fmt: skip
