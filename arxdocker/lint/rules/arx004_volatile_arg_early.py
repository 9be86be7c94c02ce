"""ARX004 volatile-arg-early."""

from __future__ import annotations

import re
from collections.abc import Iterator

from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule
from arxdocker.lint.tools import install_tool

VOLATILE = re.compile(
    r"^(BUILD_?(DATE|TIME|TIMESTAMP|NUMBER|ID|HASH|SHA|VERSION|REF)|"
    r"GIT_(COMMIT|SHA|REF|HASH|REVISION)|COMMIT(_SHA|_HASH)?|"
    r"SOURCE_COMMIT|VCS_REF|REVISION|(APP_|IMAGE_|RELEASE_)?VERSION|CACHE_?BUST(ER)?|TIMESTAMP|"
    r"CI_PIPELINE_ID|"
    r"CI_COMMIT_SHA|GITHUB_SHA|GITHUB_RUN_(ID|NUMBER))$",
    re.IGNORECASE,
)
EXPENSIVE = re.compile(r"\b(make|gcc|cmake|cargo|mvn|gradle|build|compile|webpack|tsc)\b")


class VolatileArgEarly(Rule):
    """
    ## What it does
    Flags an ARG or ENV with a per-build value (BUILD_DATE, GIT_COMMIT, GIT_SHA, VERSION,
    BUILD_NUMBER, CACHEBUST, TIMESTAMP...) declared before an expensive RUN of the same stage.

    ## Why is this bad?
    Every RUN after an ARG sees it in its environment, so a new value misses the cache on every
    later RUN of the stage, used or not. With a commit SHA or date passed on each build, the
    installs below it never come from the cache.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    ARG GIT_COMMIT
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    LABEL org.opencontainers.image.revision=$GIT_COMMIT
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    ARG GIT_COMMIT
    LABEL org.opencontainers.image.revision=$GIT_COMMIT
    ```

    ## Fix safety
    No automatic fix: moving the declaration changes which steps can read the value.

    ## References
    - https://docs.docker.com/build/cache/invalidation/#general-rules
    - https://docs.docker.com/reference/dockerfile/#impact-on-build-caching
    """

    code = "ARX004"
    name = "volatile-arg-early"
    severity = "warning"
    fix_title = "Declare the ARG just before the first instruction that uses it, after the installs"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for stage in ctx.stages.stages:
            for position, instruction in enumerate(stage.instructions):
                if instruction.keyword not in ("ARG", "ENV"):
                    continue
                args = instruction.args
                names = (
                    [word.split("=", 1)[0] for word in args]
                    if instruction.keyword == "ARG"
                    else list(args[0::2])
                )
                volatile = [name for name in names if VOLATILE.match(name)]
                if not volatile:
                    continue
                expensive = next(
                    (i for i in stage.instructions[position + 1 :] if self._expensive(ctx, i)),
                    None,
                )
                if expensive is None:
                    continue
                yield self.finding(
                    ctx,
                    instruction,
                    f"{instruction.keyword} {volatile[0]} changes on every build and is in scope "
                    f"of the RUN on line {expensive.line}; a new value reruns it and every step "
                    "after it",
                    related=(expensive.line,),
                )

    def _expensive(self, ctx: LintContext, instruction) -> bool:
        if instruction.keyword != "RUN":
            return False
        found = ctx.commands(instruction)
        return any(install_tool(c) for c in found) or bool(EXPENSIVE.search(instruction.script))
