"""Fix builders shared by rules: each returns a `Fix` (text edits) or None when it is not safe."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Literal

from arxdocker.dockerfile.model import Dockerfile, Instruction
from arxdocker.dockerfile.shell import commands, top_level_and_chain
from arxdocker.lint.edits import command_start, indent_of, source_of
from arxdocker.lint.edits import position as position_of
from arxdocker.lint.model import Edit, Fix
from arxdocker.lint.rule import ContextFiles
from arxdocker.lint.suppress import is_suppression
from arxdocker.lint.tools import DependencyScript, dependency_install, dependency_script

# The manifests a fix copies first, per tool (None: the files the install names).
MANIFEST_COPY = {"npm": "package*.json", "pip": None, "go": "go.mod go.sum*"}
# What may stand between a broad COPY and the install it moves above: nothing the install reads.
MOVABLE_BETWEEN = {"LABEL", "EXPOSE"}


def _only_movable_between(dockerfile: Dockerfile, first: Instruction, last: Instruction) -> bool:
    between = dockerfile.instructions[first.index + 1 : last.index]
    return all(i.keyword in MOVABLE_BETWEEN for i in between)


def _suppression_above(dockerfile: Dockerfile, instruction: Instruction) -> str:
    """The `# arxdocker: ignore=...` line just above an instruction (it goes where it goes)."""
    above = dockerfile.line_text(instruction.line - 1) if instruction.line > 1 else ""
    return f"{above}\n" if is_suppression(above) else ""


def _delete_with_suppression(dockerfile: Dockerfile, instruction: Instruction) -> Edit:
    first = (
        instruction.line - 1 if _suppression_above(dockerfile, instruction) else instruction.line
    )
    return Edit.delete_lines(first, instruction.span.end_line)


def move_before(dockerfile: Dockerfile, target: Instruction, run: Instruction) -> Fix | None:
    """Move a RUN (that reads nothing from the context) above `target`."""
    if not _only_movable_between(dockerfile, target, run):
        return None
    moved = _suppression_above(dockerfile, run) + source_of(dockerfile, run)
    return Fix(
        f"Move the install on line {run.line} before `{target.original}`",
        (Edit.insert(target.line, 1, moved), _delete_with_suppression(dockerfile, run)),
    )


# pip options whose value is not a requirement (a URL, a folder of the image, a name).
_PIP_VALUE_OPTIONS = {
    "-i", "--index-url", "--extra-index-url", "-t", "--target", "--prefix", "--root",
    "--platform", "--python-version", "--implementation", "--abi", "--trusted-host", "--cert",
    "--client-cert", "--cache-dir", "--upgrade-strategy", "--only-binary", "--no-binary",
    "--progress-bar", "--log", "--timeout", "--retries", "--proxy", "--exists-action",
    "--report", "-C", "--config-settings", "--global-option", "--python",
}  # fmt: skip
_PIP_FILE_OPTIONS = {"-r", "--requirement", "-c", "--constraint"}
# A requirement that is a local path or an editable: it needs more of the sources than a file.
_LOCAL_REQUIREMENT = re.compile(r"^(?:-e\b|--editable\b|\.|/|file:|-f\b|--find-links\b)|@\s*file:")
# pip reads a requirement with a slash, or a wheel or archive name, as a path (unless a URL).
_PATH_REQUIREMENT = re.compile(r"^[^\s;@]*(?:/|\.whl\b|\.tar\.gz\b|\.zip\b)")


def _option(requirement: str) -> tuple[str, str]:
    """`-r base.txt`, `--requirement=base.txt`, `-rbase.txt` as (option, value); ("", "")
    for a requirement."""
    for option in ("--requirement", "--constraint", "-r", "-c"):
        value = requirement[len(option) :].lstrip(" =")
        if requirement.startswith(option) and value:
            return ("-r" if option in ("-r", "--requirement") else "-c"), value
    return "", ""


def pip_reads(words: tuple[str, ...], files: ContextFiles | None) -> tuple[str, ...] | None:
    """The files a `pip install -r FILE` reads: the -r/-c files it names and those they name in
    turn (read in the build context when it is known). None when it also installs a local path
    or an editable, which needs more than these files."""
    if "install" not in words:
        return None
    named: list[str] = []
    arguments = iter(words[words.index("install") + 1 :])
    for word in arguments:
        if word in _PIP_FILE_OPTIONS:
            named.append(next(arguments, ""))
        elif (included := _option(word))[0]:  # --requirement=FILE, -rFILE
            named.append(included[1])
        elif word in _PIP_VALUE_OPTIONS:
            value = next(arguments, "")
            if word in ("-f", "--find-links") and "://" not in value:
                return None
        elif word in ("-e", "--editable", "-f", "--find-links") or word.startswith("--find-links="):
            return None
        elif not word.startswith("-") and ("/" in word or word.startswith(".")):
            return None  # a local project, wheel or archive
    reads: list[str] = []
    while named:
        name = named.pop(0)
        if not name or name in reads:
            continue
        reads.append(name)
        text = files.text(name) if files is not None else None
        folder = PurePosixPath(name).parent
        for raw in (text or "").splitlines():
            requirement = raw.split(" #", 1)[0].strip()
            option, value = _option(requirement)
            if option:
                named.append(str(folder / value.strip()))
            elif _LOCAL_REQUIREMENT.search(requirement) or (
                "://" not in requirement and _PATH_REQUIREMENT.match(requirement)
            ):
                return None
    return tuple(reads)


# A dependency that is a path of the project, not a package from the registry.
_LOCAL_NPM_SPEC = ("file:", "link:", "portal:", "workspace:", "./", "../", "/", "~/")


def npm_fix_applicability(files: ContextFiles | None) -> Literal["safe", "unsafe"]:
    """Unsafe when package.json has workspaces, install hooks or local dependencies
    (`file:./libs/x`: they read other files of the project) or an .npmrc sits beside it
    (registry settings the fix would not copy)."""
    if files is None:
        return "safe"
    text = files.text("package.json")
    if files.kind(".npmrc") or text is None:
        return "unsafe" if files.kind(".npmrc") else "safe"
    try:
        manifest = json.loads(text)
    except ValueError:
        return "unsafe"
    if not isinstance(manifest, dict):
        return "unsafe"
    scripts = manifest.get("scripts")
    hooks = {"preinstall", "install", "postinstall", "prepare"} & set(
        scripts if isinstance(scripts, dict) else {}
    )
    local = any(
        isinstance(spec, str) and spec.startswith(_LOCAL_NPM_SPEC)
        for key in ("dependencies", "devDependencies", "optionalDependencies")
        if isinstance(manifest.get(key), dict)
        for spec in manifest[key].values()
    )
    return "unsafe" if hooks or local or manifest.get("workspaces") else "safe"


# `replace example.com/x => ./libs/x`: a module of the project, which `go mod download` reads.
_LOCAL_GO_REPLACE = re.compile(r"=>\s*(?:\.{1,2}/|/)", re.MULTILINE)


def go_fix_possible(files: ContextFiles | None) -> bool:
    """Whether `go mod download` can run on go.mod and go.sum alone: no workspace (go.work), no
    vendored modules (the build used no network), no local `replace`. What the folder lacks is
    not known (the Dockerfile's folder may not be the build context)."""
    if files is None:
        return True
    if files.kind("go.work") or files.kind("vendor"):
        return False
    return not _LOCAL_GO_REPLACE.search(files.text("go.mod") or "")


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
    # a suppression comment above the RUN applies to the moved install too
    lines += _suppression_above(dockerfile, run)
    lines += f"{indent}RUN{flags} {install or ' && '.join(_one_line(p) for p in head)}\n"
    edits = [Edit.insert(broad.line, 1, lines)]
    rest = pieces[len(head) :]
    if keep_run and keep_run(head):
        # The RUN stays as it was, but this pass claims its line: another rule's fix of it (a go
        # cache mount) must see the download moved above it first, in the next pass.
        edits.append(Edit.insert(run.line, 1, ""))
    elif rest:
        # the rest keeps its own lines and comments: only the moved commands are cut out
        start = command_start(dockerfile, run)
        after = after_and_operators(dockerfile, run, start, len(head))
        if after is not None:
            edits.append(Edit(*start, *after, ""))
        else:
            line = f"{indent_of(dockerfile, run)}RUN{flags} {' && '.join(rest)}\n"
            edits.append(Edit(run.line, 1, run.span.end_line + 1, 1, line))
    else:
        edits.append(_delete_with_suppression(dockerfile, run))
    return Fix(title, tuple(edits), applicability)


def _copied_already(dockerfile: Dockerfile, broad: Instruction, listed: str) -> bool:
    """Whether a COPY earlier in the broad COPY's stage already put these manifests where the
    broad COPY goes (`COPY go.mod go.sum ./` then `COPY . .`): only the install moves up."""
    wanted = {name.rstrip("*") for name in listed.split()}
    for earlier in reversed(dockerfile.instructions[: broad.index]):
        if earlier.keyword == "FROM":
            return False
        if earlier.keyword != "COPY" or earlier.flag("from"):
            continue
        sources = {source.rstrip("*") for source in earlier.sources}
        if wanted <= sources and earlier.destination.rstrip("/") == broad.destination.rstrip("/"):
            return True
    return False


def _copy_options(broad: Instruction) -> str:
    """The broad COPY's owner, mode and --link, which the manifests it copied first need too."""
    return "".join(f"{f.raw} " for f in broad.flags if f.name in ("chown", "chmod", "link"))


def _one_line(piece: str) -> str:
    """A command joined from continuation lines, its runs of blanks made one (none is quoted)."""
    return piece if "'" in piece or '"' in piece else " ".join(piece.split())


def after_and_operators(
    dockerfile: Dockerfile, run: Instruction, start: tuple[int, int], count: int
) -> tuple[int, int] | None:
    """Where the command after the `count`-th top-level `&&` of a RUN begins in the source,
    past continuations and comment lines; None when the source is not that simple."""
    text, escape = dockerfile.joined, dockerfile.escape
    end_line = run.span.end_line
    end = dockerfile.line_starts[end_line - 1] + len(dockerfile.line_text(end_line))
    position = dockerfile.line_starts[start[0] - 1] + start[1] - 1
    quote, seen = "", 0
    while position < end:
        char = text[position]
        if text[position - 1] == "\n" and text[position:end].lstrip(" \t").startswith("#"):
            newline = text.find("\n", position, end)
            position = end if newline < 0 else newline + 1  # a comment line in a continuation
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == escape:
            position += 1
        elif text.startswith("&&", position):
            seen += 1
            if seen == count:
                gap = re.compile(rf"(?:(?<=\n)[ \t]*#[^\n]*\n|[ \t]|{re.escape(escape)}[ \t]*\n)*")
                match = gap.match(text, position + 2, end)
                return position_of(dockerfile, match.end() if match else position + 2)
            position += 1
        position += 1
    return None


def _directory_of(destination: str) -> str:
    return destination if destination.endswith("/") else destination + "/"


def install_first(
    dockerfile: Dockerfile,
    broad: Instruction,
    run: Instruction,
    tool: str,
    manifests: tuple[str, ...],
    *,
    files: ContextFiles | None = None,
    folder: str = "",
) -> Fix | None:
    """Copy the manifests and run the install before `broad`; what follows `&&` stays.

    `folder` is the context folder the broad COPY copies (`src/`, or "" for the whole context),
    where the manifests come from. `files` is the build context as the RUN sees it (None when
    unknown): pip's requirement files are read for the files they include, npm's package.json
    for hooks and workspaces."""
    if tool not in MANIFEST_COPY or len(broad.args) < 2:
        return None
    applicability: Literal["safe", "unsafe"] = "safe"
    if tool == "pip":
        reads = pip_reads(_install_words(run, tool), files)
        if reads is None:
            return None
        manifests = reads
    if tool == "npm":
        applicability = npm_fix_applicability(files)
    if tool == "go" and not go_fix_possible(files):
        return None
    if any("/" in m or "$" in m for m in manifests):
        return None  # a path (or a build arg's value) the copy would not lay out the same
    copied = set(manifests)

    def is_install(piece: str) -> bool:
        found = commands(piece)
        if len(found) != 1 or (install := dependency_install(found[0])) is None:
            return False
        if install[0].name != tool:
            return False
        if tool == "pip":
            reads = pip_reads(found[0].words, files)
            return reads is not None and set(reads) <= copied
        return True

    listed = " ".join(
        folder + name for name in (MANIFEST_COPY[tool] or " ".join(manifests)).split()
    )
    copy = f"COPY {_copy_options(broad)}{listed} {_directory_of(broad.destination)}"
    return _head_first(
        dockerfile,
        broad,
        run,
        [] if _copied_already(dockerfile, broad, listed) else [copy],
        is_install,
        title=f"Copy {listed} and install before `{broad.original}`",
        install="go mod download" if tool == "go" else None,
        # a go build stays where it is; only the module download moves up
        keep_run=(lambda head: head != ["go mod download"]) if tool == "go" else None,
        applicability=applicability,
    )


def _install_words(run: Instruction, tool: str) -> tuple[str, ...]:
    """The words of the RUN's first install with `tool`."""
    for piece in top_level_and_chain(run.args[0]) or () if not run.json else ():
        found = commands(piece)
        install = dependency_install(found[0]) if len(found) == 1 else None
        if install is not None and install[0].name == tool:
            return found[0].words
    return ()


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
    options = _copy_options(broad)
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
    last = instruction.span.end_line
    begin = dockerfile.line_starts[instruction.span.line - 1]
    finish = dockerfile.line_starts[last - 1] + len(dockerfile.line_text(last))
    gap = rf"(?:[ \t]*{re.escape(dockerfile.escape)}[ \t]*\r?\n)*[ \t]*"
    # `a && rm x && b`: from the operator up to `&& b`; `a && rm x` at the end: from the end of a
    middle = re.compile(rf"(?:&&|;){gap}{command}{gap}(?=&&|;)")
    end = re.compile(rf"{gap}(?:&&|;){gap}{command}[ \t]*\Z")
    text = dockerfile.joined
    return [
        Edit(*position_of(dockerfile, match.start()), *position_of(dockerfile, match.end()), "")
        for pattern in (middle, end)
        for match in pattern.finditer(text, begin, finish)
    ]
