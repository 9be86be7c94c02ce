"""The `arxdocker lint` command end to end: formats, exit codes, suppressions, config, --fix,
and one-line errors for bad input (binary, missing, empty folders, unparseable files)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from arxdocker.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
UNFRIENDLY = """FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text(UNFRIENDLY)
    (tmp_path / ".dockerignore").write_text(".git\n")
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_has_location_code_frame_and_help(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "lint", str(project))
    assert code == 1
    assert f"{project}/Dockerfile:3:1 ARX001 warning: `COPY . .` (line 3) copies" in out
    assert "3 │ COPY . ." in out
    assert "  help: Copy requirements.txt first and run the pip install before" in out


def test_json_fields(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "lint", str(project), "--format", "json")
    findings = json.loads(out)
    assert code == 1
    first = next(f for f in findings if f["code"] == "ARX001")
    assert {k: first[k] for k in ("line", "column", "end_line", "name", "severity")} == {
        "line": 3, "column": 1, "end_line": 3, "name": "broad-copy-before-install",
        "severity": "warning",
    }  # fmt: skip
    assert (
        first["fix"]["edits"][0]["content"]
        == "COPY requirements.txt ./\nRUN pip install -r requirements.txt\n"
    )


def test_sarif_validates_against_the_2_1_0_schema(capsys) -> None:
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text())
    code, out, _ = run(capsys, "lint", str(FIXTURES / "dockerfiles"), "--format", "sarif")
    document = json.loads(out)
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    results = document["runs"][0]["results"]
    assert code == 1 and len(results) > 100
    assert len(document["runs"][0]["tool"]["driver"]["rules"]) == 16
    applicability = {
        (r["ruleId"], fix["properties"]["applicability"])
        for r in results
        for fix in r.get("fixes", [])
    }
    assert ("ARX003", "safe") in applicability and ("ARX011", "unsafe") in applicability


def test_github_annotations(project: Path, capsys) -> None:
    _, out, _ = run(capsys, "lint", str(project), "--format", "github", "--select", "ARX001")
    assert out.startswith(f"::warning file={project}/Dockerfile,line=3,endLine=3,col=1,")
    assert "title=ARX001 broad-copy-before-install::" in out


def test_select_ignore_severity_and_exit_zero(project: Path, capsys) -> None:
    assert run(capsys, "lint", str(project), "--ignore", "ARX001,ARX003,ARX016")[0] == 0
    assert run(capsys, "lint", str(project), "--severity", "error")[0] == 0
    assert run(capsys, "lint", str(project), "--exit-zero")[0] == 0
    code, out, _ = run(capsys, "lint", str(project), "--select", "ARX003", "--format", "json")
    assert code == 1 and {f["code"] for f in json.loads(out)} == {"ARX003"}


def test_inline_and_global_suppressions(tmp_path: Path, capsys) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(
        "# arxdocker: global ignore=ARX003,ARX016\nFROM python:3.12-slim\n"
        "# arxdocker: ignore=ARX001\nCOPY . .\nRUN pip install -r requirements.txt\n"
    )
    code, out, _ = run(capsys, "lint", str(path), "--format", "json", "--ignore", "ARX008")
    assert (code, json.loads(out)) == (0, [])


def test_pyproject_config(project: Path, capsys, monkeypatch) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.arxdocker.lint]\nignore = ["ARX003", "ARX016"]\nseverity = { ARX001 = "error" }\n'
    )
    monkeypatch.chdir(project)
    _, out, _ = run(capsys, "lint", "--format", "json")
    assert [(f["code"], f["severity"]) for f in json.loads(out)] == [("ARX001", "error")]


def test_fix_writes_a_stable_file_and_diff_shows_it(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "lint", str(project), "--diff")
    assert code == 1 and "+COPY requirements.txt ./" in out
    assert (project / "Dockerfile").read_text() == UNFRIENDLY
    run(capsys, "lint", str(project), "--fix")
    fixed = (project / "Dockerfile").read_text()
    assert fixed.startswith("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\n")
    assert run(capsys, "lint", str(project), "--diff")[0] == 0
    assert (project / "Dockerfile").read_text() == fixed


