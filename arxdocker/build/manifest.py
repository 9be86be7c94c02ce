"""Context manifests: per COPY/ADD, a content hash of the context files it reads.

Two builds whose manifests agree sent the same bytes for that instruction; when a COPY missed the
cache anyway, something else changed (its parent layer, flags, or the instruction). Files the
`.dockerignore` excludes are left out, as the builder never sees them.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arxdocker.build.digest_cache import DigestCache
from arxdocker.build.dockerfile_copies import ContextCopy
from arxdocker.build.dockerignore import DockerIgnore

# Per-file hashes let `explain` name the files that changed; past this many files a manifest keeps
# only its total hash, so a huge context cannot bloat every history line.
MAX_ENTRIES = 20_000


@dataclass(frozen=True, slots=True)
class CopyManifest:
    line: int
    stage: str | None
    instruction: str
    sources: tuple[str, ...]
    files: int
    bytes: int
    sha256: str
    # path -> short hash of its mode and content (None past MAX_ENTRIES files)
    entries: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        extra = {} if self.entries is None else {"entries": self.entries}
        return {
            "line": self.line,
            "stage": self.stage,
            "instruction": self.instruction,
            "sources": list(self.sources),
            "files": self.files,
            "bytes": self.bytes,
            "sha256": self.sha256,
            **extra,
        }


def _expand(context: Path, ignore: DockerIgnore, source: str) -> list[str]:
    clean = os.path.normpath(source).lstrip("/").replace(os.sep, "/")
    clean = "" if clean == "." else clean
    if any(char in clean for char in "*?["):
        top = clean.split("/")[0]
        candidates = ignore.walk(context)
        matched = [
            rel
            for rel in candidates
            if fnmatch.fnmatchcase(rel, clean)
            or any(
                fnmatch.fnmatchcase("/".join(rel.split("/")[:n]), clean)
                for n in range(1, rel.count("/") + 1)
            )
        ]
        return matched if top else candidates
    if not (context / clean).exists():
        return []
    return ignore.walk(context, clean)


def manifest(
    context: Path, copy: ContextCopy, ignore: DockerIgnore, cache: DigestCache | None = None
) -> CopyManifest:
    """Hash the sorted (path, mode, content) of every file the COPY/ADD reads."""
    cache = cache or DigestCache(context)
    files: dict[str, None] = {}
    for source in copy.sources:
        for rel in _expand(context, ignore, source):
            files[rel] = None
    digest = hashlib.sha256()
    total = 0
    entries: dict[str, str] = {}
    for rel in sorted(files):
        try:
            info = cache.lstat(rel)
            content = cache.content(rel)
        except OSError:
            continue
        total += info.st_size
        line = f"{rel}\0{info.st_mode & 0o777:o}\0{content}\n".encode()
        digest.update(line)
        entries[rel] = hashlib.sha256(line).hexdigest()[:16]
    return CopyManifest(
        copy.line,
        copy.stage,
        copy.instruction,
        copy.sources,
        len(files),
        total,
        "sha256:" + digest.hexdigest(),
        entries if len(entries) <= MAX_ENTRIES else None,
    )


def context_size(
    context: Path, ignore: DockerIgnore, cache: DigestCache | None = None
) -> tuple[int, int]:
    """Files and bytes the builder receives for this context."""
    cache = cache or DigestCache(context)
    files = ignore.walk(context)
    total = 0
    for rel in files:
        try:
            total += cache.lstat(rel).st_size
        except OSError:
            continue
    return len(files), total
