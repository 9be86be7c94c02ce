"""ARX012 cache-bust."""

from __future__ import annotations

import re
from collections.abc import Iterator

from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule

BUST_ARG = re.compile(r"^CACHE_?BUST(ER)?$|^NO_?CACHE$", re.IGNORECASE)
DATE_CALL = re.compile(r"\$\(\s*date\b|`\s*date\b|(^|[;&|]\s*)date(\s|$|>)|\$RANDOM|/dev/urandom")


class CacheBust(Rule):
    """
    ## What it does
    Flags deliberate cache busting: an `ARG CACHEBUST` (or similar) in a stage, and a RUN that
    bakes the current date or a random value into a layer. The message gives the span of steps
    it invalidates.

    ## Why is this bad?
    A CACHEBUST argument fed a new value on each build reruns every step after it; a `RUN date`
    is cached by its text, so it records a stale time unless the cache is busted, which then
    rebuilds everything below it as well. Either way, the steps after it are slow or wrong.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    ARG CACHEBUST=1
    RUN apt-get update && apt-get install -y curl
    RUN date > /build-date
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y curl
    ARG BUILD_DATE
    LABEL org.opencontainers.image.created=$BUILD_DATE
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - https://docs.docker.com/build/cache/invalidation/
    """

    code = "ARX012"
    name = "cache-bust"
    severity = "warning"
    fix_title = "Put per-build values in a LABEL or ARG at the end of the final stage"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for stage in ctx.stages.stages:
            steps = stage.instructions
            for position, instruction in enumerate(steps):
                after = [i for i in steps[position + 1 :] if i.keyword in ("RUN", "COPY", "ADD")]
                span = f"lines {after[0].line}-{after[-1].span.end_line}" if after else "none"
                rebuilt = f"{len(after)} later step(s) of stage {stage.label} rebuild ({span})"
                message = None
                if instruction.keyword == "ARG":
                    busting = [
                        w.split("=")[0] for w in instruction.args if BUST_ARG.match(w.split("=")[0])
                    ]
                    if busting:
                        message = f"ARG {busting[0]} busts the cache: when it changes, {rebuilt}"
                elif instruction.keyword == "RUN" and DATE_CALL.search(instruction.script):
                    # BuildKit caches a RUN by its text: the value is made once and then reused
                    message = (
                        f"the date or random value made in the RUN on line {instruction.line} "
                        "is stale while the step is cached, and when the step reruns, "
                        f"{rebuilt}"
                    )
                if message is not None:
                    yield self.finding(ctx, instruction, message)
