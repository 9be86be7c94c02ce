"""The per-target table of `arxdocker bake`, rendered as text."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from arxdocker.analysis.bake import split_by_target
from arxdocker.analysis.report import build_report
from arxdocker.progress.reader import read_events
from arxdocker.render.bake_table import BakeTargetsTable
from arxdocker.render.theme import ARX_THEME

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "buildkit"


def test_a_row_per_target_then_the_total() -> None:
    with (FIXTURES / "bake.rawjson.log").open("rb") as stream:
        split = split_by_target(build_report(read_events(stream), "rawjson"), ["app", "test"])
    out = io.StringIO()
    Console(width=80, file=out, force_terminal=False, theme=ARX_THEME).print(
        BakeTargetsTable(split)
    )
    lines = [line.split() for line in out.getvalue().splitlines()]
    assert lines[0] == ["target", "cached", "hit", "rate", "time", "status"]
    assert lines[1][:3] == ["app", "0/8", "0%"] and lines[1][-1] == "BUILT"
    # by name: test's own (cached) copies of deps' COPY and RUN, its COPY (cached) and RUN
    assert lines[2][:3] == ["test", "3/4", "75%"]
    assert lines[3][:3] == ["total", "3/12", "25%"]  # BuildKit's 12 distinct step vertices
