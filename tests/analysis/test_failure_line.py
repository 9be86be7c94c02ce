"""The line of a failing instruction: from buildx's snippet, or found with the parser."""

from __future__ import annotations

from pathlib import Path

from arxdocker.analysis.failure_line import instruction_line, snippet_location
from arxdocker.analysis.report import build_report
from arxdocker.progress.models import TextLine
from arxdocker.progress.reader import read_events

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "buildkit"
WEBAPP = (REPO / "dockerfiles" / "webapp" / "Dockerfile").read_text()


def test_the_snippet_buildx_prints_names_file_and_line() -> None:
    with (FIXTURES / "failing-run.rawjson.log").open("rb") as stream:
        events = list(read_events(stream))
    texts = [event.text for event in events if isinstance(event, TextLine)]
    assert snippet_location(texts) == ("Dockerfile", 18)
    assert snippet_location(["  7 | >>> RUN make"]) == ("Dockerfile", 7)
    assert snippet_location(["ERROR: failed to solve"]) is None


def test_the_parser_finds_the_failing_step_with_its_args_expanded() -> None:
    with (FIXTURES / "failing-run.rawjson.log").open("rb") as stream:
        report = build_report(read_events(stream), "rawjson")
    (failing,) = [step for step in report.steps if step.status == "error"]
    assert failing.instruction == "RUN FAIL_TESTS=1 sh src/test.sh"
    assert instruction_line(WEBAPP, failing) == 18
    deps = next(step for step in report.steps if step.instruction.startswith("RUN --mount"))
    assert instruction_line(WEBAPP, deps) == 9
