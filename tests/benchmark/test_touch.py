"""The incremental edit changes the bytes every time and is always undone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from arxdocker.benchmark.touch import Touch, touching
from arxdocker.errors import ArxError


def test_each_change_is_new_and_invisible_and_the_file_comes_back(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_bytes(b"<h1>hi</h1>")
    os.utime(path, ns=(1_000_000_000, 2_000_000_000))
    seen = set()
    with touching(path) as touch:
        for _ in range(5):
            touch.change()
            data = path.read_bytes()
            assert data.startswith(b"<h1>hi</h1>\n")
            assert set(data.splitlines()[1]) <= {ord(" "), ord("\t")}
            seen.add(data)
    assert len(seen) == 5
    assert path.read_bytes() == b"<h1>hi</h1>"
    assert path.stat().st_mtime_ns == 2_000_000_000


def test_restored_when_the_benchmark_stops_with_an_error(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text("print('x')\n")
    with pytest.raises(KeyboardInterrupt), touching(path) as touch:
        touch.change()
        raise KeyboardInterrupt
    assert path.read_text() == "print('x')\n"


def test_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ArxError, match="no such file"):
        Touch(tmp_path / "nope.txt")
