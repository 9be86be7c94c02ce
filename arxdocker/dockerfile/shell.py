"""Split the shell script of a RUN into simple commands, for rules that look for tools.

This is analysis-grade, not a shell: it honours quotes, escapes, line continuations, comments and
the `&&`, `||`, `;`, `|`, `&` separators, and strips `sudo`, `env`, and leading `VAR=value` words.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

SEPARATORS = {"&&", "||", ";", "|", "&", ";;", "(", ")", "{", "}", "|&"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS = {"sudo", "env", "exec", "command", "time", "nice", "nohup"}
# Shell reserved words that open a command inside a compound: `if npm ci; then yarn; fi`.
_RESERVED = {"if", "then", "else", "elif", "do", "while", "until", "!"}


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]  # quotes removed; wrappers and assignments stripped
    separator: str  # the operator that follows it ("" at the end)

    @property
    def name(self) -> str:
        return self.words[0].rsplit("/", 1)[-1] if self.words else ""

    def has(self, *words: str) -> bool:
        return any(word in self.words for word in words)

    def text(self) -> str:
        """The command as a message shows it: quoted where a word has blanks, except an
        expansion (`$(cat packages.txt)`), which is shown as written."""
        return " ".join(shlex.quote(w) if _needs_quotes(w) else w for w in self.words)


def _needs_quotes(word: str) -> bool:
    """Blanks need quotes in a message, except in one whole `$(...)` or `${...}`."""
    whole = word[:2] in ("$(", "${") and word[-1:] in (")", "}")
    return not whole and any(c.isspace() for c in word)


def _restore(word: str, hidden: list[str]) -> str:
    return _HIDDEN.sub(lambda match: hidden[int(match.group(1))], word)


def _hide_expansions(line: str) -> tuple[str, list[str]]:
    """`$(...)` and `${...}` made single word characters, so that their parentheses and braces
    are not read as the shell's grouping (`nginx=${VERSION}-1` is one word)."""
    hidden: list[str] = []
    out: list[str] = []
    position = 0
    while (start := line.find("$", position)) != -1:
        opener = line[start + 1 : start + 2]
        if line.count("'", 0, start) % 2 or opener not in ("(", "{"):  # '$(' is literal
            out.append(line[position : start + 1])
            position = start + 1
            continue
        closer, depth, end = {"(": ")", "{": "}"}[opener], 0, start + 1
        while end < len(line):
            depth += {opener: 1, closer: -1}.get(line[end], 0)
            if depth == 0:
                break
            end += 1
        if depth:  # unbalanced: leave the rest as it is
            break
        out.append(line[position:start])
        out.append(f"\x00{len(hidden)}\x00")
        hidden.append(line[start : end + 1])
        position = end + 1
    out.append(line[position:])
    return "".join(out), hidden


_HIDDEN = re.compile("\x00([0-9]+)\x00")


def _tokens(script: str) -> list[str]:
    tokens: list[str] = []
    for line in re.sub(r"\\\r?\n", " ", script).split("\n"):
        text, hidden = _hide_expansions(line)
        lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|(){}")
        lexer.commenters = "#"
        lexer.wordchars += "-./:=@%+,~*?[]$^!\x00"
        try:
            words = list(lexer)
        except ValueError:
            words = text.split()
        if hidden:
            words = [_restore(word, hidden) for word in words]
        tokens.extend(words)
        tokens.append(";")
    return tokens


def commands(script: str) -> list[Command]:
    """Simple commands of a script, in order."""
    return list(_commands(script))


def _commands(script: str) -> tuple[Command, ...]:
    result: list[Command] = []
    current: list[str] = []
    for token in [*(_tokens(script)), ";"]:
        if token in SEPARATORS or token == "\n":
            words = _strip(current)
            if words:
                result.append(Command(tuple(words), token if token != ";" else ";"))
            current = []
        else:
            current.append(token)
    if result:
        last = result[-1]
        result[-1] = Command(last.words, "")
    return tuple(result)


def _strip(words: list[str]) -> list[str]:
    while words and (
        words[0] in _WRAPPERS
        or words[0] in _RESERVED
        or _ASSIGNMENT.match(words[0])
        or words[0] == "-E"
    ):
        words = words[1:]
    return words


def top_level_and_chain(script: str) -> list[str] | None:
    """The pieces of `a && b && c` as source text, or None when the script is anything else."""
    pieces: list[str] = []
    depth_quote = ""
    start = 0
    i = 0
    while i < len(script):
        char = script[i]
        if depth_quote:
            if char == depth_quote:
                depth_quote = ""
            elif char == "\\" and depth_quote == '"':
                i += 1
        elif char in "'\"":
            depth_quote = char
        elif char == "\\":
            i += 1
        elif script.startswith("&&", i):
            pieces.append(script[start:i])
            start = i + 2
            i += 1
        elif char in ";|&\n(){}`#" or script.startswith("$(", i):
            return None
        i += 1
    pieces.append(script[start:])
    pieces = [piece.strip() for piece in pieces]
    return pieces if all(pieces) else None
