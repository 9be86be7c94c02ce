"""Where in the Dockerfile a build failed: the line of the failing instruction.

buildx prints the failing instruction with its context after the error:

    Dockerfile:18
    --------------------
      17 |     COPY src/ src/
      18 | >>> RUN FAIL_TESTS=${FAIL_TESTS} sh src/test.sh
    --------------------

`snippet_location` reads that. When it is missing (a log cut short, an older buildx),
`instruction_line` finds the step's instruction in the Dockerfile with the parser: the
instruction of the same keyword in the step's stage whose text matches, variables read as
wildcards. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from arxdocker.analysis.report import Step

_HEADER = re.compile(r"^(?P<file>\S+):(?P<line>\d+)$")
_MARKED = re.compile(r"^\s*(?P<line>\d+) \| >>>")
_VARIABLE = re.compile(r"\\\$\\\{[^}]*\\\}|\\\$[A-Za-z_][A-Za-z0-9_]*")


def snippet_location(text_lines: Iterable[str]) -> tuple[str, int] | None:
    """The first `FILE:LINE` snippet header buildx printed, as (FILE, LINE)."""
    lines = [line.rstrip("\n") for line in text_lines]
    for number, line in enumerate(lines):
        header = _HEADER.match(line.strip())
        if header is None:
            continue
        following = lines[number + 1 : number + 2]
        if following and following[0].strip().startswith("-----"):
            return header["file"], int(header["line"])
    for line in lines:
        marked = _MARKED.match(line)
        if marked:
            return "Dockerfile", int(marked["line"])
    return None


def instruction_line(dockerfile_text: str, step: Step) -> int | None:
    """The first line of `step`'s instruction in the Dockerfile, or None when nothing matches."""
    from arxdocker.dockerfile.parser import parse_text
    from arxdocker.dockerfile.stages import build_stages

    model = build_stages(parse_text(dockerfile_text))
    keyword, _, rest = step.instruction.strip().partition(" ")
    candidates = []
    for stage in model.stages:
        if step.stage and stage.name and stage.name.lower() != step.stage.lower():
            continue
        for instruction in stage.instructions:
            if instruction.keyword == keyword.upper():
                candidates.append(instruction)
    wanted = " ".join(rest.split())
    for instruction in candidates:
        text = " ".join(instruction.original.split(None, 1)[1:])
        pattern = _VARIABLE.sub(".*", re.escape(" ".join(text.split())))
        if re.fullmatch(pattern, wanted, re.DOTALL):
            return instruction.span.line
    return candidates[0].span.line if len(candidates) == 1 else None
