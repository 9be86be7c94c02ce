"""Instructions BuildKit parses but then rejects (instructions/parse.go): lint reports them as
errors, with BuildKit's messages, never as a clean file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from arxdocker.dockerfile import DockerfileParseError, parse_text
from arxdocker.dockerfile.validate import check_instructions


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("FROM\n", 1, "FROM requires either one or three arguments"),
        ("FROM alpine:3.20 AS\n", 1, "FROM requires either one or three arguments"),
        ("FROM alpine:3.20 AS 1st\n", 1, "invalid name for build stage: '1st'"),
        ("FROM alpine:3.20\nCOPY onlyone\n", 2, "COPY requires at least two arguments"),
        ("FROM alpine:3.20\nWORKDIR\n", 2, "WORKDIR requires exactly one argument"),
        ("FROM alpine:3.20\nENV\n", 2, "ENV requires at least one argument"),
        ("FROM alpine:3.20\nSHELL sh -c\n", 2, "SHELL requires the arguments to be in JSON"),
        ("FROM alpine:3.20\nONBUILD ADD x\n", 2, "ADD requires at least two arguments"),
        ("FROM alpine:3.20\nRUNN echo\n", 2, "unknown instruction: RUNN"),
        ("ARG V=1\nRUN echo $V\nFROM alpine:3.20\n", 2, "no build stage in current context"),
        ("FROM alpine:3.20\nONBUILD\n", 2, "ONBUILD requires at least one argument"),
        ("FROM alpine:3.20\nONBUILD FROM x\n", 2, "FROM isn't allowed as an ONBUILD trigger"),
        ("FROM alpine:3.20\nONBUILD ONBUILD RUN x\n", 2, "Chaining ONBUILD"),
        ("FROM alpine:3.20\nHEALTHCHECK\n", 2, "HEALTHCHECK requires at least one argument"),
    ],
)
def test_rejected_instructions(text: str, line: int, message: str) -> None:
    with pytest.raises(DockerfileParseError) as raised:
        check_instructions(parse_text(text, "Dockerfile"))
    assert raised.value.line == line
    assert raised.value.reason.startswith(message)


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20 AS Build\nCOPY <<EOF /etc/x\nhi\nEOF\nUSER app\n",
        'FROM alpine:3.20\nSHELL ["/bin/sh", "-c"]\nENV A=1\nRUN\nCMD\n',
        "COPY requirements.txt /app/\nRUN pip install -r requirements.txt\n",  # a fragment
    ],
)
def test_accepted_instructions(text: str) -> None:
    check_instructions(parse_text(text))


def test_lint_exits_2_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.20 AS\nRUN echo hi\n")
    result = subprocess.run(
        [sys.executable, "-m", "arxdocker", "lint", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert f"{path}:1: FROM requires either one or three arguments" in result.stderr
    assert "Traceback" not in result.stderr
    assert "All checks passed" not in result.stdout + result.stderr
