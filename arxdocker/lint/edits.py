"""Source positions that fixes need: where a keyword ends, where a RUN's command starts."""

from __future__ import annotations

import re

from arxdocker.dockerfile.model import Dockerfile, Instruction
from arxdocker.lint.model import Edit

_FLAG = re.compile(r"""--(?:[^\s"'\\`]|"[^"]*"|'[^']*'|[\\`].)+""")


def _offset(dockerfile: Dockerfile, line: int, column: int) -> int:
    return sum(len(text) + 1 for text in dockerfile.lines[: line - 1]) + column - 1


def position(dockerfile: Dockerfile, offset: int) -> tuple[int, int]:
    before = "\n".join(dockerfile.lines)[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def keyword_end(instruction: Instruction) -> tuple[int, int]:
    span = instruction.span
    return span.line, span.column + len(instruction.raw_keyword)


def command_start(dockerfile: Dockerfile, instruction: Instruction) -> tuple[int, int]:
    """Where the shell command of a RUN begins in the source, after the keyword and flags."""
    text = "\n".join(dockerfile.lines)
    line, column = keyword_end(instruction)
    offset = _offset(dockerfile, line, column)
    escape = re.escape(dockerfile.escape)
    gap = re.compile(rf"(?:[ \t]|{escape}[ \t]*\r?\n)+")
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
