"""A small reading of a Dockerfile: stages, COPY/ADD sources, and the build features it uses.

Only what a build record needs: which context paths each COPY/ADD reads (to hash them) and which
cache-friendly features appear, read from the instructions of the parser in `arxdocker/dockerfile/`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from arxdocker.dockerfile import DockerfileParseError, parse_text
from arxdocker.dockerfile.model import Instruction as ParsedInstruction


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


def _parsed(text: str) -> tuple[ParsedInstruction, ...]:
    """The parser's instructions; none for an unparseable file, since buildx will refuse it."""
    try:
        return parse_text(text).instructions
    except DockerfileParseError:
        return ()


def instructions(text: str) -> list[Instruction]:
    """Logical instructions, read by the project's BuildKit-faithful parser (heredocs, escape
    directives, continuations with comments)."""
    return [
        Instruction(
            instr.line,
            instr.keyword,
            tuple(flag.raw for flag in instr.flags),
            tuple(instr.args) if instr.json else _words(instr.rest),
            instr.original,
        )
        for instr in _parsed(text)
    ]


def _words(rest: str) -> tuple[str, ...]:
    try:
        return tuple(shlex.split(rest, posix=True))
    except ValueError:
        return tuple(rest.split())


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
    for instr in _parsed(text):  # the parser's flags and heredocs, not a second reading
        if instr.keyword == "FROM":
            froms += 1
        for mount in instr.mounts():
            kind = mount.get("type", "bind")
            cache_mounts += kind == "cache"
            secret_mounts += kind == "secret"
            bind_mounts += kind == "bind"
        links += sum(flag.name == "link" and flag.value in (None, "true") for flag in instr.flags)
        heredocs += bool(instr.heredocs)
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
