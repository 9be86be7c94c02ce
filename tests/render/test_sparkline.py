"""Sparklines scale between the given bounds and leave gaps for missing values."""

from __future__ import annotations

from arxdocker.render.sparkline import sparkline


def test_scaled_between_smallest_and_largest() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"


def test_fixed_bounds_and_gaps() -> None:
    assert sparkline([0.0, None, 0.5, 1.0], low=0.0, high=1.0) == "▁ ▅█"
    assert sparkline([0.75], low=0.0, high=1.0) == "▆"


def test_flat_and_empty() -> None:
    assert sparkline([3, 3, 3]) == "▁▁▁"
    assert sparkline([None, None]) == "  "
    assert sparkline([]) == ""