def test_stdin(monkeypatch, capsys) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"FROM node\nRUN true\n")))
    code, out, _ = run(capsys, "lint", "-", "--format", "json")
    assert code == 1 and json.loads(out)[0]["file"] == "<stdin>"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x7fELF\x02\x01\x00\x00", ":1: binary file"),
        (b"FROM a\n\xff\xfe\n", ":2: not UTF-8 text"),
        (b"FROM a\nRUN <<EOF\necho\n", ":2: unterminated heredoc"),
        (b"# escape=x\nFROM a\n", ":1: invalid escape token"),
        (b'FROM a\nCMD ["a", 1]\n', ":2: when using JSON array syntax"),
        (b"# only a comment\n", ":1: file with no instructions"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, capsys, content: bytes, message: str) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(content)
    code, _, err = run(capsys, "lint", str(path))
    assert code == 2
    assert err.startswith(f"arxdocker: error: {path}{message}")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_path_and_folder_without_dockerfile(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "lint", str(tmp_path / "nope"))
    assert (code, err.strip()) == (
        2,
        f"arxdocker: error: {tmp_path}/nope: no such file or directory",
    )
    code, _, err = run(capsys, "lint", str(tmp_path))
    assert code == 2 and err.startswith(f"arxdocker: error: {tmp_path}: no Dockerfile found")


def test_unknown_rule_is_a_usage_error(capsys) -> None:
    assert run(capsys, "lint", "--select", "ARX999")[0] == 2
    assert run(capsys, "rule", "ARX999")[0] == 2


def test_folder_search_finds_named_dockerfiles(tmp_path: Path, capsys) -> None:
    for name in ("Dockerfile", "api.Dockerfile", "Dockerfile.dev", "notes.txt"):
        (tmp_path / name).write_text("FROM alpine:3.20\n")
    (tmp_path / "node_modules").mkdir()
    shutil.copy(tmp_path / "Dockerfile", tmp_path / "node_modules" / "Dockerfile")
    code, out, _ = run(capsys, "lint", str(tmp_path))
    assert code == 0 and "3 Dockerfiles" in out


def test_folder_search_skips_a_dockerfiles_own_dockerignore(tmp_path: Path, capsys) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "Dockerfile.dockerignore").write_text("*\n!src\n")
    code, out, _ = run(capsys, "lint", str(tmp_path))
    assert code == 0 and "1 Dockerfile" in out and "Dockerfile.dockerignore" not in out


def test_heredoc_heavy_files_lint_without_parse_errors(capsys) -> None:
    folder = FIXTURES / "dockerfiles" / "heredoc"
    code, out, err = run(capsys, "lint", str(folder), "--format", "json")
    assert code == 1 and err == ""
    assert {Path(f["file"]).name for f in json.loads(out)} >= {"heredoc-01.Dockerfile"}


def test_unsafe_fixes_are_shown_and_applied_only_when_asked(tmp_path: Path, capsys) -> None:
    # install-deps.sh sources another context file, so moving it above `COPY . .` is unsafe
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "install-deps.sh").write_text(". scripts/common.sh\n")
    (tmp_path / "scripts" / "common.sh").write_text("")
    text = "FROM busybox:1.36\nWORKDIR /app\nCOPY . .\nRUN sh scripts/install-deps.sh\n"
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text)
    lint = ("lint", str(dockerfile), "--select", "ARX001")

    code, out, _ = run(capsys, *lint)
    assert code == 1
    assert "unsafe fix: Copy scripts/install-deps.sh and run" in out
    assert "Found 1 finding in 1 file(s) (1 more with --unsafe-fixes)." in out
    assert run(capsys, *lint, "--diff")[0] == 0  # no safe fix to show
    run(capsys, *lint, "--fix")
    assert dockerfile.read_text() == text

    code, out, _ = run(capsys, *lint, "--diff", "--unsafe-fixes")
    assert code == 1 and "+COPY scripts/install-deps.sh scripts/" in out
    assert dockerfile.read_text() == text
    run(capsys, *lint, "--fix", "--unsafe-fixes")
    assert dockerfile.read_text() == (
        "FROM busybox:1.36\nWORKDIR /app\nCOPY scripts/install-deps.sh scripts/\n"
        "RUN sh scripts/install-deps.sh\nCOPY . .\n"
    )


