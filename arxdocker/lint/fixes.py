"""Fix builders shared by rules: each returns a `Fix` (text edits) or None when it is not safe."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Literal

from arxdocker.dockerfile.model import Dockerfile, Instruction
from arxdocker.dockerfile.shell import commands, top_level_and_chain
from arxdocker.lint.edits import delete, indent_of, source_of
from arxdocker.lint.model import Edit, Fix
from arxdocker.lint.tools import DependencyScript, dependency_install, dependency_script

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


def _head_first(
    dockerfile: Dockerfile,
    broad: Instruction,
    run: Instruction,
    copies: list[str],
    is_head: Callable[[str], bool],
    *,
    title: str,
    install: str | None = None,
    keep_run: Callable[[list[str]], bool] | None = None,
    applicability: Literal["safe", "unsafe"] = "safe",
) -> Fix | None:
    """Insert `copies` and the RUN's leading install pieces before `broad`; the rest stays."""
    if run.json or run.heredocs or not _only_movable_between(dockerfile, broad, run):
        return None
    pieces = top_level_and_chain(run.args[0])
    head = [p for p in pieces or () if is_head(p)]
    if not pieces or not head or pieces[: len(head)] != head:
        return None
    flags = "".join(f" {f.raw}" for f in run.flags)
    indent = indent_of(dockerfile, broad)
    lines = "".join(f"{indent}{copy}\n" for copy in copies)
    lines += f"{indent}RUN{flags} {install or ' && '.join(head)}\n"
    edits = [Edit.insert(broad.line, 1, lines)]
    rest = pieces[len(head) :]
    if keep_run and keep_run(head):
        pass
    elif rest:
        line = f"{indent_of(dockerfile, run)}RUN{flags} {' && '.join(rest)}\n"
        edits.append(Edit(run.line, 1, run.span.end_line + 1, 1, line))
    else:
        edits.append(delete(run))
    return Fix(title, tuple(edits), applicability)


def _directory_of(destination: str) -> str:
    return destination if destination.endswith("/") else destination + "/"


def install_first(
    dockerfile: Dockerfile,
    broad: Instruction,
    run: Instruction,
    tool: str,
    manifests: tuple[str, ...],
) -> Fix | None:
    """Copy the manifests and run the install before `broad`; what follows `&&` stays."""
    if tool not in MANIFEST_COPY or len(broad.args) < 2 or any("/" in m for m in manifests):
        return None
    files = MANIFEST_COPY[tool] or " ".join(manifests)
    return _head_first(
        dockerfile,
        broad,
        run,
        [f"COPY {files} {_directory_of(broad.destination)}"],
        _is_install,
        title=f"Copy {files} and install before `{broad.original}`",
        install="go mod download" if tool == "go" else None,
        # a go build stays where it is; only the module download moves up
        keep_run=(lambda head: head != ["go mod download"]) if tool == "go" else None,
    )


def script_first(
    dockerfile: Dockerfile,
    broad: Instruction,
    run: Instruction,
    found: DependencyScript,
    applicability: Literal["safe", "unsafe"],
) -> Fix | None:
    """Copy a dependency script and its manifests (paths kept) and run it before `broad`."""
    if len(broad.args) != 2 or broad.sources[0].strip("\"'") not in (".", "./"):
        return None  # only a copy of the whole context keeps the script's relative paths
    base = _directory_of(broad.destination)
    by_folder: dict[str, list[str]] = {}
    for file in found.files:
        path = PurePosixPath(file)
        if ".." in path.parts:
            return None
        folder = "" if str(path.parent) == "." else f"{path.parent}/"
        by_folder.setdefault(folder, []).append(str(path))
    keep = [f.raw for f in broad.flags if f.name in ("chown", "chmod", "link")]
    options = "".join(f"{flag} " for flag in keep)
    copies = [
        f"COPY {options}{' '.join(files)} {(folder or base) if base == './' else base + folder}"
        for folder, files in by_folder.items()
    ]

    def runs_script(piece: str) -> bool:
        parsed = commands(piece)
        return len(parsed) == 1 and found.runs_the_same(dependency_script(parsed[0]))

    return _head_first(
        dockerfile,
        broad,
        run,
        copies,
        runs_script,
        title=f"Copy {' '.join(found.files)} and run {found.label} before `{broad.original}`",
        applicability=applicability,
    )


def remove_pattern(dockerfile: Dockerfile, instruction: Instruction, pattern: str) -> list[Edit]:
    """Edits deleting every match of `pattern` on the instruction's lines."""
    edits = []
    for number in range(instruction.span.line, instruction.span.end_line + 1):
        for match in re.finditer(pattern, dockerfile.line_text(number)):
            edits.append(Edit(number, match.start() + 1, number, match.end() + 1, ""))
    return edits


def remove_chained(dockerfile: Dockerfile, instruction: Instruction, command: str) -> list[Edit]:
    """Edits deleting a command (a regex) chained after another with `&&` or `;` in a RUN, with
    the operator before it and across continuation lines, so that no line is left ending in a
    continuation with nothing after it."""
    first, last = instruction.span.line, instruction.span.end_line
    text = "\n".join(dockerfile.lines[first - 1 : last])
    gap = rf"(?:[ \t]*{re.escape(dockerfile.escape)}[ \t]*\r?\n)*[ \t]*"
    # `a && rm x && b`: from the operator up to `&& b`; `a && rm x` at the end: from the end of a
    middle = rf"(?:&&|;){gap}{command}{gap}(?=&&|;)"
    end = rf"{gap}(?:&&|;){gap}{command}[ \t]*\Z"
    edits = []
    for match in [*re.finditer(middle, text), *re.finditer(end, text)]:
        start_line, start_column = _line_column(text, match.start())
        end_line, end_column = _line_column(text, match.end())
        edits.append(
            Edit(first + start_line - 1, start_column, first + end_line - 1, end_column, "")
        )
    return edits


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
