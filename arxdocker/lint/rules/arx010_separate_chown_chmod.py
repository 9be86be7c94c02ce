"""ARX010 separate-chown-chmod."""

from __future__ import annotations

from collections.abc import Iterator

from arxdocker.lint.edits import delete, keyword_end
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
    Safe when the RUN holds only the chown/chmod of the COPY destination: the fix moves the
    owner or mode onto the COPY and removes the RUN. (`chown -R` also touched files that were
    already in that directory; the fix leaves those as they were.)

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
                if len(changes) == len(found) and not copy.flag("chown") and not copy.flag("chmod"):
                    line, column = keyword_end(copy)
                    fix = Fix(
                        f"Add `{flags.strip()}` to the COPY on line {copy.line}",
                        (Edit.insert(line, column, flags), delete(run)),
                    )
                yield self.finding(
                    ctx,
                    run,
                    f"`{changes[0].text()}` rewrites what the COPY on line {copy.line} added, "
                    "into a second layer",
                    help=f"Use `{copy.raw_keyword}{flags} ...` and drop this RUN",
                    fix=fix,
                    related=(copy.line,),
                )
