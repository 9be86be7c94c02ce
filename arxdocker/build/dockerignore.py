"""`.dockerignore` matching, as moby's patternmatcher does it.

Patterns are cleaned paths relative to the context (a leading `/` is dropped); `*` and `?` stay
within one path segment, `**` spans any number of segments, `[...]` is a character class, a
pattern that matches a folder excludes everything below it, `!` re-includes, and the last matching
pattern wins.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Pattern:
    regex: re.Pattern[str]
    exclusion: bool
    text: str


def read_patterns(text: str) -> list[Pattern]:
    patterns = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exclusion = line.startswith("!")
        if exclusion:
            line = line[1:].strip()
        line = posixpath.normpath(line.replace("\\", "/")).lstrip("/")
        if line in ("", "."):
            continue
        patterns.append(Pattern(re.compile(_to_regex(line)), exclusion, line))
    return patterns


def _to_regex(pattern: str) -> str:
    out = ["^"]
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            if pattern.startswith("**", i):
                i += 2
                if pattern.startswith("/", i):
                    i += 1
                    out.append("(?:.*/)?")
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end]
                if body.startswith("^"):
                    body = "!" + body[1:]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = end
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    out.append("(?:/.*)?$")  # a matching folder excludes what is inside it
    return "".join(out)


class DockerIgnore:
    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns

    @classmethod
    def for_context(cls, context: Path, dockerfile: Path | None = None) -> DockerIgnore:
        """`<Dockerfile>.dockerignore` next to the Dockerfile wins over the context's file."""
        candidates = []
        if dockerfile is not None:
            candidates.append(dockerfile.with_name(dockerfile.name + ".dockerignore"))
        candidates.append(context / ".dockerignore")
        for path in candidates:
            if path.is_file():
                return cls(read_patterns(path.read_text(encoding="utf-8", errors="replace")))
        return cls([])

    def ignored(self, relpath: str) -> bool:
        result = False
        for pattern in self.patterns:
            if pattern.exclusion != result:
                continue  # cannot change the outcome
            if pattern.regex.match(relpath):
                result = not pattern.exclusion
        return result

    def walk(self, root: Path, start: str = "") -> list[str]:
        """Context-relative paths of files under `start` that are sent to the builder, sorted."""
        base = root / start if start else root
        if base.is_file() or base.is_symlink():
            return [] if self.ignored(start) else [start]
        found = []
        has_exclusions = any(p.exclusion for p in self.patterns)
        for folder, dirs, files in os.walk(base):
            rel_folder = os.path.relpath(folder, root).replace(os.sep, "/")
            rel_folder = "" if rel_folder == "." else rel_folder
            if not has_exclusions:
                dirs[:] = [d for d in dirs if not self.ignored(_join(rel_folder, d))]
            for name in files:
                rel = _join(rel_folder, name)
                if not self.ignored(rel):
                    found.append(rel)
        return sorted(found)


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name
