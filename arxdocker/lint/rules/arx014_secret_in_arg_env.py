"""ARX014 secret-in-arg-env."""

from __future__ import annotations

import re
from collections.abc import Iterator

from arxdocker.dockerfile.stages import arg_pairs, env_pairs
from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule

SECRET = re.compile(
    r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|(?:^|_)AUTH$)",
    re.IGNORECASE,
)
# Names that hold something about a secret, not the secret: where it is, how long, which
# header carries it, whether one is needed (`MYSQL_ALLOW_EMPTY_PASSWORD`), how a server checks
# it (`POSTGRES_HOST_AUTH_METHOD`), a socket (`SSH_AUTH_SOCK`), a library setting
# (`TOKENIZERS_PARALLELISM`), a placeholder (`SECRET_KEY_BASE_DUMMY`).
NOT_SECRET = re.compile(
    r"(_FILE|_PATH|_DIR|_URL|_HOST|_USER(NAME)?|_ID|_HEADER|_LENGTH|_LEN|_SIZE|_METHOD|_SOCK"
    r"|_SOCKET|_PARALLELISM|_DUMMY|_ENABLED|_REQUIRED|_NAME|_TYPE|_MODE|_PORT|_TIMEOUT|_TTL"
    r"|_EXPIRY|_ALGORITHM|_VERSION|_ENDPOINT|_PROVIDER|_SCOPES?)$|^TOKENIZERS_|ALLOW_EMPTY",
    re.IGNORECASE,
)
# A literal value no secret has: a switch (an ENV may also be set empty).
NOT_A_SECRET_VALUE = re.compile(r"^(true|false|yes|no|on|off|0|1|none|null|trust)$", re.I)
# Words that make a name a secret whatever it ends with (`STRIPE_SECRET_KEY_ID`).
STRONG = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_?KEY", re.I)


class SecretInArgEnv(Rule):
    """
    ## What it does
    Flags ARG and ENV names that look like secrets (PASSWORD, SECRET, TOKEN, API_KEY, ...).
    Names that hold something about a secret rather than the secret are left alone (`*_FILE`,
    `*_PATH`, `*_HEADER`, `*_LENGTH`, `*_ID`, `*_METHOD`, `SSH_AUTH_SOCK`,
    `MYSQL_ALLOW_EMPTY_PASSWORD`...), and so is a literal value no secret has (a switch such as
    `yes`/`false`, or an ENV set empty). An ARG with no default, or an empty one, is flagged:
    its value comes from `--build-arg` at build time and is stored all the same.

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
            if instruction.keyword not in ("ARG", "ENV"):
                continue
            pairs = arg_pairs if instruction.keyword == "ARG" else env_pairs
            for name, value in pairs(instruction):
                # an ARG without a default (or an empty one) is the case to catch: its value
                # comes from `--build-arg TOKEN=...`; an ENV set empty holds nothing
                literal = (value or "").strip("\"'")
                plain = bool(NOT_A_SECRET_VALUE.match(literal)) or (
                    instruction.keyword == "ENV" and value is not None and not literal
                )
                exempt = NOT_SECRET.search(name) and not (
                    name.upper().endswith("_ID") and STRONG.search(name)
                )
                if SECRET.search(name) and not exempt and not plain:
                    yield self.finding(
                        ctx,
                        instruction,
                        f"{instruction.keyword} {name} looks like a secret; its value is stored "
                        "in the image history",
                    )
                    break
