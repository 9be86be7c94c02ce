"""ARX010 separate-chown-chmod."""

from __future__ import annotations

import re
from collections.abc import Iterator

from arxdocker.dockerfile.model import Instruction
from arxdocker.dockerfile.shell import Command, commands
from arxdocker.lint.edits import delete, indent_of, keyword_end
from arxdocker.lint.model import Edit, Finding, Fix
from arxdocker.lint.rule import LintContext, Rule, join_path
from arxdocker.lint.tools import system_install


class SeparateChownChmod(Rule):
    """
    ## What it does
    Flags `RUN chown -R` or `RUN chmod -R` of what the COPY (or ADD) just before it added.

    ## Why is this bad?
    The RUN writes a second copy of every file into a new layer, just to change owners or
    modes: the image grows by the size of the copy, and the step reruns whenever the COPY does.
    `COPY --chown=` and `COPY --chmod=` set them while copying.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . /app
    RUN chown -R app:app /app
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY --chown=app:app . /app
    ```

    ## Fix safety
    The fix moves the owner or mode onto the COPY and removes the RUN, when the RUN holds only
    the chown/chmod of the COPY destination, the owner names its group (`user:group`) and the
    mode is octal. It is safe when the destination is the working directory, made by a WORKDIR
    of the stage with nothing written into it before the COPY: a non-recursive
    `RUN chown user:group DIR` before the COPY then keeps the folder's own owner, which `-R`
    set. Otherwise the fix is unsafe: the folder may hold files from before, which `-R` changed
    too, or the COPY may create the folder and its parents.

    ## References
    - https://docs.docker.com/reference/dockerfile/#copy---chown---chmod
    """

    code = "ARX010"
    name = "separate-chown-chmod"
    severity = "warning"
    fix_title = "Use `COPY --chown=`/`--chmod=` instead of a RUN after the COPY"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for stage in ctx.stages.stages:
            pairs = zip(stage.instructions, stage.instructions[1:], strict=False)
            for copy, run in pairs:
                if copy.keyword not in ("COPY", "ADD") or run.keyword != "RUN" or copy.heredocs:
                    continue
                dest = join_path(ctx.workdir(copy), copy.destination)
                found = ctx.commands(run)
                changes = [
                    c
                    for c in found
                    if c.name in ("chown", "chmod")
                    and ("-R" in c.words or "--recursive" in c.words)
                    and join_path(ctx.workdir(run), c.words[-1]) == dest
                ]
                if not changes:
                    continue
                flags = ""
                for command in changes:
                    value = next(w for w in command.words[1:] if not w.startswith("-"))
                    flags += f" --{command.name}={value}"
                fix = None
                if (
                    len(changes) == len(found)
                    and not copy.flag("chown")
                    and not copy.flag("chmod")
                    and all(_expressible(command) for command in changes)
                ):
                    fix = self._fix(
                        ctx, stage.instructions, copy, run, changes, flags=flags, dest=dest
                    )
                yield self.finding(
                    ctx,
                    run,
                    f"`{changes[0].text()}` rewrites what the COPY on line {copy.line} added, "
                    "into a second layer",
                    help=f"Use `{copy.raw_keyword}{flags} ...` and drop this RUN"
                    + ("" if fix is None or fix.applicability == "safe" else UNSAFE_NOTE),
                    fix=fix,
                    related=(copy.line,),
                )

    def _fix(self, ctx, instructions, copy, run, changes, *, flags, dest) -> Fix:
        line, column = keyword_end(copy)
        edits = [Edit.insert(line, column, flags), delete(run)]
        if dest != ctx.workdir(copy) or not _fresh_workdir(instructions, copy):
            # the COPY may create the folder (and its parents), or the folder may hold files
            # from before: owners or modes could differ from what `-R` gave
            return Fix(f"Add `{flags.strip()}` to the COPY on line {copy.line}", tuple(edits),
                       "unsafe")  # fmt: skip
        # WORKDIR made the folder, empty: `-R` also set the folder's own owner or mode, which
        # COPY --chown/--chmod leave alone, so a non-recursive RUN keeps it, before the COPY
        # where the cache keeps it
        indent = indent_of(ctx.dockerfile, copy)
        folder = "".join(
            f"{indent}RUN {command.name} "
            f"{next(w for w in command.words[1:] if not w.startswith('-'))} {dest}\n"
            for command in changes
        )
        edits.append(Edit.insert(copy.line, 1, folder))
        return Fix(f"Add `{flags.strip()}` to the COPY on line {copy.line}", tuple(edits))


UNSAFE_NOTE = (
    " (not fixed by --fix: the COPY may create its destination folder, or the folder may hold"
    " files from before, whose owners or modes would then differ; review with --diff"
    " --unsafe-fixes)"
)
# What may stand between a WORKDIR and the COPY for its folder to be still empty.
_QUIET = {"ARG", "ENV", "LABEL", "EXPOSE", "USER", "SHELL", "STOPSIGNAL", "HEALTHCHECK", "CMD",
          "ENTRYPOINT", "VOLUME", "ONBUILD"}  # fmt: skip


def _expressible(command: Command) -> bool:
    """Whether COPY can set what this chown/chmod sets, on the engines we support: an owner
    with its group (`--chown=user` alone sets the group to the user's id, which `chown user`
    does not), and an octal mode (letters need Dockerfile syntax 1.14)."""
    value = next((w for w in command.words[1:] if not w.startswith("-")), "")
    if command.name == "chown":
        user, colon, group = value.partition(":")
        return bool(user and colon and group)
    return re.fullmatch(r"[0-7]{3,4}", value) is not None


def _fresh_workdir(instructions: list[Instruction], copy: Instruction) -> bool:
    """Whether a WORKDIR of this stage made the COPY's folder, with nothing that could write
    into it between them but system package installs."""
    for earlier in reversed(instructions[: instructions.index(copy)]):
        if earlier.keyword == "WORKDIR":
            return True
        if earlier.keyword in _QUIET:
            continue
        if earlier.keyword == "RUN" and not earlier.heredocs and not earlier.json:
            run = commands(earlier.args[0])
            if run and any(system_install(c, run) for c in run):
                continue
        return False
    return False
