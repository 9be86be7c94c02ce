"""The fresh local cache is swapped into place only after a successful build."""

from __future__ import annotations

from pathlib import Path

from arxdocker.build.cachespec import LocalSwap
from arxdocker.build.localcache import commit, discard, folder_size


def _folder(path: Path, content: str) -> None:
    path.mkdir(parents=True)
    (path / "index.json").write_text(content)


def test_commit_replaces_the_old_cache_and_removes_it(tmp_path: Path) -> None:
    final, staging = tmp_path / "cache", tmp_path / "cache.new"
    _folder(final, "old" * 100)
    _folder(staging, "new")
    commit(LocalSwap(str(final), str(staging)))
    assert (final / "index.json").read_text() == "new"
    assert not staging.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]
    assert folder_size(str(final)) == 3


def test_first_commit_moves_the_folder(tmp_path: Path) -> None:
    final, staging = tmp_path / "cache", tmp_path / "cache.new"
    _folder(staging, "new")
    commit(LocalSwap(str(final), str(staging)))
    assert (final / "index.json").read_text() == "new"


def test_nothing_exported_keeps_the_old_cache(tmp_path: Path) -> None:
    final = tmp_path / "cache"
    _folder(final, "old")
    commit(LocalSwap(str(final), str(tmp_path / "missing")))
    assert (final / "index.json").read_text() == "old"


def test_discard_drops_the_staging_folder(tmp_path: Path) -> None:
    staging = tmp_path / "cache.new"
    _folder(staging, "new")
    discard(LocalSwap(str(tmp_path / "cache"), str(staging)))
    assert not staging.exists()
