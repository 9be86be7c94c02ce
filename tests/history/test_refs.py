"""Naming builds (`last~N`, ids, files) and reading a history newest first, block by block."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxdocker.errors import ArxError
from arxdocker.history import tail
from arxdocker.history.refs import history_path, recent, resolve
from arxdocker.history.store import append

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"


def real_record() -> dict:
    return json.loads((RECORDS / "webapp-warm.json").read_text())


@pytest.fixture
def history(tmp_path: Path) -> Path:
    path = tmp_path / "history.jsonl"
    for number in range(5):
        record = real_record() | {"id": f"20261125T10000{number}Z-{number:06x}"}
        record["target"] = "test" if number % 2 else None
        append(path, record)
    return path


def test_last_and_ids(history: Path) -> None:
    assert resolve("last", history).id == "20261125T100004Z-000004"
    assert resolve("last~4", history).id == "20261125T100000Z-000000"
    assert resolve("20261125T100002", history).id == "20261125T100002Z-000002"
    # the image also has an "id"; it never makes a record match
    assert resolve("20261125T100003Z", history).steps_total == 8


def test_a_record_file_and_a_jsonl_file(history: Path) -> None:
    assert resolve(str(RECORDS / "webapp-cold.json"), history).hit_rate == 0.25  # the WORKDIRs
    other = history.with_name("other.jsonl")
    other.write_text(history.read_text())
    assert resolve(str(other), history).id == "20261125T100004Z-000004"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("last~5", r"has 5 build\(s\); 'last~5' needs at least 6"),
        ("2027", "has no build '2027'"),
        ("20261125T10000", "matches 5 builds"),
    ],
)
def test_one_line_errors(history: Path, ref: str, message: str) -> None:
    with pytest.raises(ArxError, match=message):
        resolve(ref, history)


def test_missing_history_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(ArxError, match="no build history at"):
        resolve("last", tmp_path / "none.jsonl")
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text("{not json")
    with pytest.raises(ArxError, match="not a JSON build record"):
        resolve(str(corrupt), tmp_path / "none.jsonl")
    other = tmp_path / "other.json"
    other.write_text('{"schema": "arxdocker.report/v1", "id": "x"}')
    with pytest.raises(ArxError, match=r"is not arxdocker\.record/v1"):
        resolve(str(other), tmp_path / "none.jsonl")


def test_last_counts_damaged_lines_and_refuses_to_name_one(history: Path) -> None:
    with history.open("ab") as handle:
        handle.write(b'{"id": "cut-off-by-a-cra\n\xff\xfe\n')
    with pytest.raises(ArxError) as caught:
        resolve("last", history)
    assert caught.value.message == (
        f"{history}: last is the last line, which is not a build record (damaged or cut off)"
    )
    with pytest.raises(ArxError, match=r"last~1 is line 2 from the end, which is not a build"):
        resolve("last~1", history)
    # the build before the damage is last~2, not last
    assert resolve("last~2", history).id == "20261125T100004Z-000004"
    assert resolve("last~6", history).id == "20261125T100000Z-000000"
    # listing skips them (and says so: see recent's `skipped`)
    assert [view.id[-1] for view in recent(history, target="test")] == ["3", "1"]


def test_reading_backwards_across_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tail, "_BLOCK", 7)  # lines longer than a block, split anywhere
    path = tmp_path / "h.jsonl"
    lines = [json.dumps({"id": f"r{number}", "pad": "x" * number}) for number in range(30)]
    path.write_text("\n".join(lines) + "\n")
    assert [item["id"] for item in tail.newest(path)] == [f"r{n}" for n in reversed(range(30))]


def test_history_path_follows_the_config(tmp_path: Path) -> None:
    assert history_path("x.jsonl", str(tmp_path)) == Path("x.jsonl")
    assert history_path(None, str(tmp_path)) == tmp_path / ".arxdocker/history.jsonl"
    (tmp_path / "arxdocker.toml").write_text('history = "ci/h.jsonl"\n')
    assert history_path(None, str(tmp_path)) == tmp_path / "ci/h.jsonl"


def test_a_line_of_another_schema_is_skipped_by_recent(history: Path) -> None:
    with history.open("a") as handle:
        handle.write('{"schema": "arxdocker.record/v9", "id": "future"}\n')
    skipped: list[str] = []
    assert next(recent(history, skipped=skipped)).id == "20261125T100004Z-000004"
    assert skipped == [f"{history}: schema 'arxdocker.record/v9' is not arxdocker.record/v1"]


@pytest.mark.parametrize(
    "number",
    ["NaN", "Infinity", "-Infinity", "1e999", "9" * 400],
    ids=["nan", "inf", "-inf", "1e999", "400-digits"],
)
def test_a_number_no_arithmetic_can_use_makes_a_line_not_a_record(
    history: Path, number: str
) -> None:
    record = real_record() | {"id": "hand-edited", "duration_s": "N"}
    edited = json.dumps(record).replace('"duration_s": "N"', f'"duration_s": {number}')
    assert f'"duration_s": {number},' in edited
    with history.open("a") as handle:
        handle.write(edited + "\n")
    with pytest.raises(ArxError, match="last is the last line, which is not a build record"):
        resolve("last", history)
    assert resolve("last~1", history).id == "20261125T100004Z-000004"
    assert not tail.with_id_prefix(history, "hand-edited")
    skipped: list[str] = []
    assert next(recent(history, skipped=skipped)).id == "20261125T100004Z-000004"
    assert skipped == [f"{history}: a line that is not a build record was skipped"]
    single = history.with_name("edited.json")
    single.write_text(edited)
    with pytest.raises(ArxError, match=r"edited\.json: not a JSON build record"):
        resolve(str(single), history)


def test_the_history_file_itself_names_its_newest_build(history: Path) -> None:
    assert resolve(str(history), history).id == "20261125T100004Z-000004"
    # another .jsonl history names its newest record too, and a damaged last line is not skipped
    other = history.with_name("other.jsonl")
    other.write_text(history.read_text() + '{"id": "cut-off\n')
    with pytest.raises(ArxError) as caught:
        resolve(str(other), history)
    assert caught.value.message == (
        f"{other}: its last line is not a build record (damaged or cut off)"
    )
    with history.open("a") as handle:
        handle.write('{"id": "cut-off\n')
    with pytest.raises(ArxError, match="last is the last line, which is not a build record"):
        resolve(str(history), history)
