"""What `arxdocker build` shows while buildx runs: BuildKit's plain text and the live view."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from arxdocker.analysis.report import build_report
from arxdocker.progress.plain import iter_plain
from arxdocker.progress.rawjson import iter_rawjson
from arxdocker.render.live import LiveBuildView
from arxdocker.render.plain_progress import PlainProgress
from arxdocker.render.theme import make_console

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "buildkit"
SCENARIOS = ("cold", "warm", "source-edit", "failing-run", "cache-export", "bake")


def _events(name: str) -> list[object]:
    with (FIXTURES / f"{name}.rawjson.log").open("rb") as handle:
        return list(iter_rawjson(handle))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_plain_reemission_reads_back_to_the_same_summary(scenario: str) -> None:
    events = _events(scenario)
    out = io.StringIO()
    printer = PlainProgress(out)
    for event in events:
        printer.add(event)  # type: ignore[arg-type]
    printer.close()
    text = out.getvalue()
    # read as `analyze` reads a saved log, which says so when a step never ends
    again = build_report(
        iter_plain(text.encode().splitlines(keepends=True)), "plain", saved_log=True
    )
    original = build_report(events, "rawjson")  # type: ignore[arg-type]
    assert again.summary == original.summary
    assert "never finished" not in (again.error or "")
    assert text.startswith("#1 [internal] load ")


def test_a_status_comes_before_the_line_that_ends_its_vertex() -> None:
    out = io.StringIO()
    printer = PlainProgress(out)
    for event in _events("cold"):
        printer.add(event)  # type: ignore[arg-type]
    blocks = out.getvalue().split("\n\n")
    for block in blocks:
        lines = [line for line in block.splitlines() if line.startswith("#")]
        ends = [i for i, line in enumerate(lines) if line.split(" ", 1)[1].startswith("DONE")]
        assert not ends or ends[-1] == len(lines) - 1, block  # nothing after `#N DONE`


def test_plain_reemission_redacts_and_shows_logs() -> None:
    out = io.StringIO()
    printer = PlainProgress(out, redact=lambda text: text.replace("not ok 3", "<masked>"))
    for event in _events("failing-run"):
        printer.add(event)  # type: ignore[arg-type]
    printer.close()
    text = out.getvalue()
    assert "<masked> - checkout total matches cart" in text
    assert "not ok 3" not in text
    assert " ERROR: process " in text
    assert "ERROR: failed to solve" in text


def test_live_view_shows_steps_and_the_bar() -> None:
    view = LiveBuildView()
    for event in _events("source-edit"):
        view.add(event)  # type: ignore[arg-type]
    console = make_console(width=100, file=io.StringIO(), force_terminal=False)
    console.print(view)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "deps 4/4" in text and "CACHED" in text
    assert "build 2/2" in text and "DONE" in text
    assert "base" in text  # FROM is base resolution
    assert "/12 steps" in text or "steps ·" in text
