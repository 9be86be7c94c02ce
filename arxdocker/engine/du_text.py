"""Build-cache records read from `docker buildx du --verbose` text.

buildx 0.13 has no `du --format`, so its verbose text is the one machine-readable account of the
*selected builder's* cache (any driver: docker, docker-container, remote), the same builder that
`docker buildx prune` acts on. The docker SDK's `df()["BuildCache"]` has exact bytes and times but
sees only dockerd's own builder, so arxdocker reads the text:

- sizes are go-units `HumanSize` (`%.4g` + decimal unit): at most 0.05 % off per record;
- "Last used" is go-units `HumanDuration` ("3 hours ago"); it is read back as seconds, exact below
  a minute, to the hour below two days, to the day below two weeks.

Pure functions only: text in, frozen dataclasses out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

# go-units' decimal units, as HumanSize prints them.
_SIZE_UNITS = {"B": 1, "kB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "PB": 10**15}
_SIZE = re.compile(r"^([0-9.]+)\s*([kMGTP]?B)$")
_AGE_UNITS = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,
    "year": 365 * 86400,
}
_AGE = re.compile(r"^(\d+|an?|About an?)\s+(second|minute|hour|day|week|month|year)s?\s+ago$")
_MOUNT_ID = re.compile(r'with id "([^"]*)"\s*$')


@dataclass(frozen=True, slots=True)
class CacheRecord:
    """One build-cache record of the builder."""

    id: str
    type: str
    size: int
    reclaimable: bool  # buildx's word for "not in use"
    shared: bool  # shared with an image (not freed by a prune without --all)
    mutable: bool = False
    parents: tuple[str, ...] = ()
    description: str = ""
    created: datetime | None = None
    usage_count: int = 0
    last_used_s: int | None = None  # seconds ago, as read back from "Last used"
    last_used_text: str = ""

    @property
    def mount_id(self) -> str | None:
        """The `id` of an exec.cachemount record (`RUN --mount=type=cache,id=...`)."""
        if self.type != "exec.cachemount":
            return None
        match = _MOUNT_ID.search(self.description)
        return match.group(1) if match else None


@dataclass(frozen=True, slots=True)
class DuTotals:
    """buildx's own closing lines: Shared, Private, Reclaimable, Total (bytes)."""

    values: dict[str, int] = field(default_factory=dict)

    def get(self, name: str) -> int | None:
        return self.values.get(name)


def parse_size(text: str) -> int:
    """`4.203MB` -> 4203000; `0B` -> 0. Raises ValueError for anything else."""
    match = _SIZE.match(text.strip().rstrip("*"))
    if not match:
        raise ValueError(f"not a size: {text!r}")
    return round(float(match.group(1)) * _SIZE_UNITS[match.group(2)])


def parse_age(text: str) -> int | None:
    """`Less than a second ago` -> 0, `3 hours ago` -> 10800, `About a minute ago` -> 60."""
    text = text.strip()
    if text.startswith("Less than a second"):
        return 0
    match = _AGE.match(text)
    if not match:
        return None
    count = match.group(1)
    number = int(count) if count.isdigit() else 1
    return number * _AGE_UNITS[match.group(2)]


def _created(text: str) -> datetime | None:
    # "2026-11-25 21:29:06.097403753 +0000 UTC": Go's time.String(); keep microseconds.
    match = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(\.\d+)? ([+-]\d{4})", text.strip())
    if not match:
        return None
    fraction = (match.group(2) or ".0")[:7]
    return datetime.strptime(
        f"{match.group(1)}{fraction} {match.group(3)}", "%Y-%m-%d %H:%M:%S.%f %z"
    )


def _record(fields: dict[str, str], parents: list[str]) -> CacheRecord:
    return CacheRecord(
        id=fields["ID"],
        type=fields.get("Type", "regular") or "regular",
        size=parse_size(fields.get("Size", "0B")),
        reclaimable=fields.get("Reclaimable", "true") == "true",
        shared=fields.get("Shared", "false") == "true",
        mutable=fields.get("Mutable", "false") == "true",
        parents=tuple(parents),
        description=fields.get("Description", ""),
        created=_created(fields.get("Created at", "")),
        usage_count=int(fields.get("Usage count", "0") or 0),
        last_used_s=parse_age(fields.get("Last used", "")),
        last_used_text=fields.get("Last used", ""),
    )


def parse_du_verbose(text: str) -> tuple[list[CacheRecord], DuTotals]:
    """The records and totals of `docker buildx du --verbose` (blank lines separate records)."""
    records: list[CacheRecord] = []
    totals: dict[str, int] = {}
    fields: dict[str, str] = {}
    parents: list[str] = []
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if "ID" in fields:
                records.append(_record(fields, parents))
            elif fields:
                for name, value in fields.items():
                    totals[name] = parse_size(value)
            fields, parents = {}, []
            continue
        stripped = line.strip()
        if stripped.startswith("- ") and line[:1].isspace():  # an item under "Parents:"
            parents.append(stripped[2:].strip())
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key in ("Parent",) and value:
            parents.append(value)
        elif key != "Parents":
            fields[key] = value
    return records, DuTotals(totals)


def parse_du_total(text: str) -> int | None:
    """The `Total:` line of plain `docker buildx du`, in bytes."""
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() == "Total":
            return parse_size(value)
    return None
