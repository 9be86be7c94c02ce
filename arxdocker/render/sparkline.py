"""A one-line trend of numbers in block characters: `▁▂▅█▃`, blank where a value is missing."""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(
    values: Sequence[float | None], *, low: float | None = None, high: float | None = None
) -> str:
    """Each value scaled between `low` and `high`, by default the smallest and largest of them."""
    known = [value for value in values if value is not None]
    if not known:
        return " " * len(values)
    bottom = min(known) if low is None else low
    span = (max(known) if high is None else high) - bottom
    top = len(BLOCKS) - 1
    return "".join(
        " "
        if value is None
        else BLOCKS[0 if span <= 0 else min(top, max(0, round((value - bottom) / span * top)))]
        for value in values
    )
