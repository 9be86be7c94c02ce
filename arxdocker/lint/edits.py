"""Source positions that fixes need: where a keyword ends, where a RUN's command starts."""

from __future__ import annotations

import bisect
import re

from arxdocker.dockerfile.model import Dockerfile, Instruction
from arxdocker.lint.model import Edit

_FLAG = re.compile(r"""--(?:[^\s"'\\`]|"[^"]*"|'[^']*'|[\\`].)+""")


def _offset(dockerfile: Dockerfile, line: int, column: int) -> int:
    starts = dockerfile.line_starts
    return (starts[line - 1] if line <= len(starts) else len(dockerfile.joined)) + column - 1


def position(dockerfile: Dockerfile, offset: int) -> tuple[int, int]:
    line = bisect.bisect_right(dockerfile.line_starts, offset)
    return line, offset - dockerfile.line_starts[line - 1] + 1 if line else offset + 1


def keyword_end(instruction: Instruction) -> tuple[int, int]:
    span = instruction.span
    return span.line, span.column + len(instruction.raw_keyword)


def _gap(escape: str) -> re.Pattern[str]:
    """Blanks between a RUN's keyword, flags and command: spaces, and line continuations with
    the lines BuildKit drops inside one (empty lines and comment lines)."""
    escape = re.escape(escape)
    dropped = r"(?:[ \t]*(?:#[^\n]*)?\n)*"
    return re.compile(rf"(?:[ \t]|{escape}[ \t]*\r?\n{dropped})+")


def command_start(dockerfile: Dockerfile, instruction: Instruction) -> tuple[int, int]:
    """Where the shell command of a RUN begins in the source, after the keyword and flags."""
    text = dockerfile.joined
    line, column = keyword_end(instruction)
    offset = _offset(dockerfile, line, column)
    gap = _gap(dockerfile.escape)
    for _ in instruction.flags:
        match = gap.match(text, offset)
        offset = match.end() if match else offset
        flag = _FLAG.match(text, offset)
        if not flag:
            break
        offset = flag.end()
    match = gap.match(text, offset)
    return position(dockerfile, match.end() if match else offset)


def source_of(dockerfile: Dockerfile, instruction: Instruction) -> str:
    """The instruction's source lines, heredoc bodies included."""
    span = instruction.span
    return "\n".join(dockerfile.lines[span.line - 1 : span.end_line]) + "\n"


def delete(instruction: Instruction) -> Edit:
    return Edit.delete_lines(instruction.span.line, instruction.span.end_line)


def indent_of(dockerfile: Dockerfile, instruction: Instruction) -> str:
    line = dockerfile.line_text(instruction.span.line)
    return line[: len(line) - len(line.lstrip())]
