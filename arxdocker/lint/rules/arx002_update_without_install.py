"""ARX002 update-without-install."""

from __future__ import annotations

from collections.abc import Iterator

from arxdocker.dockerfile.model import Instruction
from arxdocker.dockerfile.shell import top_level_and_chain
from arxdocker.lint.edits import command_start, delete
from arxdocker.lint.model import Edit, Finding, Fix
from arxdocker.lint.rule import LintContext, Rule
from arxdocker.lint.tools import install_tool, is_update

HARMLESS = {"set", "true", "export"}


class UpdateWithoutInstall(Rule):
    """
    ## What it does
    Flags a RUN that only refreshes a package index (`apt-get update`, `apk update`,
    `yum makecache`, `dnf makecache`) without installing anything in the same RUN.

    ## Why is this bad?
    The index refresh is cached as its own layer. When a later RUN's package list changes, that
    RUN reuses the stale cached index and installs outdated or missing package versions; and the
    index files stay in a layer of the image.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update
    RUN apt-get install -y --no-install-recommends curl
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Fix safety
    Safe: the update RUN is removed and its command is prefixed to the next RUN of the stage,
    when that RUN is in shell form, a plain `&&` chain (so `|| true` cannot swallow a failed
    update), and installs with the same package manager. No fix when
    another RUN comes between them, or when the update RUN has flags (such as a secret mount
    for an authenticated repository) that the install RUN lacks.

    ## References
    - https://docs.docker.com/build/building/best-practices/#apt-get
    - hadolint DL3009 (the related "delete the apt lists" rule)
    """

    code = "ARX002"
    name = "update-without-install"
    severity = "warning"
    fix_title = "Run the index update in the same RUN as the install"
    fix_priority = 10  # merge before ARX001 moves the install

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for stage in ctx.stages.stages:
            for position, instruction in enumerate(stage.instructions):
                found = ctx.commands(instruction)
                managers = {is_update(command) for command in found} - {None}
                if not managers or any(not is_update(c) and c.name not in HARMLESS for c in found):
                    continue
                manager = sorted(m for m in managers if m)[0]
                later = [i for i in stage.instructions[position + 1 :] if i.keyword == "RUN"]
                install = next((i for i in later if manager in _tools(ctx, i)), None)
                fix = None
                if (
                    install is not None
                    and install is later[0]
                    and not install.json
                    and not install.heredocs
                    and {f.raw for f in instruction.flags} <= {f.raw for f in install.flags}
                    # `update && a || true` would swallow a failed update: only an && chain
                    and top_level_and_chain(install.args[0]) is not None
                    # an install RUN that updates already needs no second update
                    and not any(is_update(c) for c in ctx.commands(install))
                ):
                    # the install's own flags only: a mount the update needed (an auth secret)
                    # would be lost, so an update with flags the install lacks is not merged
                    update = instruction.args[0].strip() if not instruction.heredocs else ""
                    if update and len(found) == 1:
                        line, column = command_start(ctx.dockerfile, install)
                        fix = Fix(
                            f"Merge `{update}` into the install on line {install.line}",
                            (delete(instruction), Edit.insert(line, column, f"{update} && ")),
                        )
                where = f"the install on line {install.line}" if install else "any install"
                yield self.finding(
                    ctx,
                    instruction,
                    f"`{instruction.original.strip()}` runs in a RUN of its own; {where} can "
                    "reuse this stale cached index",
                    fix=fix,
                    related=(install.line,) if install else (),
                )


def _tools(ctx: LintContext, run: Instruction) -> set[str]:
    return {getattr(install_tool(c), "name", "") for c in ctx.commands(run)}
