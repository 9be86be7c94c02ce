"""Compare our parser with BuildKit's own: the `dockerfile` package, a test-only oracle."""

from __future__ import annotations

import dockerfile
import pytest

from arxdocker.dockerfile import DockerfileParseError, parse_text


def oracle_view(text: str) -> list[tuple] | str:
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError as exc:
        return f"error: {exc}".split(":")[0]
    return [
        (
            (c.cmd or "").upper(),
            c.sub_cmd,
            c.json,
            c.start_line,
            c.end_line,
            c.flags,
            c.value,
            tuple((h.name, h.file_descriptor, h.content) for h in c.heredocs),
            c.original if not c.heredocs and c.cmd and c.cmd.upper() != "ONBUILD" else None,
        )
        for c in commands
    ]


def our_view(text: str) -> list[tuple] | str:
    try:
        parsed = parse_text(text)
    except DockerfileParseError:
        return "error"
    return [
        (
            i.keyword,
            i.sub.raw_keyword if i.sub else None,
            i.json,
            i.span.line,
            i.span.end_line,
            tuple(f.raw for f in i.flags),
            i.args,
            () if i.keyword == "ONBUILD" else tuple((h.name, h.fd, h.content) for h in i.heredocs),
            i.original if not i.heredocs and i.keyword and i.keyword != "ONBUILD" else None,
        )
        for i in parsed.instructions
    ]


@pytest.fixture
def views():
    """(ours, oracle): functions from Dockerfile text to comparable instruction tuples."""
    return our_view, oracle_view
