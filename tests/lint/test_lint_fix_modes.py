"""What `--fix` and `--diff` change: only the findings that are reported (after --select, --ignore,
--severity and the config's severity overrides); `--fix -` echoes the text; line endings kept."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from arxdocker.cli import main

# ARX001 warning (fix: copy requirements.txt first), ARX003 warning (fix: pip cache mount),
# ARX016 info (no fix); the .dockerignore keeps ARX008 quiet.
UNFRIENDLY = """FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
"""
MOUNT_ONLY = """FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
"""
FIXED = """FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
COPY . .
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "Dockerfile").write_text(UNFRIENDLY)
    (tmp_path / ".dockerignore").write_text(".git\n__pycache__\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_fix_applies_every_reported_fix(project: Path, capsys) -> None:
    run(capsys, "lint", "--fix")
    assert (project / "Dockerfile").read_text() == FIXED


def test_fix_with_severity_error_leaves_warnings_alone(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "lint", "--fix", "--severity", "error")
    assert (code, out) == (0, "All checks passed (1 Dockerfile).\n")
    assert (project / "Dockerfile").read_text() == UNFRIENDLY


def test_diff_with_severity_error_shows_nothing(project: Path, capsys) -> None:
    assert run(capsys, "lint", "--diff", "--severity", "error") == (0, "", "")


def test_fix_with_severity_follows_the_configs_overrides(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.arxdocker.lint]\nseverity = { ARX003 = "error" }\n'
    )
    code, out, _ = run(capsys, "lint", "--fix", "--severity", "error")
    assert (code, out) == (0, "Found 1 finding in 1 file(s) (1 fixed, 0 remaining).\n")
    assert (project / "Dockerfile").read_text() == MOUNT_ONLY


def test_fix_with_ignore_leaves_the_ignored_rule_alone(project: Path, capsys) -> None:
    code, _, _ = run(capsys, "lint", "--fix", "--ignore", "ARX001,ARX016")
    assert code == 0
    assert (project / "Dockerfile").read_text() == MOUNT_ONLY


# apt update in a RUN of its own (ARX002), a broad COPY before pip and apt (ARX001), no cache
# mounts (ARX003): the fixes merge, move and insert lines.
CRLF_SOURCE = (
    "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
    "RUN pip install -r requirements.txt \\\n && python -m compileall .\n"
    'RUN apt-get update\nRUN apt-get install -y curl\nCMD ["python", "app.py"]\n'
)


def test_fix_keeps_crlf_line_endings(tmp_path: Path, capsys) -> None:
    for name, text in (("lf", CRLF_SOURCE), ("crlf", CRLF_SOURCE.replace("\n", "\r\n"))):
        (tmp_path / name).mkdir()
        (tmp_path / name / ".dockerignore").write_text(".git\n")
        (tmp_path / name / "Dockerfile").write_bytes(text.encode())
        run(capsys, "lint", "--fix", str(tmp_path / name))
    fixed_lf = (tmp_path / "lf" / "Dockerfile").read_bytes()
    fixed_crlf = (tmp_path / "crlf" / "Dockerfile").read_bytes()
    assert fixed_lf != CRLF_SOURCE.encode() and b"\r" not in fixed_lf
    assert fixed_crlf == fixed_lf.replace(b"\n", b"\r\n")
    assert fixed_crlf.count(b"\n") == fixed_crlf.count(b"\r\n") >= 8


def test_diff_of_a_crlf_file_marks_crlf_lines(tmp_path: Path, capsys) -> None:
    (tmp_path / ".dockerignore").write_text(".git\n")
    (tmp_path / "Dockerfile").write_bytes(CRLF_SOURCE.replace("\n", "\r\n").encode())
    code, out, _ = run(capsys, "lint", "--diff", str(tmp_path))
    added = [line for line in out.split("\n") if line.startswith("+") and not line.startswith("++")]
    assert code == 1 and added and all(line.endswith("\r") for line in added)


def test_a_crlf_file_with_nothing_to_fix_is_left_byte_for_byte(tmp_path: Path, capsys) -> None:
    text = b'FROM alpine:3.20\r\nRUN echo hi\nCMD ["sh"]\r\n'  # mixed: nothing rewrites it
    (tmp_path / "Dockerfile").write_bytes(text)
    assert run(capsys, "lint", "--fix", str(tmp_path))[0] == 0
    assert (tmp_path / "Dockerfile").read_bytes() == text


