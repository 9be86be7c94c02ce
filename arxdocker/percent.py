"""Percentages as users give them: `80`, `80%`, and `off` where a threshold can be turned off.

One reading for every option and config key that takes a percentage (`check --min-hit-rate`,
`--max-slowdown`, `--max-size-growth`, `build`/`bake --min-hit-rate`, `min_hit_rate` in the
config), so `80` means 80 % everywhere. A number above 0 and up to 1 (`0.8`, `1.0`) without a
`%` sign is refused: `analyze --json` writes hit rates as fractions (0.8), and reading 0.8 as
0.8 % would let a gate pass that was meant to hold at 80 %. Write `0.8%` to mean 0.8 %.
`format_rate` writes a hit rate back as text, for every table, report and message.
"""

from __future__ import annotations

import math

from arxdocker.errors import ArxError


def parse_percent(
    value: str | float, where: str, *, upper: float | None = None, allow_off: bool = False
) -> float | None:
    """`value` in percent (80.0), or None for `off`; `where` names the option or key for the
    one-line error (exit 2) about anything else: not a number, NaN, infinite, negative, above
    `upper`, or a bare fraction."""
    text = str(value).strip().lower() if isinstance(value, str) else None
    like = "like 80% or off" if allow_off else "like 80%"
    if text is not None and allow_off and text in ("off", "none"):
        return None
    explicit = text is not None and text.endswith("%")
    try:
        number = float(text.removesuffix("%").strip()) if text is not None else float(value)
    except (TypeError, ValueError):
        number = math.nan
    shown = str(value).strip() if isinstance(value, str) else f"{value:g}"
    if not math.isfinite(number):
        raise ArxError(f"{where} {shown} is not a percentage {like}")
    if number < 0:
        raise ArxError(f"{where} {shown} is negative", hint=f"give a percentage {like}")
    if upper is not None and number > upper:
        raise ArxError(f"{where} {shown} is more than {upper:g}%")
    # `0.8` and `1.0` (or `1`) are how `analyze --json` writes hit rates: a fraction is refused
    if 0 < number <= 1 and not explicit:
        raise ArxError(
            f"{where} {shown} reads as {number:g}%, not {number * 100:g}%",
            hint=f"did you mean {number * 100:g}? write {number:g}% if you do mean {number:g}%"
            if text is not None
            else f"did you mean {number * 100:g}?",
        )
    return number


def parse_seconds(text: str, where: str) -> float:
    """A finite, non-negative number of seconds."""
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise ArxError(f"{where} {text.strip()} is not a number of seconds (0 or more)")
    return number


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
