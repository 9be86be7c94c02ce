"""The build `explain` compares with: the newest older one of the same Dockerfile and target."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from arxdocker.errors import ArxError
from arxdocker.history.baseline import earlier, load


def rec(record_id: str, started: str, dockerfile: str = "/c/Dockerfile", **extra: Any) -> dict:  # type: ignore[type-arg]
    return {
        "schema": "arxdocker.record/v1",
        "id": record_id,
        "started": started,
        "dockerfile": {"path": dockerfile},
        "target": None,
        **extra,
    }


def write(tmp_path: Path, *records: dict) -> Path:  # type: ignore[type-arg]
    path = tmp_path / "history.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_the_history_order_decides_within_one_second(tmp_path: Path) -> None:
    # two builds in the same second: the later one's random id sorts first
    first = rec("20261125T100000Z-ffffff", "2026-11-25T10:00:00.100Z")
    second = rec("20261125T100000Z-000000", "2026-11-25T10:00:00.900Z")
    path = write(tmp_path, first, second)
    assert earlier(load("last", path), path)["id"] == first["id"]


def test_other_dockerfiles_and_targets_are_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        rec("20261125T100000Z-000001", "2026-11-25T10:00:00.000Z"),
        rec("20261125T100001Z-000002", "2026-11-25T10:00:01.000Z", dockerfile="/other"),
        rec("20261125T100002Z-000003", "2026-11-25T10:00:02.000Z", target="test"),
        rec("20261125T100003Z-000004", "2026-11-25T10:00:03.000Z"),
    )
    assert earlier(load("last", path), path)["id"] == "20261125T100000Z-000001"
    with pytest.raises(ArxError, match="no build of /c/Dockerfile older than"):
        earlier(load("last~3", path), path)


def test_a_record_file_outside_the_history_is_placed_by_its_start(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        rec("20261125T100000Z-000001", "2026-11-25T10:00:00.000Z"),
        rec("20261125T100009Z-000009", "2026-11-25T10:00:09.000Z"),
    )
    loose = tmp_path / "build.json"
    loose.write_text(json.dumps(rec("20261125T100005Z-000005", "2026-11-25T10:00:05.000Z")))
    after = load(str(loose), path)
    assert after["id"] == "20261125T100005Z-000005"
    assert earlier(after, path)["id"] == "20261125T100000Z-000001"
