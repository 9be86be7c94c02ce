"""Inline suppressions: `# arxdocker: ignore=ARX001,ARX003` on the line above an instruction,
and `# arxdocker: global ignore=ARX006` anywhere in the file."""

from __future__ import annotations

import re
from dataclasses import dataclass

from arxdocker.dockerfile.model import Dockerfile

# `# arxdocker: ignore=ARX001, ARX003`, optionally followed by a reason: `  # we use a mirror`
_COMMENT = re.compile(
    r"^\s*#\s*arxdocker:\s*(global\s+)?ignore\s*=\s*"
    r"([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)\s*(?:#.*)?$"
)


def is_suppression(line: str) -> bool:
    """Whether a source line is a one-instruction `# arxdocker: ignore=...` comment."""
    match = _COMMENT.match(line)
    return match is not None and not match.group(1)


@dataclass(frozen=True)
class Suppressions:
    everywhere: frozenset[str]
    by_line: dict[int, frozenset[str]]  # instruction start line -> codes

    def suppressed(self, code: str, name: str, line: int) -> bool:
        codes = self.everywhere | self.by_line.get(line, frozenset())
        return bool({code, name, "ALL"} & codes)


def _codes(text: str) -> frozenset[str]:
    return frozenset(c.strip().upper() if c.strip()[:3].isalpha() and c.strip()[3:].isdigit()
                     else c.strip() for c in text.split(",") if c.strip())  # fmt: skip


def find_suppressions(dockerfile: Dockerfile) -> Suppressions:
    everywhere: set[str] = set()
    pending: dict[int, frozenset[str]] = {}
    for number, text in enumerate(dockerfile.lines, start=1):
        match = _COMMENT.match(text)
        if match and match.group(1):
            everywhere |= _codes(match.group(2))
        elif match:
            pending[number] = _codes(match.group(2))
    by_line: dict[int, frozenset[str]] = {}
    starts = sorted(i.span.line for i in dockerfile.instructions)
    for comment_line, codes in pending.items():
        following = next((line for line in starts if line > comment_line), None)
        if following is not None:
            by_line[following] = by_line.get(following, frozenset()) | codes
    return Suppressions(frozenset(everywhere), by_line)
