"""A Dockerfile parser faithful to BuildKit's grammar (frontend/dockerfile/parser/parser.go).

It reads the same instructions, flags, values, heredocs and line ranges as BuildKit (held to it by
the differential tests), and adds what analysis needs: exact columns, parsed flags, directives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from arxdocker.dockerfile.lexer import (
    GO_SPACE,
    RE_WHITESPACE,
    LexError,
    extract_builder_flags,
    heredoc_markers,
    parse_json_array,
    parse_words,
)
from arxdocker.dockerfile.model import Directive, Dockerfile, Flag, Heredoc, Instruction, Span
from arxdocker.errors import ArxError

RE_DIRECTIVE = re.compile(
    r"^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z"
)
KNOWN_DIRECTIVES = ("syntax", "escape", "check")
HEREDOC_KEYWORDS = ("ADD", "COPY", "RUN")
MAYBE_JSON = ("CMD", "ENTRYPOINT", "RUN", "SHELL")
MAYBE_JSON_LIST = ("ADD", "COPY", "VOLUME")
WHITESPACE_LIST = ("EXPOSE", "FROM")
SINGLE_STRING = ("MAINTAINER", "STOPSIGNAL", "USER", "WORKDIR")


class DockerfileParseError(ArxError):
    """A Dockerfile BuildKit would reject: shown as `file:line: message`, exit 2."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.reason = path, line, message


@dataclass
class _Directives:
    escape: str = "\\"
    done: bool = False
    found: tuple[Directive, ...] = ()

    def continuation(self) -> re.Pattern[str]:
        e = re.escape(self.escape)
        return re.compile(rf"([^{e}]){e}[ \t]*\Z|^{e}[ \t]*\Z")

    def parse_line(self, text: str, number: int) -> str | None:
        """Record a directive; returns an error message for a bad one."""
        if self.done:
            return None
        match = RE_DIRECTIVE.match(text)
        if not match or match.group(1).lower() not in KNOWN_DIRECTIVES:
            self.done = True
            return None
        name, value = match.group(1).lower(), match.group(2)
        if any(d.name == name for d in self.found):
            return f"only one {name} parser directive can be used"
        if name == "escape":
            if value not in ("`", "\\"):
                return f"invalid escape token '{value}' does not match ` or \\"
            self.escape = value
        self.found = (*self.found, Directive(name, value, number))
        return None


def _split_lines(text: str) -> list[str]:
    """Lines with their '\\n' kept, like BuildKit's scanner."""
    lines = text.split("\n")
    result = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        result.append(lines[-1])
    return result


def _is_comment(raw: str) -> bool:
    return raw.rstrip("\r\n").lstrip(GO_SPACE).startswith("#")


def parse_text(text: str, path: str = "Dockerfile") -> Dockerfile:  # noqa: PLR0915
    """Parse Dockerfile text; raises DockerfileParseError as BuildKit would."""
    if text.startswith("\ufeff"):
        text = text[1:]
    raw_lines = _split_lines(text)
    directives = _Directives()
    instructions: list[Instruction] = []
    number = 0  # lines consumed so far
    total = len(raw_lines)

    def fail(line: int, message: str) -> DockerfileParseError:
        return DockerfileParseError(path, max(line, 1), message)

    while number < total:
        raw = raw_lines[number]
        token = raw.rstrip("\r\n").lstrip(GO_SPACE)
        error = directives.parse_line(token, number + 1)
        if error:
            raise fail(number + 1, error)
        number += 1
        if token.startswith("#"):
            continue
        start = number
        continuation = directives.continuation()
        line, ended = _trim_continuation(token, continuation)
        if ended and not line:
            continue
        while not ended and number < total:
            raw = raw_lines[number]
            piece = raw.rstrip("\r\n")
            error = directives.parse_line(piece, number + 1)
            if error:
                raise fail(number + 1, error)
            number += 1
            if _is_comment(raw) or not piece.lstrip(GO_SPACE):
                continue
            piece, ended = _trim_continuation(piece, continuation)
            line += piece
        try:
            instruction = _instruction(line, directives.escape)
        except LexError as exc:
            raise fail(start, str(exc)) from None
        heredocs: list[Heredoc] = []
        target = instruction.sub or instruction
        if target.keyword in HEREDOC_KEYWORDS and not target.json and "<<" in line:
            for name, fd, chomp, expand in heredoc_markers(line):
                body: list[str] = []
                first = number + 1
                while number < total:
                    candidate = raw_lines[number]
                    number += 1
                    stripped = candidate.rstrip("\r\n")
                    if chomp:
                        stripped = stripped.lstrip("\t")
                    if stripped == name:
                        break
                    body.append(candidate)
                else:
                    raise fail(start, "unterminated heredoc")
                heredocs.append(Heredoc(name, "".join(body), fd, chomp, expand, first, number))
        first_line = raw_lines[start - 1].rstrip("\r\n")
        last_line = raw_lines[number - 1].rstrip("\r\n")
        column = len(first_line) - len(first_line.lstrip(GO_SPACE)) + 1
        span = Span(start, column, number, len(last_line) + 1)
        instructions.append(
            replace(instruction, span=span, heredocs=tuple(heredocs), index=len(instructions))
        )
    if not instructions:
        raise fail(number, "file with no instructions")
    return Dockerfile(
        path=path,
        text=text,
        instructions=tuple(instructions),
        directives=directives.found,
        escape=directives.escape,
        lines=tuple(line.rstrip("\r\n") for line in raw_lines),
    )


