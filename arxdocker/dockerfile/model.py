"""Typed, frozen models of a parsed Dockerfile: directives, instructions, flags and heredocs.

Lines are 1-based. Columns are 1-based and `end_column` is exclusive (the column after the last
character), as in SARIF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Directive:
    """A parser directive such as `# syntax=docker/dockerfile:1` or `# escape=\\``."""

    name: str
    value: str
    line: int


@dataclass(frozen=True)
class Flag:
    """A `--name=value` builder flag, as BuildKit extracts it (quotes and escapes removed)."""

    name: str
    value: str | None
    raw: str

    @cached_property
    def options(self) -> dict[str, str]:
        """`type=cache,target=/x` as a dict; a bare key maps to "" (BuildKit's CSV form)."""
        result: dict[str, str] = {}
        for part in _split_csv(self.value or ""):
            key, _, value = part.partition("=")
            result[key.strip().lower()] = value.strip()
        return result


def _split_csv(text: str) -> list[str]:
    # BuildKit reads --mount values with encoding/csv: commas split, double quotes group.
    parts, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part for part in parts if part]


@dataclass(frozen=True)
class Heredoc:
    name: str
    content: str
    fd: int = 0
    chomp: bool = False
    expand: bool = True
    line: int = 0  # the line of the first content line
    end_line: int = 0  # the terminator line


@dataclass(frozen=True)
class Instruction:
    """One instruction with its exact source span.

    `args` mirrors BuildKit's node chain (what `dockerfile.parse_string` calls `value`): the
    whitespace-split words of COPY/ADD/FROM, the single command string of a shell-form RUN, the
    decoded list of an exec form, key/value pairs of ENV/LABEL.
    """

    keyword: str  # upper case: RUN, COPY, ...
    raw_keyword: str
    args: tuple[str, ...]
    flags: tuple[Flag, ...]
    original: str  # the logical line, continuations joined, as BuildKit sees it
    span: Span
    rest: str = ""  # the text after the flags
    json: bool = False
    heredocs: tuple[Heredoc, ...] = ()
    sub: Instruction | None = None  # the instruction an ONBUILD wraps
    index: int = 0
    # ENV/LABEL in the old `ENV name value` form (one pair; BuildKit's LegacyKeyValueFormat
    # check): BuildKit's node chain ends each pair with "" there, with "=" in `name=value`.
    legacy_key_value: bool = False

    @property
    def line(self) -> int:
        return self.span.line

    def flag(self, name: str) -> Flag | None:
        return next((flag for flag in self.flags if flag.name == name), None)

    def flag_values(self, name: str) -> list[str]:
        return [flag.value or "" for flag in self.flags if flag.name == name]

    def mounts(self) -> list[dict[str, str]]:
        return [flag.options for flag in self.flags if flag.name == "mount"]

    def cache_mounts(self) -> list[dict[str, str]]:
        return [m for m in self.mounts() if m.get("type") == "cache"]

    @property
    def script(self) -> str:
        """The shell text a RUN executes: the command plus its heredoc bodies."""
        if self.json:
            shell = self.args[0].rsplit("/", 1)[-1] if self.args else ""
            if shell in _SHELLS and len(self.args) >= 3 and self.args[1] == "-c":
                return self.args[2]  # ["/bin/sh", "-c", "pip install ..."] runs a script
            return " ".join(self.args)
        parts = [self.args[0] if self.args else ""]
        parts.extend(doc.content for doc in self.heredocs)
        return "\n".join(parts)

    @property
    def sources(self) -> tuple[str, ...]:
        """COPY/ADD sources (all args but the last), heredoc names included as `<<NAME`."""
        return self.args[:-1] if len(self.args) > 1 else ()

    @property
    def destination(self) -> str:
        return self.args[-1] if self.args else ""


_SHELLS = {"sh", "bash", "ash", "dash", "zsh"}


@dataclass(frozen=True)
class Dockerfile:
    path: str
    text: str
    instructions: tuple[Instruction, ...]
    directives: tuple[Directive, ...] = ()
    escape: str = "\\"
    lines: tuple[str, ...] = field(default=(), repr=False)  # without line endings

    def directive(self, name: str) -> str | None:
        return next((d.value for d in self.directives if d.name == name), None)

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    @cached_property
    def joined(self) -> str:
        """The lines joined with "\\n": the text that line/column positions count in."""
        return "\n".join(self.lines)

    @cached_property
    def line_starts(self) -> tuple[int, ...]:
        """The offset in `joined` where each line starts (index 0 is line 1)."""
        starts, offset = [], 0
        for text in self.lines:
            starts.append(offset)
            offset += len(text) + 1
        return tuple(starts)
