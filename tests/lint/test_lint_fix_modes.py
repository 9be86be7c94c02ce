"""What `--fix` and `--diff` change: only the findings that are reported (after --select, --ignore,
--severity and the config's severity overrides); `--fix -` echoes the text; line endings kept."""

from __future__ import annotations

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
    assert (code, out) == (0, "All checks passed (1 Dockerfile).\n")
    assert (project / "Dockerfile").read_text() == MOUNT_ONLY


def test_fix_with_ignore_leaves_the_ignored_rule_alone(project: Path, capsys) -> None:
    code, _, _ = run(capsys, "lint", "--fix", "--ignore", "ARX001,ARX016")
    assert code == 0
    assert (project / "Dockerfile").read_text() == MOUNT_ONLY
