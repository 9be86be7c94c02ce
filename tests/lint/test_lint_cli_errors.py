"""A Dockerfile that cannot be linted (not UTF-8, binary, unparseable) is reported on its own line
and makes the exit code 2, while every other file is still linted and fixed; the summary says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxdocker.cli import main

NODE = """FROM node:20-alpine
WORKDIR /app
COPY . .
RUN npm ci && npm run build
"""
NODE_FIXED = """FROM node:20-alpine
WORKDIR /app
COPY package*.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
RUN npm run build
"""
BAD = {
    "not UTF-8": (b'FROM alpine:3.20\nLABEL author="Jos\xe9"\n', ":2: not UTF-8 text"),
    "binary": (b"\x7fELF\x02\x01\x00\x00", ":1: binary file, not a Dockerfile"),
    "unparseable": (b"FROM alpine:3.20\nRUN <<EOF\necho\n", ":2: unterminated heredoc"),
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(params=sorted(BAD))
def folder(request, tmp_path: Path, monkeypatch) -> tuple[Path, str]:
    """a/ and c/ hold the same fixable Dockerfile, b/ (linted between them) a bad one."""
    content, message = BAD[request.param]
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / ".dockerignore").write_text(".git\nnode_modules\n")
        (tmp_path / name / "Dockerfile").write_text(NODE)
    (tmp_path / "b" / "Dockerfile").write_bytes(content)
    monkeypatch.chdir(tmp_path)
    return tmp_path, message


def test_a_bad_file_does_not_stop_the_others(folder: tuple[Path, str], capsys) -> None:
    _, message = folder
    code, out, err = run(capsys, "lint", ".", "--format", "json", "--select", "ARX001")
    assert code == 2
    assert err == f"arxdocker: error: b/Dockerfile{message}\n"
    assert [f["file"] for f in json.loads(out)] == ["a/Dockerfile", "c/Dockerfile"]


def test_fix_fixes_every_other_file_and_leaves_the_bad_one(
    folder: tuple[Path, str], capsys
) -> None:
    tmp_path, message = folder
    before = (tmp_path / "b" / "Dockerfile").read_bytes()
    code, _, err = run(capsys, "lint", ".", "--fix")
    assert code == 2
    assert err == f"arxdocker: error: b/Dockerfile{message}\n"
    assert (tmp_path / "a" / "Dockerfile").read_text() == NODE_FIXED
    assert (tmp_path / "c" / "Dockerfile").read_text() == NODE_FIXED
    assert (tmp_path / "b" / "Dockerfile").read_bytes() == before


def test_diff_shows_the_other_files(folder: tuple[Path, str], capsys) -> None:
    code, out, err = run(capsys, "lint", ".", "--diff")
    assert code == 2 and err.startswith("arxdocker: error: b/Dockerfile:")
    assert out.count("+COPY package*.json ./\n") == 2
    assert "--- a/Dockerfile\n" in out and "--- c/Dockerfile\n" in out


@pytest.mark.parametrize(
    "content",
    [b"", b"# only a comment\n", b"FROM alpine:3.20\nRUN <<EOF\necho\n", b"FROM a\n\xff\n"],
    ids=["empty", "comments only", "unterminated heredoc", "not UTF-8"],
)
def test_summary_of_a_file_that_could_not_be_linted(tmp_path: Path, capsys, content: bytes) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(content)
    code, out, err = run(capsys, "lint", str(path))
    assert code == 2 and err.startswith(f"arxdocker: error: {path}:")
    assert out == "1 file could not be linted.\n"
    assert "All checks passed" not in out + err


def test_summary_counts_linted_files_and_the_others(folder: tuple[Path, str], capsys) -> None:
    code, out, _ = run(capsys, "lint", ".", "--ignore", "ALL")
    assert (code, out) == (2, "No findings in 2 Dockerfiles; 1 file could not be linted.\n")
    code, out, _ = run(capsys, "lint", ".", "--select", "ARX001")
    assert code == 2
    assert out.endswith(
        "Found 2 findings in 2 file(s) (2 fixable with --fix); 1 file could not be linted.\n"
    )


def test_summary_after_fix_of_the_other_files(folder: tuple[Path, str], capsys) -> None:
    code, out, _ = run(capsys, "lint", ".", "--fix", "--select", "ARX001,ARX003")
    assert (code, out) == (
        2,
        "Found 4 findings in 2 file(s) (4 fixed, 0 remaining); 1 file could not be linted.\n",
    )
