"""Build cache grouped by type and by cache mount id."""

from __future__ import annotations

from pathlib import Path

from arxdocker.analysis.cache_usage import summarize
from arxdocker.engine.du_text import CacheRecord, parse_du_verbose

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "buildcache"


def test_the_captured_cache_by_type() -> None:
    records, _ = parse_du_verbose((FIXTURES / "du-verbose.txt").read_text())
    usage = summarize(records)
    assert [(t.type, t.records, t.size) for t in usage.types] == [
        ("regular", 4, 5_428_899),
        ("source.local", 3, 20_480),
        ("exec.cachemount", 1, 3_150_000),
    ]
    assert usage.size == sum(r.size for r in records) and usage.records == 8
    assert usage.reclaimable == usage.size
    assert usage.shared == 5_428_899
    assert [(m.id, m.size) for m in usage.mounts] == [("/mycache", 3_150_000)]


def test_mounts_by_id_and_unknown_types_last() -> None:
    def mount(rid: str, mid: str, size: int, age: int) -> CacheRecord:
        description = f'cached mount /root/.cache from exec pip install with id "{mid}"'
        return CacheRecord(
            rid, "exec.cachemount", size, True, False, description=description, last_used_s=age
        )

    records = [
        mount("a", "/pip", 10, 300),
        mount("b", "/pip", 5, 30),
        mount("c", "/apt", 100, 9),
        CacheRecord("d", "brand.new", 1, False, False),
        CacheRecord("e", "frontend", 2, True, False),
    ]
    usage = summarize(records)
    assert [t.type for t in usage.types] == ["exec.cachemount", "frontend", "brand.new"]
    assert [(m.id, m.records, m.size, m.last_used_s) for m in usage.mounts] == [
        ("/apt", 1, 100, 9),
        ("/pip", 2, 15, 30),
    ]
    assert usage.reclaimable == 117
