"""What `arxdocker cache prune` removed (or would remove), and what `clean-local` removed."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from arxdocker.build.localcache_clean import CleanPlan
from arxdocker.engine.du_text import CacheRecord
from arxdocker.render.cache_du import ago, size


class PruneResult:
    """One row per removed record, then the space freed."""

    def __init__(self, removed: Sequence[CacheRecord], dry_run: bool) -> None:
        self.removed = removed
        self.dry_run = dry_run

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        verb = "would remove" if self.dry_run else "removed"
        if not self.removed:
            yield Text(f"nothing to remove{' (dry run)' if self.dry_run else ''}")
            return
        rows = sorted(self.removed, key=lambda r: -r.size)
        widths = {
            "id": 12,
            "type": max(len(r.type) for r in rows),
            "size": max(len(size(r.size)) for r in rows),
            "last used": max(len(ago(r.last_used_s)) for r in rows),
        }
        room = max(12, options.max_width - sum(widths.values()) - 2 * len(widths))
        table = Table(box=None, pad_edge=False, header_style="arx.heading", padding=(0, 2, 0, 0))
        for name in widths:
            table.add_column(name, no_wrap=True, justify="right" if name == "size" else "left")
        table.add_column("description", no_wrap=True)
        for record in rows:
            description = Text(record.description or "-")
            description.truncate(room, overflow="ellipsis")
            table.add_row(
                record.id[:12],
                record.type,
                size(record.size),
                ago(record.last_used_s),
                description,
            )
        yield table
        freed = sum(record.size for record in self.removed)
        yield Text(
            f"{verb} {len(self.removed)} records, {size(freed)} freed"
            if not self.dry_run
            else f"{verb} {len(self.removed)} records, {size(freed)} (dry run: nothing removed)",
            style="arx.heading",
        )


def clean_text(plan: CleanPlan, dry_run: bool) -> str:
    verb = "would remove" if dry_run else "removed"
    return (
        f"{plan.folder}: {verb} {len(plan.unreferenced)} unreferenced blobs, "
        f"{size(plan.unreferenced_bytes)}; kept {len(plan.kept)} blobs, {size(plan.kept_bytes)}"
    )