def test_unsafe_fixes_alone_is_a_usage_error(project: Path, capsys) -> None:
    code, _, err = run(capsys, "lint", str(project), "--unsafe-fixes")
    assert code == 2
    assert "--unsafe-fixes needs --fix or --diff" in err


def test_a_file_that_cannot_be_linted_is_in_sarif_and_github_output(project: Path, capsys) -> None:
    """Code scanning and pull-request annotations must not show such a file as clean."""
    (project / "broken.Dockerfile").write_text("FROM alpine:3.20 AS\n")
    broken = str(project / "broken.Dockerfile")
    code, out, _ = run(capsys, "lint", str(project), "--format", "sarif")
    document = json.loads(out)
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    (invocation,) = document["runs"][0]["invocations"]
    assert code == 2 and invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["message"]["text"] == "FROM requires either one or three arguments"
    location = notification["locations"][0]["physicalLocation"]
    uri = (project / "broken.Dockerfile").as_uri()
    assert (location["artifactLocation"]["uri"], location["region"]["startLine"]) == (uri, 1)
    assert document["runs"][0]["results"]  # the other file's findings are still there
    code, out, _ = run(capsys, "lint", str(project), "--format", "github")
    assert code == 2
    assert (
        f"::error file={broken},line=1,title=arxdocker lint::"
        "FROM requires either one or three arguments\n"
    ) in out


def test_a_clean_sarif_run_says_it_succeeded(project: Path, capsys) -> None:
    _, out, _ = run(capsys, "lint", str(project), "--format", "sarif")
    invocation = json.loads(out)["runs"][0]["invocations"][0]
    assert invocation == {"executionSuccessful": True, "toolExecutionNotifications": []}


def test_statistics_as_json(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "lint", str(project), "--statistics", "--format", "json")
    rows = json.loads(out)
    assert code == 1
    assert {"code": "ARX001", "name": "broad-copy-before-install", "count": 1, "fixable": 1} in rows
    assert [row["count"] for row in rows] == sorted((row["count"] for row in rows), reverse=True)


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_statistics_has_no_sarif_or_github_form(project: Path, capsys, fmt: str) -> None:
    code, out, err = run(capsys, "lint", str(project), "--statistics", "--format", fmt)
    assert (code, out) == (2, "")
    assert f"--statistics is a summary: it has no {fmt} form" in err


def test_weak_dockerignore_needs_a_copy_of_the_whole_context(tmp_path: Path, capsys) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nCOPY src ./src\n")
    code, out, _ = run(capsys, "lint", str(tmp_path), "--select", "ARX008", "--format", "json")
    assert (code, json.loads(out)) == (0, [])  # BuildKit sends src/ alone
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nCOPY . .\n")
    code, out, _ = run(capsys, "lint", str(tmp_path), "--select", "ARX008", "--format", "json")
    assert code == 1 and [f["code"] for f in json.loads(out)] == ["ARX008"]


def test_sarif_uris_are_encoded_relative_paths_or_file_uris(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    odd = tmp_path / "my app,v2#x"
    odd.mkdir()
    (odd / "Dockerfile").write_text(UNFRIENDLY)
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "lint", "my app,v2#x", "--format", "sarif")
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(out)["runs"][0]["results"]
    }
    assert uris == {"my%20app%2Cv2%23x/Dockerfile"}
    _, out, _ = run(capsys, "lint", str(odd), "--format", "sarif")
    result = json.loads(out)["runs"][0]["results"][0]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == (odd / "Dockerfile").as_uri()
    assert uri.startswith("file:///") and "%20" in uri
