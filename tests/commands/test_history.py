"""`arxdocker history` on histories made of real records, and its speed on 10,000 of them."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.commands import _cli

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"


def arxdocker(*args: str) -> subprocess.CompletedProcess[str]:
    return _cli.arxdocker(*args, columns=100)


def write_history(path: Path, count: int = 3, corrupt: bool = False) -> None:
    """The cold, warm and edited webapp records, repeated with new ids and alternating targets."""
    records = [json.loads((RECORDS / f"webapp-{name}.json").read_text())
               for name in ("cold", "warm", "edited")]  # fmt: skip
    with path.open("w") as handle:
        for number in range(count):
            record = records[number % 3] | {"id": f"20261125T{number:06d}Z-{number:06x}"}
            record["target"] = "test" if number % 2 else None
            handle.write(json.dumps(record, separators=(",", ":")) + "\n")
            if corrupt and number == 1:
                handle.write('{"id": "half a line\n')


def test_help_has_examples() -> None:
    result = arxdocker("history", "--help")
    assert result.returncode == 0 and "examples:" in result.stdout


def test_rows_newest_first_and_the_trend(tmp_path: Path) -> None:
    history = tmp_path / "h.jsonl"
    write_history(history)
    result = arxdocker("history", "--history", str(history))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["build", "UTC", "target", "status", "time", "cached", "hit", "size"]
    assert lines[2].split()[1:4] == ["11-25", "21:17", "test"]  # the warm record started 21:17
    assert lines[1].split()[0] == "20261125T000002Z-000002"
    assert lines[1].split()[-5:] == ["1.9s", "5/8", "62%", "5.4", "MB"]
    assert lines[3].split()[-5:] == ["4.1s", "2/8", "25%", "5.4", "MB"]
    assert "trend over 3 builds, oldest → newest" in result.stdout
    assert "duration  █▂▄  0.4s … 4.1s" in result.stdout
    assert "hit rate  ▃█▅" in result.stdout


def test_limit_target_and_json(tmp_path: Path) -> None:
    history = tmp_path / "h.jsonl"
    write_history(history, count=9)
    result = arxdocker("history", "--history", str(history), "--target", "test", "--limit", "3",
                       "--json")  # fmt: skip
    document = json.loads(result.stdout)
    assert document["schema"] == "arxdocker.history/v1"
    assert [build["id"][-1] for build in document["builds"]] == ["7", "5", "3"]
    assert {build["target"] for build in document["builds"]} == {"test"}
    assert document["builds"][0]["hit_rate"] == 1.0  # 7 % 3 == 1: the warm record


def test_corrupt_lines_are_skipped_with_a_warning(tmp_path: Path) -> None:
    history = tmp_path / "h.jsonl"
    write_history(history, corrupt=True)
    result = arxdocker("history", "--history", str(history), "--json")
    assert result.returncode == 0
    assert len(json.loads(result.stdout)["builds"]) == 3
    assert "arxdocker: warning: " in result.stderr and "skipped" in result.stderr


def test_one_line_errors(tmp_path: Path) -> None:
    missing = arxdocker("history", "--history", str(tmp_path / "none.jsonl"))
    assert missing.returncode == 2 and missing.stderr.startswith("arxdocker: error: no build hist")
    history = tmp_path / "h.jsonl"
    write_history(history)
    other = arxdocker("history", "--history", str(history), "--target", "nosuch")
    assert other.returncode == 2
    assert other.stderr.strip().splitlines() == [
        f"arxdocker: error: {history} has no builds of target 'nosuch' "
        "(hint: run `arxdocker build` first)"
    ]


@pytest.mark.slow
def test_ten_thousand_records_answer_in_under_a_second(tmp_path: Path) -> None:
    history = tmp_path / "h.jsonl"
    write_history(history, count=10_000)
    for args in (
        ["history"],
        ["compare", "last~1", "last"],
        ["compare", "20261125T000000", "last"],
    ):
        begin = time.perf_counter()
        result = arxdocker(*args, "--history", str(history))
        elapsed = time.perf_counter() - begin
        assert result.returncode == 0, result.stderr
        assert elapsed < 1.0, f"{args}: {elapsed:.2f} s"
