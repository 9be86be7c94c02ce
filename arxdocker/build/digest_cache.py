"""Context file digests remembered between builds, as git's index remembers them.

A file whose size, mtime and inode are what they were when it was last hashed is not read again,
so a warm build of a large context pays for `lstat` calls, not for reading every byte. A file
modified in the last few seconds is never remembered (its mtime could change again within the
clock's granularity without a new value). The cache is a JSON file next to the history, one per
context; a missing or unreadable one only means hashing everything, and writes are atomic, so
parallel builds at worst redo each other's work.
"""

# ruff: noqa: PTH115, PTH118, PTH123
# os functions on strings, not pathlib: building 20,000 Path objects costs ~0.3 s on a
# 10,000-file context, more than the cached hashing itself.
from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path

_CHUNK = 1 << 20
_RACY_NS = 3_000_000_000


def file_digest(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class DigestCache:
    """Digests (and `lstat` results) of the files of one context, for one build."""

    def __init__(self, context: Path, path: Path | None = None) -> None:
        self.root = str(context)
        self.path = path
        self.known: dict[str, list[object]] = {}
        self.seen: dict[str, list[object]] = {}
        self._stats: dict[str, os.stat_result] = {}
        if path is not None:
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict) and loaded.get("context") == self.root:
                    files = loaded.get("files")
                    self.known = files if isinstance(files, dict) else {}
            except (OSError, ValueError):
                pass

    @classmethod
    def beside(cls, history: Path | None, context: Path) -> DigestCache:
        """The cache for `context` kept next to `history` (in memory only without a history)."""
        if history is None:
            return cls(context)
        tag = hashlib.sha256(str(context.resolve()).encode()).hexdigest()[:12]
        return cls(context, history.parent / f"digests-{tag}.json")

    def lstat(self, rel: str) -> os.stat_result:
        info = self._stats.get(rel)
        if info is None:
            info = self._stats[rel] = os.lstat(os.path.join(self.root, rel))
        return info

    def content(self, rel: str) -> str:
        """The file's content digest, or `link:TARGET` for a symlink."""
        info = self.lstat(rel)
        full = os.path.join(self.root, rel)
        if stat.S_ISLNK(info.st_mode):
            return "link:" + os.readlink(full)
        key = [info.st_size, info.st_mtime_ns, info.st_ino]
        for table in (self.seen, self.known):
            entry = table.get(rel)
            if isinstance(entry, list) and entry[:3] == key and isinstance(entry[3], str):
                self.seen[rel] = entry
                return entry[3]
        digest = file_digest(full)
        self.seen[rel] = [*key, digest]
        return digest

    def save(self) -> None:
        """Remember this build's digests (only of files not modified in the last seconds)."""
        if self.path is None or not self.seen:
            return
        now = time.time_ns()
        files = {
            rel: entry
            for rel, entry in self.seen.items()
            if isinstance(entry[1], int) and now - entry[1] > _RACY_NS
        }
        if files == self.known:
            return
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps({"context": self.root, "files": files}), "utf-8")
            partial.replace(self.path)
        except OSError:
            partial.unlink(missing_ok=True)
