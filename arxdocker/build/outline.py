"""The Dockerfile's shape as a record keeps it for `explain`: every instruction with its stage and
line, the stage each FROM builds on, each `COPY --from`, and ARG/ENV values by hash only.

A hash is of the value the build saw (the `--build-arg` value, else the ARG's default), so two
records tell whether an ARG or ENV changed without either ever holding the value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from arxdocker.build.dockerfile_copies import instructions


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    line: int
    stage: str
    keyword: str
    text: str
    base: str | None = None  # FROM: the image or stage it builds on
    copy_from: str | None = None  # COPY/ADD --from=
    values: tuple[tuple[str, str | None], ...] = ()  # ARG defaults / ENV values, never stored


def value_hash(name: str, value: str | None) -> str | None:
    """A short, salted-by-name hash of a value; None for an ARG with no value."""
    if value is None:
        return None
    return "sha256:" + hashlib.sha256(f"arxdocker\0{name}\0{value}".encode()).hexdigest()[:16]


def outline(text: str) -> list[OutlineEntry]:
    entries: list[OutlineEntry] = []
    stage, count = "", -1
    for instr in instructions(text):
        keyword, args = instr.keyword, instr.args
        if keyword == "FROM":
            count += 1
            named = len(args) >= 3 and args[1].lower() == "as"
            stage = args[2] if named else f"stage-{count}"
            base = args[0] if args else None
            entries.append(OutlineEntry(instr.line, stage, keyword, instr.text, base=base))
            continue
        copy_from = next(
            (flag.split("=", 1)[1] for flag in instr.flags if flag.startswith("--from=")), None
        )
        values: tuple[tuple[str, str | None], ...] = ()
        if keyword == "ARG":
            values = tuple(_pair(word) for word in args)
        elif keyword == "ENV":
            values = _env_pairs(args)
        entries.append(
            OutlineEntry(instr.line, stage, keyword, instr.text, copy_from=copy_from, values=values)
        )
    return entries


def _pair(word: str) -> tuple[str, str | None]:
    name, eq, value = word.partition("=")
    return name, value if eq else None


def _env_pairs(args: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    if args and "=" not in args[0]:  # legacy `ENV NAME value words`
        return ((args[0], " ".join(args[1:])),)
    return tuple(_pair(word) for word in args)


def outline_for_record(
    entries: Iterable[OutlineEntry], build_args: Iterable[tuple[str, str]]
) -> list[dict[str, Any]]:
    """JSON-ready entries; ARG/ENV lines keep names and value hashes, not their text."""
    given = dict(build_args)
    result: list[dict[str, Any]] = []
    for entry in entries:
        item: dict[str, Any] = {"line": entry.line, "stage": entry.stage, "keyword": entry.keyword}
        if entry.keyword == "ARG":
            item["vars"] = {
                name: value_hash(name, given.get(name, default)) for name, default in entry.values
            }
        elif entry.keyword == "ENV":
            item["vars"] = {name: value_hash(name, value) for name, value in entry.values}
        else:
            item["text"] = entry.text
        if entry.base is not None:
            item["base"] = entry.base
        if entry.copy_from is not None:
            item["copy_from"] = entry.copy_from
        result.append(item)
    return result
