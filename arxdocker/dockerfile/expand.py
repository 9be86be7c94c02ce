"""`$VAR`, `${VAR}`, `${VAR:-default}`-style expansion, for analysis that needs values."""

from __future__ import annotations

import re
from collections.abc import Mapping

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATOR = re.compile(r":?[-+?]")


def _braced_end(text: str, start: int) -> int:
    """The index of the `}` closing the `${` at `start` (nested `${...}` allowed), or -1."""
    depth, pos = 0, start
    while pos < len(text):
        if text.startswith("${", pos):
            depth += 1
            pos += 2
            continue
        if text[pos] == "}":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return -1


def _scan(text: str, env: Mapping[str, str | None], names: set[str] | None) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "\\" and text.startswith("$", pos + 1):
            out.append("$")
            pos += 2
            continue
        if char != "$":
            out.append(char)
            pos += 1
            continue
        if text.startswith("{", pos + 1):
            end = _braced_end(text, pos)
            name = _NAME.match(text, pos + 2)
            if end < 0 or not name:
                out.append(text[pos:])
                break
            operator = _OPERATOR.match(text, name.end())
            word = text[operator.end() : end] if operator else ""
            out.append(_apply(name.group(), operator.group() if operator else "", word, env, names))
            pos = end + 1
            continue
        name = _NAME.match(text, pos + 1)
        if not name:
            out.append(char)
            pos += 1
            continue
        if names is not None:
            names.add(name.group())
        out.append(env.get(name.group()) or "")
        pos = name.end()
    return "".join(out)


def _apply(name: str, op: str, word: str, env: Mapping, names: set[str] | None) -> str:
    if names is not None:
        names.add(name)
    value = env.get(name)
    if op in (":-", "-"):
        unset = value is None or (op == ":-" and value == "")
        return _scan(word, env, names) if unset else value or ""
    if op in (":+", "+"):
        isset = value is not None and (op == "+" or value != "")
        return _scan(word, env, names) if isset else ""
    return value or ""


def expand(text: str, env: Mapping[str, str | None]) -> str:
    """Expand variables as BuildKit does for ARG/ENV-aware instructions; unset ones become ""."""
    return _scan(text, env, None)


def variables_in(text: str) -> set[str]:
    """Names referenced by `$NAME` or `${NAME...}` in text."""
    names: set[str] = set()
    _scan(text, {}, names)
    return names
