"""`$VAR`, `${VAR}`, `${VAR:-default}`-style expansion, for analysis that needs values."""

from __future__ import annotations

import re
from collections.abc import Mapping

_VARIABLE = re.compile(
    r"\\\$|\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+?])(?P<word>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


def expand(text: str, env: Mapping[str, str | None]) -> str:
    """Expand variables as BuildKit does for ARG/ENV-aware instructions; unset ones become ""."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "\\$":
            return "$"
        name = match.group("braced") or match.group("bare")
        value = env.get(name)
        op, word = match.group("op"), match.group("word") or ""
        if op in (":-", "-"):
            unset = value is None or (op == ":-" and value == "")
            return expand(word, env) if unset else value or ""
        if op in (":+", "+"):
            isset = value is not None and (op == "+" or value != "")
            return expand(word, env) if isset else ""
        return value or ""

    return _VARIABLE.sub(replace, text)


def variables_in(text: str) -> set[str]:
    """Names referenced by `$NAME` or `${NAME...}` in text."""
    return {
        match.group("braced") or match.group("bare")
        for match in _VARIABLE.finditer(text)
        if match.group(0) != "\\$"
    }
