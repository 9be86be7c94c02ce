"""ARX010 separate-chown-chmod."""

from __future__ import annotations

import re
from collections.abc import Iterator

from arxdocker.dockerfile.model import Instruction
from arxdocker.dockerfile.shell import Command
from arxdocker.lint.edits import delete, keyword_end, source_of
from arxdocker.lint.model import Edit, Finding, Fix
from arxdocker.lint.rule import LintContext, Rule, join_path


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
    The fix moves the owner or mode onto the COPY, when the RUN holds only the chown/chmod of
    the COPY destination, the owner names its group (`user:group`; `--chown=user` alone would
    set the group to the user's id) and the mode is octal (letters need Dockerfile syntax
    1.14). It is safe when the destination is the working directory, which exists before the
    COPY: the RUN moves before the COPY, where it still sets the folder and whatever was in it
    before (from the base image or an earlier stage) and the cache keeps it, and the COPY sets
    what it adds. Otherwise the fix drops the RUN and is unsafe: the COPY may create the folder
    and its parents, or the folder may hold files from before that `-R` changed too. No fix for
    a value the shell computes (`$(id -u app)`), a named owner on a `COPY --link` (BuildKit
    cannot look names up there: "invalid user index"), or an ADD that unpacks an archive
    (BuildKit before 0.23 ignores `--chown` for its members).

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
                    and all(_expressible(command, copy) for command in changes)
                    and not _unpacks_an_archive(copy)
                ):
                    fix = self._fix(ctx, copy, run, flags=flags, dest=dest)
                yield self.finding(
                    ctx,
                    run,
                    f"`{changes[0].text()}` rewrites what the COPY on line {copy.line} added, "
                    "into a second layer",
                    help=f"Use `{copy.raw_keyword}{flags} ...` and drop "
                    + ("this RUN" if len(changes) == len(found) else "its -R change from this RUN")
                    + ("" if fix is None or fix.applicability == "safe" else UNSAFE_NOTE),
                    fix=fix,
                    related=(copy.line,),
                )

    def _fix(self, ctx, copy, run, *, flags, dest) -> Fix:
        line, column = keyword_end(copy)
        title = f"Add `{flags.strip()}` to the COPY on line {copy.line}"
        if dest != ctx.workdir(copy):
            # the COPY may create the folder and its parents, whose owner or mode then differ
            # from what `-R` gave; or the folder held files from before, which `-R` changed too
            return Fix(title, (Edit.insert(line, column, flags), delete(run)), "unsafe")
        # The folder exists (WORKDIR made it): the same RUN before the COPY still sets what was
        # there before (the folder itself, files of the base image or an earlier stage), where
        # the cache keeps it, and the COPY sets what it adds.
        moved = source_of(ctx.dockerfile, run)
        return Fix(
            title,
            (Edit.insert(copy.line, 1, moved), Edit.insert(line, column, flags), delete(run)),
        )


UNSAFE_NOTE = (
    " (not fixed by --fix: the COPY may create its destination folder, or the folder may hold"
    " files from before, whose owners or modes would then differ; review with --diff"
    " --unsafe-fixes)"
)


def _expressible(command: Command, copy: Instruction) -> bool:
    """Whether COPY can set what this chown/chmod sets, on the engines we support: an owner
    with its group (`--chown=user` alone sets the group to the user's id, which `chown user`
    does not), and an octal mode (letters need Dockerfile syntax 1.14). A value the shell
    computes (`$(id -u app)`) is not one a flag can hold; with `--link`, an owner must be
    numeric (BuildKit cannot look names up in a linked layer: "invalid user index")."""
    value = next((w for w in command.words[1:] if not w.startswith("-")), "")
    if "$(" in value or "`" in value or any(c.isspace() for c in value):
        return False
    if command.name == "chown":
        user, colon, group = value.partition(":")
        if copy.flag("link") is not None and not (user.isdigit() and group.isdigit()):
            return False
        return bool(user and colon and group)
    return re.fullmatch(r"[0-7]{3,4}", value) is not None


_ARCHIVE = re.compile(r"\.(tar|tgz|tar\.(gz|bz2|xz|zst)|tbz2?|txz)$", re.IGNORECASE)


def _unpacks_an_archive(copy: Instruction) -> bool:
    """ADD of a local archive unpacks it; BuildKit before 0.23 ignores --chown for its members."""
    return copy.keyword == "ADD" and any(
        _ARCHIVE.search(source.strip("\"'")) and "://" not in source for source in copy.sources
    )
