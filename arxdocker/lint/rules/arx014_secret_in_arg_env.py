"""ARX014 secret-in-arg-env."""

from __future__ import annotations

import re
from collections.abc import Iterator

from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule

SECRET = re.compile(
    r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH)",
    re.IGNORECASE,
)
NOT_SECRET = re.compile(r"(_FILE|_PATH|_DIR|_URL|_HOST|_USER(NAME)?)$", re.IGNORECASE)


class SecretInArgEnv(Rule):
    """
    ## What it does
    Flags ARG and ENV names that look like secrets (PASSWORD, SECRET, TOKEN, API_KEY, ...).

    ## Why is this bad?
    ARG and ENV values are recorded in the image history and config (`docker history`, the
    provenance attestation), where anyone with the image can read them. A changed token also
    invalidates the cache of every later step. Secret mounts are neither stored nor part of the
    cache key.

    ## Example
    ```dockerfile
    FROM node:20-slim
    ARG NPM_TOKEN
    RUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc && npm ci
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    ```

    ## Fix safety
    No automatic fix: the build command must pass the secret with `--secret`.

    ## References
    - https://docs.docker.com/build/building/secrets/
    - BuildKit check SecretsUsedInArgOrEnv
    """

    code = "ARX014"
    name = "secret-in-arg-env"
    severity = "error"
    fix_title = "Pass it with `RUN --mount=type=secret,id=...` and `docker build --secret`"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instruction in ctx.dockerfile.instructions:
            if instruction.keyword == "ARG":
                names = [word.split("=", 1)[0] for word in instruction.args]
            elif instruction.keyword == "ENV":
                names = list(instruction.args[0::2])
            else:
                continue
            for name in names:
                if SECRET.search(name) and not NOT_SECRET.search(name):
                    yield self.finding(
                        ctx,
                        instruction,
                        f"{instruction.keyword} {name} looks like a secret; its value is stored "
                        "in the image history",
                    )
                    break
