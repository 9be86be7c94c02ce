"""A small reading of a Dockerfile: stages, COPY/ADD sources, and the build features it uses.

Only what a build record needs: which context paths each COPY/ADD reads (to hash them) and which
cache-friendly features appear. The full parser lives in `arxdocker/dockerfile/`; this reader
handles line continuations, comments, JSON and shell forms, flags and heredoc bodies (skipped).
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass

_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")


@dataclass(frozen=True, slots=True)
class Instruction:
    line: int
    keyword: str
    flags: tuple[str, ...]
    args: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class ContextCopy:
    """A COPY or ADD that reads from the build context."""

    line: int
    stage: str | None
    instruction: str
    sources: tuple[str, ...]


def instructions(text: str) -> list[Instruction]:
    """Logical instructions: continuations joined, comments and heredoc bodies dropped."""
    result: list[Instruction] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        start = index
        raw = lines[index]
        index += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parts = [stripped]
        while parts[-1].endswith("\\") and index < len(lines):
            parts[-1] = parts[-1][:-1]
            nxt = lines[index].strip()
            index += 1
            if nxt.startswith("#"):
                parts.append("\\")  # a comment inside a continuation is dropped
                continue
            parts.append(nxt)
        logical = " ".join(part for part in parts if part != "\\").strip()
        for marker in _HEREDOC.findall(logical):
            while index < len(lines) and lines[index].strip() != marker:
                index += 1
            index += 1
        keyword, _, rest = logical.partition(" ")
        flags, args = _split_flags(rest.strip())
        result.append(Instruction(start + 1, keyword.upper(), flags, args, logical))
    return result


def _split_flags(rest: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    flags: list[str] = []
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        flags.append(flag)
        rest = rest.lstrip()
    if rest.startswith("["):
        try:
            words = json.loads(rest)
            if isinstance(words, list) and all(isinstance(w, str) for w in words):
                return tuple(flags), tuple(words)
        except ValueError:
            pass
    try:
        return tuple(flags), tuple(shlex.split(rest, posix=True))
    except ValueError:
        return tuple(flags), tuple(rest.split())


def context_copies(text: str) -> list[ContextCopy]:
    """Every COPY/ADD reading the context (not `--from=`), with its sources, per stage."""
    copies = []
    stage: str | None = None
    for instr in instructions(text):
        if instr.keyword == "FROM":
            words = instr.args
            stage = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            continue
        if instr.keyword not in ("COPY", "ADD"):
            continue
        if any(flag.startswith("--from") for flag in instr.flags) or len(instr.args) < 2:
            continue
        sources = tuple(s for s in instr.args[:-1] if not s.startswith("<<"))
        if instr.keyword == "ADD":
            sources = tuple(s for s in sources if "://" not in s and not s.startswith("git@"))
        if sources:
            copies.append(ContextCopy(instr.line, stage, instr.text, sources))
    return copies


def features(text: str) -> list[str]:
    """Build features the Dockerfile uses, e.g. `cache-mounts:2`, `copy-link`, `multi-stage`."""
    found: list[str] = []
    froms = cache_mounts = secret_mounts = bind_mounts = links = heredocs = 0
    for instr in instructions(text):
        if instr.keyword == "FROM":
            froms += 1
        for flag in instr.flags:
            if flag.startswith("--mount="):
                kind = re.search(r"type=(\w+)", flag)
                name = kind.group(1) if kind else "bind"
                cache_mounts += name == "cache"
                secret_mounts += name == "secret"
                bind_mounts += name == "bind"
            links += flag in ("--link", "--link=true")
        heredocs += bool(_HEREDOC.search(instr.text))
    if froms > 1:
        found.append("multi-stage")
    for name, count in (
        ("cache-mounts", cache_mounts),
        ("secret-mounts", secret_mounts),
        ("bind-mounts", bind_mounts),
        ("copy-link", links),
        ("heredocs", heredocs),
    ):
        if count:
            found.append(f"{name}:{count}" if name.endswith("mounts") else name)
    return found
