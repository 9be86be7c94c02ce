"""`docker buildx du --verbose` text, as buildx 0.13.1 printed it (tests/fixtures/buildcache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxdocker.engine.du_text import parse_age, parse_du_total, parse_du_verbose, parse_size

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "buildcache"


def test_the_captured_records() -> None:
    records, totals = parse_du_verbose((FIXTURES / "du-verbose.txt").read_text())
    assert len(records) == 8
    by_id = {r.id: r for r in records}
    mount = by_id["rjhrl7uf0zefzflz8v5029s87"]
    assert (mount.type, mount.size, mount.shared, mount.mutable) == (
        "exec.cachemount",
        3_150_000,
        False,
        True,
    )
    assert mount.mount_id == "/mycache"
    copy = by_id["zlblvcnnclvmalzp9p2ev37kk"]
    assert copy.parents == ("465evrljziwqfdr2x1qdww8nx",)
    assert copy.description == "[stage-0 3/4] COPY a.txt /a.txt"
    assert copy.last_used_s == 60 and copy.usage_count == 1
    assert copy.created is not None and copy.created.isoformat().startswith("2026-11-25T21:29:05")
    assert [r.type for r in records].count("source.local") == 3
    assert totals.get("Total") == 8_599_000 and totals.get("Shared") == 5_429_000


def test_sum_of_records_matches_buildx_totals_within_rounding() -> None:
    records, _ = parse_du_verbose((FIXTURES / "du-verbose.txt").read_text())
    total = parse_du_total((FIXTURES / "du.txt").read_text())
    assert total == 8_599_000
    assert abs(sum(r.size for r in records) - total) / total < 0.001  # exact: 8,599,426


def test_several_parents_and_a_record_without_last_use() -> None:
    text = (
        "ID:\t\tabc\nParents:\n\t- p1\n\t- p2\nCreated at:\t2026-01-02 03:04:05 +0000 UTC\n"
        "Mutable:\tfalse\nReclaimable:\tfalse\nShared:\tfalse\nSize:\t0B\n"
        "Usage count:\t0\nType:\t\tfrontend\n\nTotal:\t\t0B\n"
    )
    (record,), totals = parse_du_verbose(text)
    assert record.parents == ("p1", "p2")
    assert record.last_used_s is None and not record.reclaimable
    assert record.type == "frontend" and record.mount_id is None
    assert totals.get("Total") == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0B", 0), ("100B", 100), ("4.096kB", 4096), ("1.197MB", 1_197_000), ("2.5GB", 2.5e9)],
)
def test_sizes(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Less than a second ago", 0),
        ("1 second ago", 1),
        ("42 seconds ago", 42),
        ("About a minute ago", 60),
        ("17 minutes ago", 1020),
        ("About an hour ago", 3600),
        ("30 hours ago", 108_000),
        ("9 days ago", 777_600),
        ("3 weeks ago", 1_814_400),
        ("4 months ago", 10_368_000),
        ("soon", None),
    ],
)
def test_ages(text: str, expected: int | None) -> None:
    assert parse_age(text) == expected
