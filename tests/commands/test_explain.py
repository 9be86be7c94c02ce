"""`arxdocker explain` from the command line, over real records (no engine needed)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commands._cli import arxdocker

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"
FIRST, SECOND = RECORDS / "webapp-test-1.json", RECORDS / "webapp-test-2.json"


def history(tmp_path: Path, *records: Path) -> Path:
    path = tmp_path / "history.jsonl"
    path.write_text("".join(json.dumps(json.loads(r.read_text())) + "\n" for r in records))
    return path


def test_the_last_build_against_the_one_before(tmp_path: Path) -> None:
    path = history(tmp_path, FIRST, SECOND)
    result = arxdocker("explain", "--history", str(path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "3 root causes"
    assert (
        "1. deps.txt changed (COPY deps.txt tools/fetch-deps.sh ./ at line 8)  [sources]" in lines
    )
    assert "   + src/new.txt" in lines and "   ~ src/index.html" in lines
    assert not any("build.log" in line for line in lines)  # .dockerignore'd
    document = json.loads(arxdocker("explain", "--history", str(path), "--json").stdout)
    assert document["schema"] == "arxdocker.explain/v1"
    assert [c["kind"] for c in document["causes"]] == ["sources", "sources", "arg"]
    assert document["causes"][2]["names"] == ["FAIL_TESTS"]


def test_against_a_record_file(tmp_path: Path) -> None:
    path = history(tmp_path, SECOND)
    result = arxdocker("explain", str(SECOND), "--against", str(FIRST), "--history", str(path))
    assert result.returncode == 0, result.stderr
    assert "3 root causes" in result.stdout


def test_one_line_errors(tmp_path: Path) -> None:
    missing = arxdocker("explain", "--history", str(tmp_path / "none.jsonl"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("arxdocker: error: no build history at ")
    only = history(tmp_path, FIRST)
    alone = arxdocker("explain", "--history", str(only))
    assert alone.returncode == 2
    assert "has no build of /tmp/ex2/Dockerfile (target test) older than" in alone.stderr
    assert "--against" in alone.stderr
    bad = arxdocker("explain", "nope", "--history", str(only))
    assert bad.returncode == 2 and "has no build 'nope'" in bad.stderr
    for result in (missing, alone, bad):
        assert len(result.stderr.strip().splitlines()) == 1


def test_help_has_examples() -> None:
    result = arxdocker("explain", "--help")
    assert "arxdocker explain last --against last~3" in result.stdout


def test_a_damaged_line_that_may_be_the_earlier_build_is_warned_about(tmp_path: Path) -> None:
    path = history(tmp_path, FIRST, SECOND)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + '{"id": "cut\n' + lines[1])
    result = arxdocker("explain", "--history", str(path))
    assert result.returncode == 0
    assert result.stderr == (
        f"arxdocker: warning: {path}: a line that is not a build record was skipped\n"
    )
    assert "3 root causes" in result.stdout
    # a damaged line newer than the explained build cannot be its earlier build: no warning
    path.write_text(lines[0] + lines[1] + '{"id": "cut\n')
    quiet = arxdocker("explain", "last~1", "--history", str(path))
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert "3 root causes" in quiet.stdout


def test_the_same_build_twice_is_an_error_not_an_invented_cause(tmp_path: Path) -> None:
    path = history(tmp_path, FIRST, SECOND)
    for against in ("last", "20261125T214821", str(SECOND)):
        result = arxdocker("explain", "last", "--against", against, "--history", str(path))
        assert result.returncode == 2, result.stdout
        assert result.stdout == ""
        assert result.stderr.startswith(
            f"arxdocker: error: last and --against {against} both name the same build ("
        )
        assert len(result.stderr.splitlines()) == 1
