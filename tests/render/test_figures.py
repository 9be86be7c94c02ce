"""Short figures: a rounded hit rate never reads as all or none when it is not."""

from __future__ import annotations

import pytest

from arxdocker.render.figures import format_rate


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (None, "-"),
        (1.0, "100%"),
        (0.0, "0%"),
        (0.8, "80%"),
        (199 / 200, "99.5%"),
        (9999 / 10000, ">99.9%"),
        (1 / 200, "0.5%"),
        (1 / 10000, "<0.1%"),
    ],
)
def test_format_rate(rate: float | None, text: str) -> None:
    assert format_rate(rate) == text
