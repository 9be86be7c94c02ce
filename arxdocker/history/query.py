"""Pick records from the history: `last`, `last~N` (N builds before the last), or an id prefix."""

from __future__ import annotations

import re
from typing import Any

from arxdocker.errors import ArxError

_LAST = re.compile(r"last(?:~(\d+))?\Z")


def select(records: list[dict[str, Any]], query: str, *, source: str = "history") -> dict[str, Any]:
    """The one record `query` names; a one-line ArxError when none or several match."""
    match = _LAST.match(query.strip())
    if match:
        back = int(match.group(1) or 0)
        if back >= len(records):
            raise ArxError(
                f"{source} has {len(records)} build(s); {query!r} needs at least {back + 1}",
                hint="run `arxdocker build` first, or pick an older build with last~N",
            )
        return records[-1 - back]
    found = [record for record in records if str(record.get("id", "")).startswith(query)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise ArxError(f"{source} has no build {query!r}", hint="use last, last~N or a build id")
    raise ArxError(f"{query!r} matches {len(found)} builds in {source}", hint="give more of the id")
