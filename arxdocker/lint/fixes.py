"""Fix builders shared by rules: each returns a `Fix` (text edits) or None when it is not safe."""

from __future__ import annotations

import re

from arxdocker.dockerfile.model import Dockerfile, Instruction
from arxdocker.dockerfile.shell import commands, top_level_and_chain
from arxdocker.lint.edits import delete, indent_of, source_of
from arxdocker.lint.model import Edit, Fix
from arxdocker.lint.tools import dependency_install

# The manifests a fix copies first, per tool (None: the files the install names).
MANIFEST_COPY = {"npm": "package*.json", "pip": None, "go": "go.mod go.sum*"}
# What may stand between a broad COPY and the install it moves above: nothing the install reads.
MOVABLE_BETWEEN = {"LABEL", "EXPOSE"}


def _only_movable_between(dockerfile: Dockerfile, first: Instruction, last: Instruction) -> bool:
    between = dockerfile.instructions[first.index + 1 : last.index]
    return all(i.keyword in MOVABLE_BETWEEN for i in between)


def move_before(dockerfile: Dockerfile, target: Instruction, run: Instruction) -> Fix | None:
    """Move a RUN (that reads nothing from the context) above `target`."""
    if not _only_movable_between(dockerfile, target, run):
        return None
    return Fix(
        f"Move the install on line {run.line} before `{target.original}`",
        (Edit.insert(target.line, 1, source_of(dockerfile, run)), delete(run)),
    )


def _is_install(piece: str) -> bool:
    found = commands(piece)
    return len(found) == 1 and dependency_install(found[0]) is not None


def install_first(
    dockerfile: Dockerfile,
    broad: Instruction,
    run: Instruction,
    tool: str,
    manifests: tuple[str, ...],
) -> Fix | None:
    """Copy the manifests and run the install before `broad`; what follows `&&` stays."""
    if tool not in MANIFEST_COPY or run.json or run.heredocs or len(broad.args) < 2:
        return None
    if not _only_movable_between(dockerfile, broad, run) or any("/" in m for m in manifests):
        return None
    pieces = top_level_and_chain(run.args[0])
    head = [p for p in pieces or () if _is_install(p)]
    if not pieces or not head or pieces[: len(head)] != head:
        return None
    files = MANIFEST_COPY[tool] or " ".join(manifests)
    dest = broad.destination if broad.destination.endswith("/") else broad.destination + "/"
    flags = "".join(f" {f.raw}" for f in run.flags)
    indent = indent_of(dockerfile, broad)
    install = " && ".join(head) if tool != "go" else "go mod download"
    edits = [
        Edit.insert(broad.line, 1, f"{indent}COPY {files} {dest}\n{indent}RUN{flags} {install}\n")
    ]
    rest = pieces[len(head) :]
    if tool == "go" and head != ["go mod download"]:
        pass  # the build stays where it is; only the module download moves up
    elif rest:
        line = f"{indent_of(dockerfile, run)}RUN{flags} {' && '.join(rest)}\n"
        edits.append(Edit(run.line, 1, run.span.end_line + 1, 1, line))
    else:
        edits.append(delete(run))
    return Fix(f"Copy {files} and install before `{broad.original}`", tuple(edits))


def remove_pattern(dockerfile: Dockerfile, instruction: Instruction, pattern: str) -> list[Edit]:
    """Edits deleting every match of `pattern` on the instruction's lines."""
    edits = []
    for number in range(instruction.span.line, instruction.span.end_line + 1):
        for match in re.finditer(pattern, dockerfile.line_text(number)):
            edits.append(Edit(number, match.start() + 1, number, match.end() + 1, ""))
    return edits
