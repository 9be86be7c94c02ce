"""Build-cache disk use by record type, and the cache mounts by id. Pure functions over records."""

from __future__ import annotations

from dataclasses import dataclass

from arxdocker.engine.du_text import CacheRecord

# The order buildx's record types are shown in; unknown types follow, by name.
TYPE_ORDER = (
    "regular",
    "source.local",
    "source.git.checkout",
    "exec.cachemount",
    "frontend",
    "internal",
)


@dataclass(frozen=True, slots=True)
class TypeUsage:
    type: str
    records: int
    size: int
    reclaimable: int
    shared: int
    last_used_s: int | None  # the most recent use among its records, seconds ago


@dataclass(frozen=True, slots=True)
class MountUsage:
    id: str
    records: int
    size: int
    last_used_s: int | None


@dataclass(frozen=True, slots=True)
class CacheUsage:
    types: tuple[TypeUsage, ...]
    mounts: tuple[MountUsage, ...]
    records: int
    size: int
    reclaimable: int
    shared: int


def _latest(records: list[CacheRecord]) -> int | None:
    ages = [r.last_used_s for r in records if r.last_used_s is not None]
    return min(ages) if ages else None


def _type_key(name: str) -> tuple[int, str]:
    return (TYPE_ORDER.index(name), "") if name in TYPE_ORDER else (len(TYPE_ORDER), name)


def summarize(records: list[CacheRecord]) -> CacheUsage:
    by_type: dict[str, list[CacheRecord]] = {}
    by_mount: dict[str, list[CacheRecord]] = {}
    for record in records:
        by_type.setdefault(record.type, []).append(record)
        if record.type == "exec.cachemount":
            by_mount.setdefault(record.mount_id or "(no id)", []).append(record)
    types = tuple(
        TypeUsage(
            type=name,
            records=len(group),
            size=sum(r.size for r in group),
            reclaimable=sum(r.size for r in group if r.reclaimable),
            shared=sum(r.size for r in group if r.shared),
            last_used_s=_latest(group),
        )
        for name, group in sorted(by_type.items(), key=lambda item: _type_key(item[0]))
    )
    mounts = tuple(
        sorted(
            (
                MountUsage(mount, len(group), sum(r.size for r in group), _latest(group))
                for mount, group in by_mount.items()
            ),
            key=lambda m: (-m.size, m.id),
        )
    )
    return CacheUsage(
        types=types,
        mounts=mounts,
        records=len(records),
        size=sum(t.size for t in types),
        reclaimable=sum(t.reclaimable for t in types),
        shared=sum(t.shared for t in types),
    )
