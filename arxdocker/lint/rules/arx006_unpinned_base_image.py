"""ARX006 unpinned-base-image."""

from __future__ import annotations

import re
from collections.abc import Iterator

from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule


def split_reference(reference: str) -> tuple[str, str | None, str | None]:
    """`registry:5000/name:tag@sha256:...` -> (name, tag, digest)."""
    name, _, digest = reference.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else None
    if tag is not None:
        name = name[: len(name) - len(tag) - 1]
    return name, tag, digest or None


# BuildKit's automatic platform ARGs: set per build, so a base naming one is not known here.
_PLATFORM_ARG = re.compile(r"\$\{?(?:TARGET|BUILD)(?:PLATFORM|OS|ARCH|VARIANT)\}?")


def _platform_stage(base: str, earlier_stages: list[str | None]) -> bool:
    """Whether `base` names an earlier stage through platform ARGs (`runtime-$TARGETARCH` and a
    stage `runtime-amd64`); `ghcr.io/acme/tools-$TARGETARCH` with no such stage is an image."""
    if not _PLATFORM_ARG.search(base):
        return False
    pattern = "".join(
        ".+" if _PLATFORM_ARG.fullmatch(piece) else re.escape(piece)
        for piece in re.split(f"({_PLATFORM_ARG.pattern})", base)
        if piece
    )
    return any(name and re.fullmatch(pattern, name, re.IGNORECASE) for name in earlier_stages)


class UnpinnedBaseImage(Rule):
    """
    ## What it does
    Flags a `FROM` image with no tag, or the `latest` tag, and no digest.

    ## Why is this bad?
    The image behind `latest` moves. A build that pulls a new one rebuilds every step of the
    stage from scratch, and two machines building the same commit get different images. A tag
    plus a digest pin gives the same base everywhere until you change it on purpose.

    ## Example
    ```dockerfile
    FROM node
    RUN node --version
    ```

    ## Use instead
    ```dockerfile
    FROM node:20.11-slim@sha256:bd5e4d6ae8d4f1e3e1a8b8d5a4bc9e4d3f0b8e0bdfe6ee2c9f4f2bd81c3e2a12
    RUN node --version
    ```

    ## Fix safety
    No automatic fix: choosing a version is a decision, and the digest needs a registry.

    ## References
    - https://docs.docker.com/build/building/best-practices/#pin-base-image-versions
    - hadolint DL3006, DL3007
    """

    code = "ARX006"
    name = "unpinned-base-image"
    severity = "warning"
    fix_title = "Pin a tag and its digest: `FROM image:tag@sha256:<digest>`"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        model = ctx.stages
        for stage in model.stages:
            base = stage.base
            if stage.base_stage is not None or not base or "$" in base or base == "scratch":
                continue
            if any(s.name == base.lower() for s in model.stages[: stage.index]):
                continue
            if _platform_stage(stage.base_raw, [s.name for s in model.stages[: stage.index]]):
                continue  # `FROM runtime-$TARGETARCH`: a stage per platform, picked at build
            if _PLATFORM_ARG.search(stage.base_raw):
                base = stage.base_raw  # shown as written: the ARG has a value per platform
            name, tag, digest = split_reference(base)
            if digest or (tag and tag != "latest"):
                continue
            what = "has no tag, so it floats to `latest`" if tag is None else "uses `latest`"
            yield self.finding(
                ctx,
                stage.from_instruction,
                f"base image `{base}` {what}; a new push rebuilds every step of the stage",
                help=f"Pin it: `FROM {name}:<version>@sha256:<digest>` (`docker buildx "
                f"imagetools inspect {name}:<version>` prints the digest)",
            )
