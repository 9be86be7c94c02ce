"""ARX005 add-url-without-checksum."""

from __future__ import annotations

import re
from collections.abc import Iterator

from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule

REMOTE = re.compile(r"^(https?://|git@|git://|ssh://)|\.git(#.*)?$")


class AddUrlWithoutChecksum(Rule):
    """
    ## What it does
    Flags `ADD` of an http(s) URL or a git repository without `--checksum`, also when the URL
    is quoted (`ADD "https://…"`) or built from an ARG or ENV whose value is one
    (`ADD ${BASEURL}/tool.tar.gz` after `ARG BASEURL=https://example.com`). A version in the
    URL does not pin what the server sends.

    ## Why is this bad?
    BuildKit downloads the URL on every build to decide whether the cache still holds, and the
    content can change under the same URL: builds are not reproducible, and a compromised server
    changes your image. `--checksum` pins the content and lets BuildKit verify it.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    ADD https://example.com/tool-1.2.3.tar.gz /tmp/
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \\
        https://example.com/tool-1.2.3.tar.gz /tmp/
    ```

    ## Fix safety
    No automatic fix: the checksum must come from a trusted source.

    ## References
    - https://docs.docker.com/reference/dockerfile/#add---checksum
    """

    code = "ARX005"
    name = "add-url-without-checksum"
    severity = "warning"
    fix_title = "Add `--checksum=sha256:<digest>` (for git sources, the commit)"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instruction in ctx.dockerfile.instructions:
            if instruction.keyword != "ADD" or instruction.flag("checksum"):
                continue
            urls = [s for s in instruction.sources if self._remote(ctx, instruction, s)]
            if urls:
                yield self.finding(
                    ctx, instruction, f"ADD downloads {urls[0]} with no --checksum to verify it"
                )

    @staticmethod
    def _remote(ctx: LintContext, instruction, source: str) -> bool:
        """An http(s) or git URL, also quoted (`ADD "https://…"`) or built from an ARG or ENV
        (`ARG BASEURL=https://github.com` then `ADD ${BASEURL}/…`)."""
        source = _unquote(source)
        return bool(REMOTE.search(source) or REMOTE.search(ctx.stages.expand(instruction, source)))


def _unquote(word: str) -> str:
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "'\"":
        return word[1:-1]
    return word
