"""ARX001 broad-copy-before-install."""

from __future__ import annotations

from collections.abc import Iterator

from arxdocker.dockerfile.model import Instruction
from arxdocker.dockerfile.shell import commands, top_level_and_chain
from arxdocker.lint.edits import delete, indent_of, source_of
from arxdocker.lint.model import Edit, Finding, Fix
from arxdocker.lint.rule import LintContext, Rule
from arxdocker.lint.tools import dependency_install, install_tool

BROAD = {".", "./", "*", "./*", "src", "src/", "app", "app/", "lib", "lib/"}
FIXABLE = {"npm": "package*.json", "pip": None, "go": "go.mod go.sum*"}
MOVABLE_BETWEEN = {"LABEL", "EXPOSE"}
SYSTEM = {"apt", "apk", "yum", "dnf"}
SYSTEM_COMMANDS = {"apt-get", "apt", "apk", "yum", "dnf", "microdnf", "rm", "set", "true", "echo"}


def is_broad_copy(instruction: Instruction) -> bool:
    if (
        instruction.keyword not in ("COPY", "ADD")
        or instruction.flag("from")
        or instruction.heredocs
    ):
        return False
    return any(source.strip("\"'") in BROAD for source in instruction.sources)


class BroadCopyBeforeInstall(Rule):
    """
    ## What it does
    Flags a COPY of the whole build context (or a source directory) that comes before a
    dependency install (npm, yarn, pnpm, pip, uv, poetry, go, cargo, maven, gradle, bundler,
    composer, dotnet), or before a system package install (apt, apk, yum, dnf) that does not
    need the sources, in the same stage.

    ## Why is this bad?
    BuildKit caches a step only while everything before it is unchanged. After `COPY . .`, any
    edit to any source file invalidates the install, so every build downloads and installs every
    dependency again. Copying only the manifests first keeps the install cached until they change.

    ## Example
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY . .
    RUN npm ci
    CMD ["node", "server.js"]
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci
    COPY . .
    CMD ["node", "server.js"]
    ```

    ## Fix safety
    Safe for npm (`npm ci`/`npm install`), pip (`pip install -r FILE`) and go (`go mod download`,
    `go build`) when the install follows the broad COPY with nothing in between that it could
    depend on: the manifest COPY and the install move before the broad COPY; other commands
    chained after the install with `&&` stay where they were. Safe for a RUN that runs only
    package-manager commands (apt-get, apk, yum, dnf, rm): it moves before the broad COPY.

    ## References
    - https://docs.docker.com/build/cache/optimize/#order-your-layers
    """

    code = "ARX001"
    name = "broad-copy-before-install"
    severity = "warning"
    fix_title = "Copy the dependency manifests and install before copying the rest of the sources"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for stage in ctx.stages.stages:
            broad: Instruction | None = None
            installs: list[tuple[Instruction, str, tuple[str, ...]]] = []
            done: set[str] = set()  # tools that installed before the broad COPY
            for instruction in stage.instructions:
                if broad is None and is_broad_copy(instruction):
                    broad = instruction
                for command in ctx.commands(instruction):
                    found = dependency_install(command) or system_install(ctx, instruction, command)
                    if not found or found[0].name in done | {i[1] for i in installs}:
                        continue
                    if broad is None:
                        done.add(found[0].name)
                    else:
                        installs.append((instruction, found[0].name, found[1]))
            if broad is None or not installs:
                continue
            run, tool, manifests = installs[0]
            names = " ".join(manifests)
            if tool in SYSTEM:
                yield self.finding(
                    ctx,
                    broad,
                    f"`{broad.original.strip()}` (line {broad.line}) copies sources before the "
                    f"{tool} install on line {run.line}; any source edit reinstalls the packages",
                    help=f"Install the system packages before `{broad.original}`",
                    fix=self._move_up(ctx, broad, run),
                    related=(run.line,),
                )
                continue
            yield self.finding(
                ctx,
                broad,
                f"`{broad.original.strip()}` (line {broad.line}) copies sources before the "
                f"{tool} install on line {run.line}; any source edit reinstalls every dependency",
                help=f"Copy {names} first and run the {tool} install before `{broad.original}`",
                fix=self._fix(ctx, broad, run, tool, manifests),
                related=(run.line,),
            )

    def _move_up(self, ctx, broad, run) -> Fix | None:
        between = ctx.dockerfile.instructions[broad.index + 1 : run.index]
        if any(i.keyword not in MOVABLE_BETWEEN for i in between):
            return None
        text = source_of(ctx.dockerfile, run)
        return Fix(
            f"Move the install on line {run.line} before `{broad.original}`",
            (Edit.insert(broad.line, 1, text), delete(run)),
        )

    def _fix(self, ctx, broad, run, tool, manifests) -> Fix | None:
        if tool not in FIXABLE or run.json or run.heredocs or len(broad.args) < 2:
            return None
        between = ctx.dockerfile.instructions[broad.index + 1 : run.index]
        if any(i.keyword not in MOVABLE_BETWEEN for i in between):
            return None
        pieces = top_level_and_chain(run.args[0])
        if not pieces:
            return None
        head = [p for p in pieces if dependency_install_text(p)]
        if not head or pieces[: len(head)] != head:
            return None
        if any("/" in name for name in manifests):
            return None
        files = FIXABLE[tool] or " ".join(manifests)
        dest = broad.destination if broad.destination.endswith("/") else broad.destination + "/"
        flags = "".join(f" {f.raw}" for f in run.flags)
        indent = indent_of(ctx.dockerfile, broad)
        install = " && ".join(head) if tool != "go" else "go mod download"
        text = f"{indent}COPY {files} {dest}\n{indent}RUN{flags} {install}\n"
        edits = [Edit.insert(broad.line, 1, text)]
        rest = pieces[len(head) :]
        if tool == "go" and head != ["go mod download"]:
            pass  # the build stays where it is; only the module download moves up
        elif rest:
            line = f"{indent_of(ctx.dockerfile, run)}RUN{flags} {' && '.join(rest)}\n"
            edits.append(Edit(run.line, 1, run.span.end_line + 1, 1, line))
        else:
            edits.append(delete(run))
        return Fix(f"Copy {files} and install before `{broad.original}`", tuple(edits))


def system_install(ctx: LintContext, run: Instruction, command) -> tuple | None:
    """An apt/apk/yum/dnf install in a RUN that runs only package-manager commands."""
    tool = install_tool(command)
    if tool is None or tool.name not in SYSTEM:
        return None
    names = {c.name for c in ctx.commands(run)}
    return (tool, ()) if names <= SYSTEM_COMMANDS else None


def dependency_install_text(piece: str) -> bool:
    found = commands(piece)
    return len(found) == 1 and dependency_install(found[0]) is not None