def run_stdin(monkeypatch, capture, data: bytes, *argv: str) -> tuple[int, bytes, bytes]:
    """`arxdocker lint ... -` with `data` on stdin; stdout and stderr as bytes."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code = main(["lint", *argv, "-"])
    out, err = capture.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("data", "expected_code", "report"),
    [
        (b"FROM alpine:3.20\n", 0, b"All checks passed (1 Dockerfile).\n"),
        (b"FROM node\nRUN true\n", 1, b"Found 1 finding in 1 file(s).\n"),  # ARX006, no fix
        (b"", 2, b"arxdocker: error: <stdin>:1: file with no instructions\n"),
        (b"# only a comment\n", 2, b"arxdocker: error: <stdin>:1: file with no instructions\n"),
        (b"FROM a\nRUN <<EOF\necho\n", 2, b"arxdocker: error: <stdin>:2: unterminated heredoc\n"),
        (b"FROM a\r\nLABEL a=\xe9\r\n", 2, b"arxdocker: error: <stdin>:2: not UTF-8 text\n"),
        (b"\x7fELF\x02\x00", 2, b"arxdocker: error: <stdin>:1: binary file, not a Dockerfile\n"),
    ],
    ids=["clean", "no fix", "empty", "comments only", "heredoc", "not UTF-8", "binary"],
)
def test_fix_stdin_echoes_the_input_when_there_is_nothing_to_fix(
    monkeypatch, capsysbinary, data: bytes, expected_code: int, report: bytes
) -> None:
    code, out, err = run_stdin(monkeypatch, capsysbinary, data, "--fix")
    assert (code, out) == (expected_code, data)
    assert report in err
    if expected_code == 2:
        assert err == report + b"1 file could not be linted.\n"


def test_fix_stdin_writes_the_fixed_text_and_reports_to_stderr(monkeypatch, capsysbinary) -> None:
    code, out, err = run_stdin(monkeypatch, capsysbinary, UNFRIENDLY.encode(), "--fix")
    assert code == 0
    assert out == FIXED.encode()
    assert err == b"Found 2 findings in 1 file(s) (2 fixed, 0 remaining).\n"


def test_fix_stdin_reports_what_remains_as_json_on_stderr(monkeypatch, capsysbinary) -> None:
    data = b"FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    code, out, err = run_stdin(monkeypatch, capsysbinary, data, "--fix", "--format", "json")
    assert code == 1
    assert out == FIXED.replace("python:3.12-slim", "python").encode()
    assert [f["code"] for f in json.loads(err)] == ["ARX006"]  # no fix; the rest were fixed


def test_fix_stdin_keeps_crlf(monkeypatch, capsysbinary) -> None:
    crlf = UNFRIENDLY.replace("\n", "\r\n").encode()
    code, out, _ = run_stdin(monkeypatch, capsysbinary, crlf, "--fix")
    assert (code, out) == (0, FIXED.replace("\n", "\r\n").encode())


def test_diff_stdin_prints_only_the_diff(monkeypatch, capsysbinary) -> None:
    code, out, err = run_stdin(monkeypatch, capsysbinary, b"FROM alpine:3.20\n", "--diff")
    assert (code, out, err) == (0, b"", b"")


def test_go_fixes_of_two_rules_make_one_consistent_plan(tmp_path: Path, capsys) -> None:
    """ARX001 moves the module download above `COPY . .`; only then does ARX003 mount the
    build, and only its build cache: a mount on /go/pkg/mod would hide the downloaded modules
    (ollama's Dockerfile, fixed in one pass by both rules, got exactly that). The download layer
    is the cache the build reads, so nothing is left to report."""
    (tmp_path / "go.mod").write_text("module example.com/app\n\ngo 1.22\n")
    path = tmp_path / "Dockerfile"
    path.write_text("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n")
    assert main(["lint", str(path), "--fix", "--select", "ARX001,ARX003"]) == 0
    capsys.readouterr()
    fixed = path.read_text()
    assert fixed == (
        "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum* ./\nRUN go mod download\nCOPY . .\n"
        "RUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .\n"
    )
    main(["lint", str(path), "--fix", "--select", "ARX001,ARX003"])
    assert path.read_text() == fixed  # stable
