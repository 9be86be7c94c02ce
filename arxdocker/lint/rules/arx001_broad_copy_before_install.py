"""ARX001 broad-copy-before-install."""

from __future__ import annotations

from collections.abc import Iterator

from arxdocker.dockerfile.model import Instruction
from arxdocker.lint.fixes import install_first, move_before
from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule
from arxdocker.lint.tools import SYSTEM, dependency_install, system_install

BROAD = {".", "./", "*", "./*", "src", "src/", "app", "app/", "lib", "lib/"}


def is_broad_copy(instruction: Instruction) -> bool:
    if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from"):
        return False
    return not instruction.heredocs and any(s.strip("\"'") in BROAD for s in instruction.sources)


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
                run_commands = ctx.commands(instruction)
                for command in run_commands:
                    found = dependency_install(command) or system_install(command, run_commands)
                    if not found or found[0].name in done | {i[1] for i in installs}:
                        continue
                    if broad is None:
                        done.add(found[0].name)
                    else:
                        installs.append((instruction, found[0].name, found[1]))
            if broad is None or not installs:
                continue
            run, tool, manifests = installs[0]
            system = tool in SYSTEM
            yield self.finding(
                ctx,
                broad,
                f"`{broad.original.strip()}` (line {broad.line}) copies sources before the "
                f"{tool} install on line {run.line}; any source edit reinstalls "
                + ("the packages" if system else "every dependency"),
                help=f"Install the system packages before `{broad.original}`"
                if system
                else f"Copy {' '.join(manifests)} first and run the {tool} install before "
                f"`{broad.original}`",
                fix=move_before(ctx.dockerfile, broad, run)
                if system
                else install_first(ctx.dockerfile, broad, run, tool, manifests),
                related=(run.line,),
            )
