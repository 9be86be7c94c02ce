"""`arxdocker cache du`: build cache by record type, then the cache mounts by id; and its JSON."""

from __future__ import annotations

from typing import Any

import humanize
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from arxdocker.analysis.cache_usage import CacheUsage

SCHEMA = "arxdocker.cache-du/v1"


def size(value: int) -> str:
    return humanize.naturalsize(value)


def ago(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    return "just now" if seconds < 1 else f"{humanize.naturaldelta(seconds)} ago"


def _table() -> Table:
    return Table(box=None, pad_edge=False, header_style="arx.heading", padding=(0, 2, 0, 0))


class CacheDuTable:
    def __init__(self, usage: CacheUsage, builder: str | None = None) -> None:
        self.usage = usage
        self.builder = builder

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        usage = self.usage
        table = _table()
        for name, justify in (
            ("type", "left"),
            ("records", "right"),
            ("size", "right"),
            ("reclaimable", "right"),
            ("last used", "left"),
        ):
            table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
        for row in usage.types:
            table.add_row(
                row.type,
                str(row.records),
                size(row.size),
                size(row.reclaimable),
                ago(row.last_used_s),
            )
        table.add_row(
            Text("total", style="arx.heading"),
            str(usage.records),
            size(usage.size),
            size(usage.reclaimable),
            "",
        )
        yield Text(f"build cache of builder {self.builder or '(selected)'}", style="arx.heading")
        yield table
        if usage.mounts:
            yield Text("")
            mounts = _table()
            for name, justify in (
                ("cache mount id", "left"),
                ("size", "right"),
                ("last used", "left"),
            ):
                mounts.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
            for mount in usage.mounts:
                mounts.add_row(Text(mount.id), size(mount.size), ago(mount.last_used_s))
            yield mounts
        if usage.shared:
            yield Text(
                f"{size(usage.shared)} is shared with images: "
                "only `arxdocker cache prune --all` frees it",
                style="arx.dim",
            )


def du_dict(usage: CacheUsage, builder: str | None) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "builder": builder,
        "total": {
            "records": usage.records,
            "size_bytes": usage.size,
            "reclaimable_bytes": usage.reclaimable,
            "shared_bytes": usage.shared,
        },
        "types": [
            {
                "type": t.type,
                "records": t.records,
                "size_bytes": t.size,
                "reclaimable_bytes": t.reclaimable,
                "shared_bytes": t.shared,
                "last_used_s_ago": t.last_used_s,
            }
            for t in usage.types
        ],
        "cache_mounts": [
            {
                "id": m.id,
                "records": m.records,
                "size_bytes": m.size,
                "last_used_s_ago": m.last_used_s,
            }
            for m in usage.mounts
        ],
    }
