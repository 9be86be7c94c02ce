"""Every command that reads `[tool.arxdocker]` rejects a bad one the same way: one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.commands._cli import arxdocker

# The commands that read the `history` key, and doctor, which reads the cache settings.
COMMANDS = [
    ("history",),
    ("compare", "last", "last~1"),
    ("check", "--baseline", "last~1"),
    ("explain", "last"),
    ("report", "--html", "out.html"),
    ("doctor",),
]

BAD = [
    ('[tool]\narxdocker = "x"\n', "pyproject.toml: tool.arxdocker must be a table, not a string"),
    ('tool = "x"\n', "pyproject.toml: tool.arxdocker must be a table (tool is a string)"),
    ("[tool.arxdocker]\nhistory = 5\n", "pyproject.toml: tool.arxdocker.history must be a string"),
    (
        '[tool.arxdocker]\nhistory = ""\n',
        "pyproject.toml: tool.arxdocker.history must name a file, not an empty string",
    ),
    (
        '[tool.arxdocker]\nhistroy = "h.jsonl"\n',
        "pyproject.toml: unknown key tool.arxdocker.histroy",
    ),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(
    ("body", "message"), BAD, ids=["arx-str", "tool-str", "int", "empty", "typo"]
)
def test_bad_tool_arxdocker_is_one_line_exit_2_for_every_command(
    tmp_path: Path, command: tuple[str, ...], body: str, message: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(body)
    result = arxdocker(*command, cwd=tmp_path, DOCKER_HOST="unix:///nonexistent.sock")
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"arxdocker: error: {message}")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out.html").exists()


def test_history_key_is_followed_and_the_lint_table_is_not_an_unknown_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.arxdocker]\nhistory = "builds.jsonl"\n[tool.arxdocker.lint]\nselect = ["ARX001"]\n'
    )
    result = arxdocker("history", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("arxdocker: error: no build history at builds.jsonl")
