"""Rule codes on the command line and in `[tool.arxdocker.lint]`: matched case-insensitively,
`ALL` for every rule, and an unknown code, a wrong type or an unknown key is one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxdocker.cli import main

# ARX001 (broad COPY), ARX003 (no cache mount), ARX008 (no .dockerignore), ARX016 (pip cache)
UNFRIENDLY = """FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
"""
EVERY_CODE = ["ARX001", "ARX003", "ARX008", "ARX016"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "Dockerfile").write_text(UNFRIENDLY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def codes(capsys, *argv: str) -> tuple[int, list[str]]:
    code, out, err = run(capsys, "lint", "--format", "json", *argv)
    assert err == ""
    return code, sorted({finding["code"] for finding in json.loads(out)})


def one_line_error(capsys, *argv: str) -> str:
    code, out, err = run(capsys, "lint", *argv)
    assert (code, out) == (2, "")
    assert "Traceback" not in err and len(err.splitlines()) == 1
    return err.strip()


def test_all_four_rules_fire_without_options(project: Path, capsys) -> None:
    assert codes(capsys) == (1, EVERY_CODE)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("--select", "arx001"), (1, ["ARX001"])),
        (("--select", "Arx003,broad-copy-before-install"), (1, ["ARX001", "ARX003"])),
        (("--ignore", "arx008,arx001"), (1, ["ARX003", "ARX016"])),
        (("--ignore", "ARX008", "--ignore", "arx001,ARX003,arx016"), (0, [])),
        (("--ignore", "ALL"), (0, [])),
        (("--ignore", "all"), (0, [])),
        (("--select", "all", "--ignore", "ARX001"), (1, ["ARX003", "ARX008", "ARX016"])),
    ],
)
def test_command_line_codes_match_case_insensitively(
    project: Path, capsys, argv: tuple[str, ...], expected: tuple[int, list[str]]
) -> None:
    assert codes(capsys, *argv) == expected


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--select", "ARX999"), "--select: unknown rule code ARX999"),
        (("--ignore", "ARX001,nope"), "--ignore: unknown rule code nope"),
    ],
)
def test_unknown_code_on_the_command_line(project: Path, capsys, argv, message: str) -> None:
    error = one_line_error(capsys, *argv)
    assert error == f"arxdocker: error: {message} (hint: `arxdocker rule --list` lists them)"


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('select = ["arx001"]', (1, ["ARX001"])),
        ('select = ["ALL"]\nignore = ["arx016", "weak-dockerignore"]', (1, ["ARX001", "ARX003"])),
        ('select = "ARX001"', (1, ["ARX001"])),  # a string reads like --select ARX001
        ('select = "arx001, ARX003"', (1, ["ARX001", "ARX003"])),
        ('ignore = "ARX008"', (1, ["ARX001", "ARX003", "ARX016"])),
        ('ignore = ["all"]', (0, [])),
    ],
)
def test_pyproject_codes(project: Path, capsys, table: str, expected) -> None:
    (project / "pyproject.toml").write_text(f"[tool.arxdocker.lint]\n{table}\n")
    assert codes(capsys) == expected


def test_pyproject_severity_keys_match_case_insensitively(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.arxdocker.lint]\nselect = ["ARX001", "ARX003"]\n'
        'severity = { arx001 = "error", install-without-cache-mount = "error" }\n'
    )
    code, out, _ = run(capsys, "lint", "--format", "json", "--severity", "error")
    assert code == 1
    assert sorted((f["code"], f["severity"]) for f in json.loads(out)) == [
        ("ARX001", "error"),
        ("ARX003", "error"),
    ]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('select = ["ARX999"]', "select: unknown rule code ARX999"),
        ('select = "ARX001,ARX42"', "select: unknown rule code ARX42"),
        ('ignore = ["ARX001", "DL3008"]', "ignore: unknown rule code DL3008"),
        ("severity = { ARX999 = 'error' }", "severity: unknown rule code ARX999"),
        ("select = [1]", "select must be a list of rule codes"),
    ],
)
def test_pyproject_unknown_code_names_file_and_key(
    project: Path, capsys, table: str, message: str
) -> None:
    (project / "pyproject.toml").write_text(f"[tool.arxdocker.lint]\n{table}\n")
    error = one_line_error(capsys)
    assert error.startswith(f"arxdocker: error: pyproject.toml: [tool.arxdocker.lint] {message}")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[tool.arxdocker.lint]\nseverity = "warning"',
            "[tool.arxdocker.lint] severity must be a table of rule code = severity, not a string"
            ' (hint: severity = { ARX013 = "warning" })',
        ),
        ("[tool.arxdocker]\nlint = 3", "[tool.arxdocker] lint must be a table, not an integer"),
        ('[tool]\narxdocker = "x"', "[tool] arxdocker must be a table, not a string"),
        ("tool = true", "tool must be a table, not a boolean"),
        ("[[tool.arxdocker]]\ncache = []", "[tool] arxdocker must be a table, not an array"),
        (
            '[tool.arxdocker.lint]\nselct = ["ARX001"]',
            "[tool.arxdocker.lint] unknown key selct (hint: known keys: select, ignore, severity)",
        ),
        (
            "[tool.arxdocker.lint]\nseverity = { ARX001 = 3 }",
            "[tool.arxdocker.lint] severity of ARX001 is 3 (hint: use one of info, warning, error)",
        ),
        (
            "[tool.arxdocker.lint]\nignore = { ARX001 = true }",
            "[tool.arxdocker.lint] ignore must be a list of rule codes, not a table"
            ' (hint: ignore = ["ARX001"])',
        ),
    ],
)
def test_pyproject_wrong_type_is_one_line_not_a_traceback(
    project: Path, capsys, toml: str, message: str
) -> None:
    (project / "pyproject.toml").write_text(toml + "\n")
    assert one_line_error(capsys) == f"arxdocker: error: pyproject.toml: {message}"


def test_pyproject_error_names_the_file_found_above_the_dockerfile(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.arxdocker]\nlint = 3\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text(UNFRIENDLY)
    monkeypatch.chdir(tmp_path / "svc")
    message = "[tool.arxdocker] lint must be a table, not an integer"
    assert one_line_error(capsys) == f"arxdocker: error: {tmp_path}/pyproject.toml: {message}"
