"""The text renderer: a header, a code frame with a marker under the instruction, help and fix."""

from __future__ import annotations

import io

from rich.console import Console

from arxdocker.lint.model import Edit, Finding, Fix
from arxdocker.render.lint_text import FindingList, statistics, summary
from arxdocker.render.theme import ARX_THEME

FINDING = Finding(
    code="ARX002",
    name="update-without-install",
    severity="warning",
    file="Dockerfile",
    line=2,
    column=3,
    end_line=3,
    end_column=10,
    message="`RUN apt-get update` runs in a RUN of its own",
    help="Run the index update in the same RUN as the install",
    fix=Fix("Merge it", (Edit.delete_lines(2, 3),)),
)
SOURCE = {"Dockerfile": ["FROM debian:12", "  RUN apt-get \\", "    update"]}


def render(renderable) -> str:
    console = Console(width=80, file=io.StringIO(), force_terminal=False, theme=ARX_THEME)
    console.print(renderable, soft_wrap=True)
    return console.file.getvalue()


def test_finding_block() -> None:
    assert render(FindingList([FINDING], SOURCE)) == (
        "Dockerfile:2:3 ARX002 warning: `RUN apt-get update` runs in a RUN of its own "
        "[update-without-install]\n"
        "  2 │   RUN apt-get \\\n"
        "    │   ^^^^^^^^^^^^^\n"
        "  3 │     update\n"
        "  help: Run the index update in the same RUN as the install\n"
        "  fix: Merge it (--fix applies it)\n"
        "\n"
    )


def test_summary_and_statistics() -> None:
    assert render(summary([FINDING], 1)) == "Found 1 finding in 1 file(s) (1 fixable with --fix).\n"
    assert render(summary([], 3)) == "All checks passed (3 Dockerfiles).\n"
    assert render(summary([], 0, errors=1)) == "1 file could not be linted.\n"
    assert render(summary([], 1, errors=2)) == (
        "No findings in 1 Dockerfile; 2 files could not be linted.\n"
    )
    assert render(summary([FINDING], 1, errors=1)) == (
        "Found 1 finding in 1 file(s) (1 fixable with --fix); 1 file could not be linted.\n"
    )
    assert render(statistics([FINDING, FINDING])) == "    2  ARX002  update-without-install  [*]\n"
