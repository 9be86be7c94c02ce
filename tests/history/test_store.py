"""The locked JSONL history: whole lines under parallel writers, corrupt lines skipped."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from arxdocker.history.record import RECORD_SCHEMA, Record, new_id
from arxdocker.history.store import append, check_tail, read, save


def _record(index: int) -> dict[str, object]:
    # Big enough (about 200 KiB) that an unlocked write would interleave with the others.
    return {"schema": RECORD_SCHEMA, "id": f"r{index}", "padding": "x" * 200_000}


def _writer(path: str, start: int, count: int) -> None:
    for index in range(start, start + count):
        append(Path(path), _record(index))


def test_parallel_writers_leave_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "h" / "history.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_writer, args=(str(path), n * 5, 5)) for n in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    records, skipped = read(path)
    assert skipped == []
    assert sorted(record["id"] for record in records) == sorted(f"r{i}" for i in range(40))
    assert path.read_bytes().count(b"\n") == 40


def test_corrupt_lines_are_skipped_with_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    append(path, {"id": "a"})
    with path.open("ab") as handle:
        handle.write(b'{"id": "broken\n[1, 2]\n\xff\xfe\n')
    append(path, {"id": "b"})
    records, skipped = read(path)
    assert [record["id"] for record in records] == ["a", "b"]
    assert [item.line for item in skipped] == [2, 3, 4]


def test_a_line_cut_by_a_crash_is_closed_before_the_next_append(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    path.write_bytes(b'{"id": "a"}\n{"id": "cut')
    assert check_tail(path) is not None
    problems = save({"id": "b"}, path)
    assert problems and "skipped" in problems[0]
    records, skipped = read(path)
    assert [record["id"] for record in records] == ["a", "b"]
    assert len(skipped) == 1


def test_save_writes_the_single_record_file_too(tmp_path: Path) -> None:
    record = Record(id=new_id(0), started=0.0, ended=1.5, exit_code=0, status="ok").to_dict()
    assert save(record, tmp_path / "h.jsonl", tmp_path / "out" / "build.json") == []
    single = json.loads((tmp_path / "out" / "build.json").read_text())
    assert single["schema"] == RECORD_SCHEMA
    assert single["duration_s"] == 1.5
    assert single["started"] == "1970-01-01T00:00:00.000Z"


def test_unwritable_history_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    problems = save({"id": "x"}, blocker / "history.jsonl")
    assert problems and "cannot append" in problems[0]
