"""What BuildKit's instruction parser rejects after the Dockerfile parses: argument counts,
stage names, SHELL's form and unknown instructions (frontend/dockerfile/instructions/parse.go).

`docker buildx build` fails on these before any step runs, so lint reports them as it reports
a file that does not parse: `file:line: message`, with the messages BuildKit prints.
"""

from __future__ import annotations

import re

from arxdocker.dockerfile.model import Dockerfile, Instruction
from arxdocker.dockerfile.parser import DockerfileParseError

KNOWN = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
}  # fmt: skip
_AT_LEAST_ONE = {"ENV", "LABEL", "EXPOSE", "VOLUME", "ARG"}
_EXACTLY_ONE = {"WORKDIR", "USER", "STOPSIGNAL", "MAINTAINER"}
_STAGE_NAME = re.compile(r"^[a-z][a-z0-9-_.]*$")


def instruction_error(instruction: Instruction) -> str | None:
    """BuildKit's message for an instruction it would reject, or None."""
    keyword, args = instruction.keyword, [a for a in instruction.args if a != ""]
    if keyword not in KNOWN:
        return f"unknown instruction: {instruction.raw_keyword}"
    if keyword == "ONBUILD":
        sub = instruction.sub
        if sub is None:
            return "ONBUILD requires at least one argument"
        if sub.keyword in ("ONBUILD", "FROM", "MAINTAINER"):
            if sub.keyword == "ONBUILD":
                return "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
            return f"{sub.keyword} isn't allowed as an ONBUILD trigger"
        return instruction_error(sub)
    if keyword == "HEALTHCHECK" and not args:
        return "HEALTHCHECK requires at least one argument"
    if keyword == "FROM":
        if len(args) == 3 and args[1].lower() == "as":
            if not _STAGE_NAME.match(args[2].lower()):
                return (
                    f"invalid name for build stage: {args[2]!r}, name can't start with a "
                    "number or contain symbols"
                )
            return None
        return None if len(args) == 1 else "FROM requires either one or three arguments"
    if keyword in ("COPY", "ADD") and len(args) < 2:
        return (
            f"{keyword} requires at least two arguments, but only one was provided. "
            "Destination could not be determined."
        )
    if keyword in _AT_LEAST_ONE and not args:
        return f"{keyword} requires at least one argument"
    if keyword in _EXACTLY_ONE and len(args) != 1:
        return f"{keyword} requires exactly one argument"
    if keyword == "SHELL" and not instruction.json:
        return "SHELL requires the arguments to be in JSON form"
    return None


def check_instructions(dockerfile: Dockerfile) -> None:
    """Raise DockerfileParseError for the first instruction BuildKit would reject."""
    # A file without any FROM is linted as a fragment (a template part, as hadolint does);
    # instructions before the first FROM of a whole Dockerfile are an error.
    stage_started = not any(i.keyword == "FROM" for i in dockerfile.instructions)
    for instruction in dockerfile.instructions:
        stage_started = stage_started or instruction.keyword == "FROM"
        if not stage_started and instruction.keyword != "ARG":
            raise DockerfileParseError(
                dockerfile.path, instruction.line, "no build stage in current context"
            )
        message = instruction_error(instruction)
        if message is not None:
            raise DockerfileParseError(dockerfile.path, instruction.line, message)
