"""The one theme every arxdocker renderable uses; analysis code never picks colours."""

from __future__ import annotations

from rich.theme import Theme

ARX_THEME = Theme(
    {
        "arx.cached": "green",
        "arx.built": "yellow",
        "arx.error": "bold red",
        "arx.canceled": "magenta",
        "arx.base": "dim",
        "arx.dim": "dim",
        "arx.rate.good": "bold green",
        "arx.rate.fair": "bold yellow",
        "arx.rate.poor": "bold red",
        "arx.heading": "bold",
    }
)


def make_console(**kwargs: object):  # -> rich.console.Console, imported lazily
    from rich.console import Console

    return Console(theme=ARX_THEME, highlight=False, **kwargs)  # type: ignore[arg-type]