def _trim_continuation(line: str, pattern: re.Pattern[str]) -> tuple[str, bool]:
    if pattern.search(line):
        return pattern.sub(r"\1", line, count=1), False
    return line, True


_NO_SPAN = Span(0, 0, 0, 0)


def _instruction(line: str, escape: str) -> Instruction:
    """BuildKit's newNodeFromLine: keyword, flags and the per-instruction value parser."""
    parts = RE_WHITESPACE.split(line.strip(GO_SPACE), maxsplit=1)
    raw_keyword = parts[0]
    flags: list[str] = []
    rest = ""
    if len(parts) == 2:
        rest, flags = extract_builder_flags(parts[1])
    rest = rest.strip(GO_SPACE)
    keyword = raw_keyword.upper()
    args, is_json, sub = _values(keyword, rest, escape)
    legacy = keyword in ("ENV", "LABEL") and bool(args) and "=" not in parse_words(rest, escape)[0]
    return Instruction(
        keyword=keyword,
        raw_keyword=raw_keyword,
        args=tuple(args),
        flags=tuple(_flag(word) for word in flags),
        original=line,
        span=_NO_SPAN,
        rest=rest,
        json=is_json,
        sub=sub,
        legacy_key_value=legacy,
    )


def _flag(word: str) -> Flag:
    name, sep, value = word[2:].partition("=")
    return Flag(name=name, value=value if sep else None, raw=word)


def _values(keyword: str, rest: str, escape: str) -> tuple[list[str], bool, Instruction | None]:
    if keyword in MAYBE_JSON or keyword in MAYBE_JSON_LIST:
        if not rest and keyword in MAYBE_JSON:
            return [], False, None
        array = parse_json_array(rest)
        if array is not None:
            return array, True, None
        if keyword in MAYBE_JSON:
            return [rest], False, None
        return (RE_WHITESPACE.split(rest) if rest else []), False, None
    if keyword in WHITESPACE_LIST:
        return (RE_WHITESPACE.split(rest) if rest else []), False, None
    if keyword in SINGLE_STRING:
        return ([rest] if rest else []), False, None
    if keyword == "ARG":
        return parse_words(rest, escape), False, None
    if keyword in ("ENV", "LABEL"):
        return _name_values(keyword, rest, escape), False, None
    if keyword == "HEALTHCHECK":
        return _healthcheck(rest, escape)
    if keyword == "ONBUILD":
        if not rest:
            return [], False, None
        sub = _instruction(rest, escape)
        args = [""] if sub.keyword == "ONBUILD" else list(sub.args)
        return args, sub.json, sub
    return [""], False, None  # unknown instructions are kept, with an empty value


def _name_values(keyword: str, rest: str, escape: str) -> list[str]:
    words = parse_words(rest, escape)
    if not words:
        return []
    if "=" not in words[0]:
        parts = RE_WHITESPACE.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise LexError(f"{keyword} must have two arguments")
        return [parts[0], parts[1]]
    values: list[str] = []
    for word in words:
        if "=" not in word:
            raise LexError(
                f'Syntax error - can\'t find = in "{word}". Must be of the form: name=value'
            )
        values.extend(word.split("=", 1))
    return values


def _healthcheck(rest: str, escape: str) -> tuple[list[str], bool, None]:
    sep = 0
    while sep < len(rest) and rest[sep] not in GO_SPACE:
        sep += 1
    if sep == 0:
        return [], False, None
    command = rest[sep:].lstrip(GO_SPACE)
    if not command:
        return [rest[:sep]], False, None
    array = parse_json_array(command)
    if array is not None:
        return [rest[:sep], *array], True, None
    return [rest[:sep], command], False, None


def parse_path(path: str | Path, display: str | None = None) -> Dockerfile:
    """Read and parse a Dockerfile; unreadable or binary input is a DockerfileParseError."""
    path = Path(path)
    name = display or str(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ArxError(f"{name}: is a directory with no Dockerfile") from None
    except OSError as exc:
        raise ArxError(f"{name}: {exc.strerror or exc}") from None
    return parse_bytes(data, name)


def parse_bytes(data: bytes, name: str) -> Dockerfile:
    if b"\0" in data:
        raise DockerfileParseError(name, data[: data.index(b"\0")].count(b"\n") + 1, "binary file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DockerfileParseError(name, line, "not UTF-8 text") from None
    return parse_text(text, name)
