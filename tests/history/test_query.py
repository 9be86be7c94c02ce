"""`last`, `last~N` and id prefixes."""

from __future__ import annotations

import pytest

from arxdocker.errors import ArxError
from arxdocker.history.query import select

RECORDS = [{"id": "20261125T100000Z-aaaaaa"}, {"id": "20261125T110000Z-bbbbbb"},
           {"id": "20261125T120000Z-cccccc"}]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "index"),
    [("last", 2), ("last~0", 2), ("last~1", 1), ("last~2", 0), ("20261125T11", 1)],
)
def test_select(query: str, index: int) -> None:
    assert select(RECORDS, query) is RECORDS[index]


@pytest.mark.parametrize(
    ("query", "message"),
    [("last~3", r"has 3 build\(s\)"), ("2027", "no build"), ("20261125T", "matches 3 builds")],
)
def test_errors_are_one_line(query: str, message: str) -> None:
    with pytest.raises(ArxError, match=message):
        select(RECORDS, query)
