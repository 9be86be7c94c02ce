"""ARX009 copy-host-build-output."""

from __future__ import annotations

import re
from collections.abc import Iterator

from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule

OUTPUT = re.compile(
    r"^(\./)?(dist|build|out|target|bin/(Release|Debug))(/.*)?$|\.(jar|war|ear)$|^(\./)?\.next/"
)


class CopyHostBuildOutput(Rule):
    """
    ## What it does
    Flags a COPY from the build context of what a build makes: `dist/`, `build/`, `out/`,
    `target/*.jar`, `*.war`, `.next/`, `bin/Release`.

    ## Why is this bad?
    The image then depends on whatever the host built, with the host's toolchain: the build is
    not reproducible, CI must run a separate build first, and BuildKit cannot cache the compile.
    A build stage that compiles from sources, copied into a small final stage, fixes all three.

    ## Example
    ```dockerfile
    FROM eclipse-temurin:21-jre
    COPY target/app.jar /app/app.jar
    ```

    ## Use instead
    ```dockerfile
    FROM maven:3.9-eclipse-temurin-21 AS build
    WORKDIR /src
    COPY pom.xml .
    RUN --mount=type=cache,target=/root/.m2 mvn -q dependency:go-offline
    COPY src/ src/
    RUN --mount=type=cache,target=/root/.m2 mvn -q package -DskipTests

    FROM eclipse-temurin:21-jre
    COPY --from=build /src/target/app.jar /app/app.jar
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - https://docs.docker.com/build/building/multi-stage/
    """

    code = "ARX009"
    name = "copy-host-build-output"
    severity = "info"
    fix_title = "Build it in a build stage and `COPY --from=` that stage"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instruction in ctx.dockerfile.instructions:
            if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from"):
                continue
            outputs = [s for s in instruction.sources if OUTPUT.search(s.strip("\"'"))]
            if outputs and not instruction.heredocs:
                yield self.finding(
                    ctx,
                    instruction,
                    f"`{instruction.original.strip()}` copies {outputs[0]}, a build output made "
                    "on the host",
                )
