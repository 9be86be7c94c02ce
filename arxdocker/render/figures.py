"""Short text for the figures the history commands print: sizes, rates and signed changes."""

from __future__ import annotations

from arxdocker.percent import format_rate  # shared with build's --min-hit-rate message

__all__ = ["format_bytes", "format_percent", "format_rate", "format_signed_seconds"]

_UNITS = ("B", "kB", "MB", "GB", "TB")


def format_bytes(size: float | None) -> str:
    if size is None:
        return "-"
    value, unit = float(size), 0
    while abs(value) >= 1000 and unit < len(_UNITS) - 1:
        value /= 1000
        unit += 1
    return f"{value:.0f} {_UNITS[unit]}" if unit == 0 else f"{value:.1f} {_UNITS[unit]}"


def format_percent(fraction: float | None) -> str:
    """A signed relative change: +12%, -3%."""
    if fraction is None:
        return ""
    return f"{fraction:+.1%}" if abs(fraction) < 0.1 else f"{fraction:+.0%}"


def format_signed_seconds(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if abs(seconds) < 0.05:
        return "±0.0s"
    return f"{seconds:+.1f}s"
