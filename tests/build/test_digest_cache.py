"""Context digests reused between builds while a file's size, mtime and inode stay the same."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from arxdocker.build import digest_cache
from arxdocker.build.digest_cache import DigestCache

HOUR_AGO = time.time() - 3600


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files actually read, in order."""
    seen: list[str] = []
    real = digest_cache.file_digest

    def counting(path: str | Path) -> str:
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(digest_cache, "file_digest", counting)
    return seen


def context(tmp_path: Path) -> Path:
    root = tmp_path / "ctx"
    root.mkdir()
    for name in ("a.txt", "b.txt"):
        (root / name).write_text(name)
        os.utime(root / name, (HOUR_AGO, HOUR_AGO))
    return root


def test_an_unchanged_file_is_not_read_again(tmp_path: Path, reads: list[str]) -> None:
    root, history = context(tmp_path), tmp_path / "h" / "history.jsonl"
    first = DigestCache.beside(history, root)
    digests = {name: first.content(name) for name in ("a.txt", "b.txt")}
    first.content("a.txt")  # within one build, once
    first.save()
    assert reads == ["a.txt", "b.txt"]
    (root / "b.txt").write_text("B!")
    os.utime(root / "b.txt", (HOUR_AGO, HOUR_AGO + 5))
    second = DigestCache.beside(history, root)
    assert second.content("a.txt") == digests["a.txt"]
    assert second.content("b.txt") != digests["b.txt"]
    assert reads == ["a.txt", "b.txt", "b.txt"]


def test_a_just_modified_file_is_not_remembered(tmp_path: Path, reads: list[str]) -> None:
    root, history = context(tmp_path), tmp_path / "history.jsonl"
    (root / "new.txt").write_text("fresh")
    cache = DigestCache.beside(history, root)
    for name in ("a.txt", "new.txt"):
        cache.content(name)
    cache.save()
    (saved,) = history.parent.glob("digests-*.json")
    assert list(json.loads(saved.read_text())["files"]) == ["a.txt"]


def test_another_context_or_a_corrupt_cache_means_hashing(tmp_path: Path, reads: list[str]) -> None:
    root, history = context(tmp_path), tmp_path / "history.jsonl"
    cache = DigestCache.beside(history, root)
    cache.content("a.txt")
    cache.save()
    (saved,) = history.parent.glob("digests-*.json")
    other = DigestCache(tmp_path, saved)  # same file, another context root
    assert other.known == {}
    saved.write_text("{not json")
    assert DigestCache.beside(history, root).known == {}
    assert DigestCache(root).content("a.txt") == DigestCache.beside(None, root).content("a.txt")
