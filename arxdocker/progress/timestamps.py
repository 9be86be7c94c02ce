"""Fast RFC 3339 timestamps, as Go's time.Time marshals them (nanoseconds, `Z` or an offset)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}):(\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})\Z", re.IGNORECASE
)


# Minutes already seen in UTC timestamps, for the fast path.
_UTC_MINUTES: dict[str, float] = {}


@lru_cache(maxsize=256)
def _minute_epoch(minute: str, offset: str) -> float:
    moment = datetime.fromisoformat(minute.replace(" ", "T")).replace(tzinfo=UTC)
    if offset.upper() != "Z":
        sign = 1 if offset[0] == "+" else -1
        moment -= sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    return moment.timestamp()


def parse_timestamp(value: object) -> float | None:
    """Epoch seconds from `2024-01-02T03:04:05.123456789Z`; None when absent or Go's zero time.

    Most timestamps of one build share their minute, so the calendar work is cached per minute and
    only the seconds are parsed each time.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("timestamps must be strings")
    # Fast path for BuildKit's usual UTC form: 2024-01-02T03:04:05.123456789Z
    if value[-1:] == "Z" and value[16:17] == ":" and value[19:20] in (".", "Z"):
        epoch = _UTC_MINUTES.get(value[:16])
        if epoch is not None:
            try:
                return epoch + float(value[17:-1])
            except ValueError:
                pass
    match = _RFC3339.match(value)
    if match is None:
        raise ValueError(f"not an RFC 3339 timestamp: {value[:40]!r}")
    minute, seconds, offset = match.groups()
    if minute.startswith("0001-01-01"):
        return None
    epoch = _minute_epoch(minute, offset)
    if offset.upper() == "Z" and minute[10] == "T" and len(_UTC_MINUTES) < 4096:
        _UTC_MINUTES[minute] = epoch
    return epoch + float(seconds)
