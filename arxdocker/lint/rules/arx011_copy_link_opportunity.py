"""ARX011 copy-link-opportunity."""

from __future__ import annotations

from collections.abc import Iterator

from arxdocker.dockerfile.model import Instruction
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
    symlinks of the base image, and a `--chown` by name cannot read the base's /etc/passwd. Not
    offered for one source copied onto a folder every base image has, written without a
    trailing `/` (`COPY --from=build /out/server /usr/local/bin`): without `--link` the file
    lands in that folder, with `--link` it would replace the folder (moby/buildkit#4325).

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
            fix: Fix | None = Fix("Add `--link`", (Edit.insert(line, column, " --link"),), "unsafe")
            help_text = None
            if _file_or_folder(instruction):
                fix = None
                help_text = (
                    f"with --link, `{instruction.destination}` is the file itself, even where the "
                    f"base has a folder there: write `{instruction.destination}/` for the folder"
                )
            yield self.finding(
                ctx,
                instruction,
                f"COPY --from={source.value} without --link reruns when any earlier layer changes",
                help=help_text,
                fix=fix,
            )


# Folders every Linux base image has: a file copied onto one of them lands inside it without
# --link, and replaces it with --link.
_SYSTEM_FOLDERS = frozenset(
    f"{prefix}/{name}"
    for prefix in ("", "/usr", "/usr/local")
    for name in ("bin", "sbin", "lib", "lib64", "share", "etc", "include", "libexec")
) | {"/opt", "/srv", "/tmp", "/var", "/home", "/root", "/usr", "/usr/local", "/etc/ssl/certs"}


def _file_or_folder(instruction: Instruction) -> bool:
    """One source (not a folder: no trailing `/`) copied onto a folder the base image has, such
    as /usr/local/bin: without --link it lands inside, with --link it would replace it."""
    sources = instruction.sources
    if len(sources) != 1 or sources[0].endswith("/") or any(c in sources[0] for c in "*?["):
        return False
    return instruction.destination.rstrip("/") in _SYSTEM_FOLDERS and not (
        instruction.destination.endswith("/")
    )
