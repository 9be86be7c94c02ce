"""ARX011 copy-link-opportunity."""

from __future__ import annotations

from collections.abc import Iterator

from arxdocker.lint.edits import keyword_end
from arxdocker.lint.model import Edit, Finding, Fix
from arxdocker.lint.rule import LintContext, Rule


class CopyLinkOpportunity(Rule):
    """
    ## What it does
    Flags `COPY --from=` of a build stage or image, with an absolute destination, that does not
    use `--link`.

    ## Why is this bad?
    Without `--link`, the copied layer depends on every layer below it: a new base image (or a
    change to an earlier step) forces the copy to run again and the layer to be re-pushed. With
    `--link` the files form an independent layer that is reused, and rebased onto a new base
    image without copying.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /out/app ./cmd/app
    FROM gcr.io/distroless/static-debian12:nonroot
    COPY --from=build /out/app /usr/local/bin/app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /out/app ./cmd/app
    FROM gcr.io/distroless/static-debian12:nonroot
    COPY --link --from=build /out/app /usr/local/bin/app
    ```

    ## Fix safety
    Unsafe, so `--fix` does not apply it: with `--link` the destination path cannot go through
    symlinks of the base image, and a `--chown` by name cannot read the base's /etc/passwd.

    ## References
    - https://docs.docker.com/reference/dockerfile/#copy---link
    """

    code = "ARX011"
    name = "copy-link-opportunity"
    severity = "info"
    fix_title = "Add `--link` to the COPY"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instruction in ctx.dockerfile.instructions:
            if instruction.keyword != "COPY" or instruction.flag("link"):
                continue
            source = instruction.flag("from")
            owner = instruction.flag("chown")
            if source is None or not instruction.destination.startswith("/"):
                continue
            if owner and not (owner.value or "").replace(":", "").isdigit():
                continue
            line, column = keyword_end(instruction)
            yield self.finding(
                ctx,
                instruction,
                f"COPY --from={source.value} without --link reruns when any earlier layer changes",
                fix=Fix("Add `--link`", (Edit.insert(line, column, " --link"),), "unsafe"),
            )
