"""What a prune removes, by BuildKit's rules, and the buildx arguments that ask for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxdocker.analysis.cache_prune import (
    PruneRequest,
    buildx_args,
    parse_bytes,
    parse_duration,
    select,
)
from arxdocker.engine.du_text import CacheRecord, parse_du_verbose
from arxdocker.errors import ArxError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "buildcache"


def captured() -> list[CacheRecord]:
    return parse_du_verbose((FIXTURES / "du-verbose.txt").read_text())[0]


def rec(rid: str, kind: str = "regular", size: int = 10, **kw: object) -> CacheRecord:
    fields: dict = {"reclaimable": True, "shared": False, **kw}
    return CacheRecord(rid, kind, size, fields.pop("reclaimable"), fields.pop("shared"), **fields)


def ids(records: list[CacheRecord]) -> list[str]:
    return [r.id for r in records]


def test_type_filter_takes_only_cache_mounts() -> None:
    removed = select(captured(), PruneRequest(type="exec.cachemount"))
    assert ids(removed) == ["rjhrl7uf0zefzflz8v5029s87"]


def test_without_all_records_shared_with_images_stay() -> None:
    removed = select(captured(), PruneRequest())
    assert {r.type for r in removed} == {"exec.cachemount", "source.local"}
    assert not any(r.shared for r in removed)
    assert len(select(captured(), PruneRequest(all=True))) == 8


def test_children_go_before_parents_and_held_parents_stay() -> None:
    records = [
        rec("base"),
        rec("mid", parents=("base",)),
        rec("top", parents=("mid",)),
        rec("used", reclaimable=False, parents=("base2",)),
        rec("base2"),
    ]
    assert ids(select(records, PruneRequest())) == ["top", "mid", "base"]


def test_internal_and_frontend_only_with_all() -> None:
    records = [rec("i", "internal"), rec("f", "frontend"), rec("r")]
    assert ids(select(records, PruneRequest())) == ["r"]
    assert ids(select(records, PruneRequest(all=True))) == ["i", "f", "r"]


def test_older_than_keeps_recent_use() -> None:
    records = [rec("old", last_used_s=9 * 86400), rec("new", last_used_s=3600), rec("never")]
    assert ids(select(records, PruneRequest(older_than_s=7 * 86400))) == ["old", "never"]


def test_keep_storage_removes_least_used_until_below() -> None:
    records = [
        rec("hot", size=40, last_used_s=10, usage_count=9),
        rec("cold", size=40, last_used_s=9000, usage_count=1),
        rec("warm", size=40, last_used_s=600, usage_count=3),
    ]
    assert ids(select(records, PruneRequest(keep_storage=100))) == ["cold"]
    assert ids(select(records, PruneRequest(keep_storage=60))) == ["cold", "warm"]
    assert select(records, PruneRequest(keep_storage=500)) == []


def test_buildx_args() -> None:
    request = PruneRequest(all=True, older_than_s=604800, keep_storage=1024, type="regular")
    assert buildx_args(request) == [
        "--force",
        "--all",
        "--filter",
        "until=604800s",
        "--filter",
        "type=regular",
        "--keep-storage",
        "1024",
    ]
    assert buildx_args(PruneRequest()) == ["--force"]


@pytest.mark.parametrize(
    ("text", "seconds"), [("7d", 604800), ("12h", 43200), ("30m", 1800), ("1d12h", 129600)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(("text", "size"), [("10GB", 10 * 2**30), ("500mb", 500 * 2**20)])
def test_sizes_are_binary_as_in_docker(text: str, size: int) -> None:
    assert parse_bytes(text) == size


@pytest.mark.parametrize("text", ["7", "week", "7d3", "-1d"])
def test_bad_durations_are_one_line_errors(text: str) -> None:
    with pytest.raises(ArxError, match="is not a duration"):
        parse_duration(text)


def test_bad_size() -> None:
    with pytest.raises(ArxError, match="is not a size"):
        parse_bytes("lots")
