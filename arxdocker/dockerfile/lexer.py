"""Word-level lexing ported from BuildKit's frontend/dockerfile/parser (line_parsers.go, parser.go).

Each function mirrors one Go function so the two can be read side by side; the differential tests
in tests/dockerfile hold them to BuildKit's own parser.
"""

from __future__ import annotations

import json
import re

# Go's unicode.IsSpace for the characters Dockerfiles use (Python's isspace() adds \x1c-\x1f).
GO_SPACE = (
    " \t\n\v\f\r\x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
RE_WHITESPACE = re.compile(r"[\t\v\f\r ]+")
RE_HEREDOC = re.compile(r"^(\d*)<<(-?)([^<]*)$")
NOT_STRING_ARRAY = "when using JSON array syntax, arrays must be comprised of strings only"


class LexError(ValueError):
    pass


def is_space(char: str) -> bool:
    return char in GO_SPACE


def parse_words(rest: str, escape: str) -> list[str]:
    """BuildKit's parseWords: split on spaces, keeping quotes and escapes in the words."""
    words: list[str] = []
    word = ""
    in_word = in_quote = blank_ok = False
    quote = ""
    pos, size = 0, len(rest)
    while pos < size:
        char = rest[pos]
        if not in_word and not in_quote:
            if is_space(char):
                pos += 1
                continue
            in_word = True
        if in_word:
            if is_space(char):
                in_word = False
                if blank_ok or word:
                    words.append(word)
                word, blank_ok = "", False
                pos += 1
                continue
            if char in "'\"":
                quote, blank_ok, in_word, in_quote = char, True, False, True
            if char == escape:
                if pos + 1 == size:
                    pos += 1
                    continue
                word += char
                pos += 1
                char = rest[pos]
            word += char
            pos += 1
            continue
        # in a quote
        if char == quote:
            in_quote, in_word = False, True
        if char == escape and quote != "'":
            if pos + 1 == size:
                in_quote, in_word = False, True
                pos += 1
                continue
            pos += 1
            word += char
            char = rest[pos]
        word += char
        pos += 1
    if (in_word or in_quote) and (blank_ok or word):
        words.append(word)
    return words


def extract_builder_flags(line: str) -> tuple[str, list[str]]:  # noqa: PLR0915
    """BuildKit's extractBuilderFlags: leading `--flags`, quotes removed; returns (rest, flags).

    A backslash escapes the next character in a flag whatever the `# escape=` directive says:
    BuildKit hard-codes it there."""
    words: list[str] = []
    word = ""
    phase = "spaces"
    quote = ""
    blank_ok = False
    pos, size = 0, len(line)
    while pos <= size:
        char = line[pos] if pos < size else ""
        if phase == "spaces":
            if pos == size:
                break
            if is_space(char):
                pos += 1
                continue
            if char != "-" or pos + 1 == size or line[pos + 1] != "-":
                return line[pos:], words
            phase = "word"
        if pos == size:
            if word != "--" and (blank_ok or word):
                words.append(word)
            break
        if phase == "word":
            if is_space(char):
                phase = "spaces"
                if word == "--":
                    return line[pos:], words
                if blank_ok or word:
                    words.append(word)
                word, blank_ok = "", False
                pos += 1
                continue
            if char in "'\"":
                quote, blank_ok, phase = char, True, "quote"
                pos += 1
                continue
            if char == "\\":
                if pos + 1 == size:
                    pos += 1
                    continue
                pos += 1
                char = line[pos]
            word += char
            pos += 1
            continue
        # phase == "quote"
        if char == quote:
            phase = "word"
            pos += 1
            continue
        if char == "\\":
            if pos + 1 == size:
                phase = "word"
                pos += 1
                continue
            pos += 1
            char = line[pos]
        word += char
        pos += 1
    return "", words


def _reject_constant(name: str) -> None:
    raise ValueError(name)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def parse_json_array(rest: str) -> list[str] | None:
    """The exec form: a JSON array of strings (trailing text is ignored, as Go's Decoder does).

    Returns None when `rest` is not JSON (shell form); raises LexError for a non-string element.
    """
    rest = rest.lstrip(GO_SPACE)
    if not rest.startswith("["):
        return None
    try:
        value, _ = _DECODER.raw_decode(rest)
    except ValueError:
        return None
    if not isinstance(value, list):
        return None
    if not all(isinstance(item, str) for item in value):
        raise LexError(NOT_STRING_ARRAY)
    return value


def shell_words_raw(line: str) -> list[str]:
    """Words of a line as BuildKit's shell lexer sees them with raw quotes and escapes.

    Used only to find heredoc markers (`<<EOF`, `2<<-"EOF"`); variables expand to nothing.
    """
    words: list[str] = []
    word: list[str] = []
    started = False
    pos, size = 0, len(line)
    while pos < size:
        char = line[pos]
        if char in " \t\r\n":
            if started:
                words.append("".join(word))
                word, started = [], False
            pos += 1
            continue
        started = True
        if char == "\\" and pos + 1 < size:
            word.append(line[pos : pos + 2])
            pos += 2
        elif char in "'\"":
            end = _quote_end(line, pos)
            word.append(line[pos:end])
            pos = end
        elif char == "$":
            pos = _skip_variable(line, pos)
        else:
            word.append(char)
            pos += 1
    if started:
        words.append("".join(word))
    return words


def _quote_end(line: str, pos: int) -> int:
    quote = line[pos]
    pos += 1
    while pos < len(line) and line[pos] != quote:
        pos += 2 if quote == '"' and line[pos] == "\\" else 1
    return min(pos + 1, len(line))


def _skip_variable(line: str, pos: int) -> int:
    if pos + 1 < len(line) and line[pos + 1] == "{":
        end = line.find("}", pos)
        return len(line) if end < 0 else end + 1
    match = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])?").match(line, pos)
    return match.end() if match else pos + 1


def unquote_word(word: str) -> tuple[str, bool]:
    """Remove shell quotes and escapes from one word; also say whether anything was quoted."""
    out: list[str] = []
    quoted = False
    pos = 0
    while pos < len(word):
        char = word[pos]
        if char == "\\" and pos + 1 < len(word):
            out.append(word[pos + 1])
            quoted = True
            pos += 2
        elif char in "'\"":
            end = _quote_end(word, pos)
            inner = word[pos + 1 : end - 1] if word[end - 1 : end] == char else word[pos + 1 : end]
            if char == '"':
                inner = re.sub(r"\\([\\\"$`])", r"\1", inner)
            out.append(inner)
            quoted = True
            pos = end
        else:
            out.append(char)
            pos += 1
    return "".join(out), quoted


def heredoc_markers(line: str) -> list[tuple[str, int, bool, bool]]:
    """Heredoc markers on an instruction line: (name, fd, chomp, expand) in order."""
    markers = []
    for word in shell_words_raw(line):
        match = RE_HEREDOC.match(word)
        if not match or not match.group(3):
            continue
        rest = match.group(3)
        if len(shell_words_raw(rest)) != 1:
            continue
        name, quoted = unquote_word(rest)
        markers.append((name, int(match.group(1) or 0), match.group(2) == "-", not quoted))
    return markers
