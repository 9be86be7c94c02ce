"""Short text for the figures the history commands print: sizes, rates and signed changes."""

from __future__ import annotations

_UNITS = ("B", "kB", "MB", "GB", "TB")


def format_bytes(size: float | None) -> str:
    if size is None:
        return "-"
    value, unit = float(size), 0
    while abs(value) >= 1000 and unit < len(_UNITS) - 1:
        value /= 1000
        unit += 1
    return f"{value:.0f} {_UNITS[unit]}" if unit == 0 else f"{value:.1f} {_UNITS[unit]}"


def format_rate(rate: float | None) -> str:
    """A hit rate, rounded to a whole percent unless that would read as all or none: 199 of 200
    steps cached is 99.5%, not 100%."""
    if rate is None:
        return "-"
    text = f"{rate:.0%}"
    if (text == "100%" and rate < 1) or (text == "0%" and rate > 0):
        text = f"{rate:.1%}"
        if text == "100.0%":
            return ">99.9%"
        if text == "0.0%":
            return "<0.1%"
    return text


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
