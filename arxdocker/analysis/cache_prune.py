"""What `docker buildx prune` removes, decided from du records with BuildKit's own rules.

buildx has no dry run, so `arxdocker cache prune --dry-run` replays BuildKit's cache manager
(`cache/manager.go`, `prune`) over the records of `docker buildx du --verbose`:

- a record still referenced (in use, or the parent of a record that stays) is kept; removing a
  child frees its parent for the next round, as BuildKit loops until a round removes nothing;
- without --all, `internal` and `frontend` records and records shared with an image are kept;
- `until` (--older-than) keeps records used more recently than the cut-off;
- `type=T` keeps records of other types;
- `--keep-storage` removes one record a round, least recently and least often used first, until
  the private (unshared) cache is smaller than the limit.

Pure functions only; `buildx_args` spells the same request for buildx.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arxdocker.engine.du_text import CacheRecord
from arxdocker.errors import ArxError

_DURATION_UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION = re.compile(r"(\d+)([wdhms])")
_BYTES = re.compile(r"^(\d+(?:\.\d+)?)\s*([kmgtp])?i?b?$", re.IGNORECASE)
_BINARY = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "p": 2**50}
KEPT_WITHOUT_ALL = frozenset({"internal", "frontend"})


@dataclass(frozen=True, slots=True)
class PruneRequest:
    all: bool = False
    older_than_s: int | None = None
    keep_storage: int | None = None  # bytes
    type: str | None = None


def parse_duration(text: str) -> int:
    """`7d` -> 604800 seconds; units w, d, h, m, s, combinable (`1d12h`)."""
    compact = text.strip().lower()
    parts = _DURATION.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise ArxError(
            f"--older-than {text!r} is not a duration", hint="write it like 7d, 12h, 30m or 1d12h"
        )
    return sum(int(number) * _DURATION_UNITS[unit] for number, unit in parts)


def parse_bytes(text: str) -> int:
    """`10GB` -> 10 GiB, read as docker reads `--keep-storage` (go-units RAMInBytes: binary)."""
    match = _BYTES.match(text.strip())
    if not match:
        raise ArxError(
            f"--keep-storage {text!r} is not a size", hint="write it like 10GB, 500MB or 2g"
        )
    return int(float(match.group(1)) * _BINARY[(match.group(2) or "").lower()])


def buildx_args(request: PruneRequest) -> list[str]:
    """`docker buildx prune` arguments for `request` (always --force: arxdocker does not ask)."""
    args = ["--force"]
    if request.all:
        args.append("--all")
    if request.older_than_s is not None:
        args += ["--filter", f"until={request.older_than_s}s"]
    if request.type:
        args += ["--filter", f"type={request.type}"]
    if request.keep_storage is not None:
        args += ["--keep-storage", str(request.keep_storage)]
    return args


def _eligible(record: CacheRecord, request: PruneRequest, held: set[str]) -> bool:
    if not record.reclaimable or record.id in held:
        return False
    if not request.all and (record.type in KEPT_WITHOUT_ALL or record.shared):
        return False
    if request.older_than_s is not None and (
        record.last_used_s is not None and record.last_used_s < request.older_than_s
    ):
        return False
    return request.type is None or record.type == request.type


def _gc_order(candidates: list[CacheRecord]) -> list[CacheRecord]:
    """BuildKit's sortDeleteRecords: ranks of last use and of usage count, summed."""
    by_age = sorted(candidates, key=lambda r: -(r.last_used_s or 0))
    age_rank: dict[str, int] = {}
    rank, newest = 0, None
    for record in by_age:
        if record.last_used_s is not None and (newest is None or record.last_used_s < newest):
            newest = record.last_used_s
            rank += 1
        age_rank[record.id] = rank
    count_rank: dict[str, int] = {}
    rank, count = 0, 0
    for record in sorted(candidates, key=lambda r: r.usage_count):
        if record.usage_count != count:
            count, rank = record.usage_count, rank + 1
        count_rank[record.id] = rank
    top_age, top_count = max(age_rank.values()) or 1, max(count_rank.values()) or 1
    return sorted(candidates, key=lambda r: age_rank[r.id] / top_age + count_rank[r.id] / top_count)


def select(records: list[CacheRecord], request: PruneRequest) -> list[CacheRecord]:
    """The records a prune with `request` removes, in the order BuildKit removes them."""
    remaining = {record.id: record for record in records}
    private = sum(r.size for r in records if not r.shared)
    removed: list[CacheRecord] = []
    while True:
        if request.keep_storage is not None and private < request.keep_storage:
            break
        held = {parent for record in remaining.values() for parent in record.parents}
        candidates = [r for r in remaining.values() if _eligible(r, request, held)]
        if not candidates:
            break
        if request.keep_storage is not None:
            candidates = _gc_order(candidates)[:1]
        for record in candidates:
            del remaining[record.id]
            removed.append(record)
            private -= 0 if record.shared else record.size
    return removed
