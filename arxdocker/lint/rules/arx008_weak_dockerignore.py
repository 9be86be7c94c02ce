"""ARX008 weak-dockerignore."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule
from arxdocker.lint.rules.arx001_broad_copy_before_install import WHOLE_CONTEXT, is_broad_copy


def copies_whole_context(instruction) -> bool:
    return is_broad_copy(instruction) and any(
        source.strip("\"'") in WHOLE_CONTEXT for source in instruction.sources
    )


HEAVY = (".git", "node_modules", "__pycache__", "target", "dist")


def ignored(name: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        cleaned = pattern.strip().removeprefix("./").removeprefix("/").removeprefix("**/")
        cleaned = cleaned.rstrip("/").removesuffix("/**")
        if cleaned and not cleaned.startswith("!") and fnmatch.fnmatch(name, cleaned):
            return True
    return False


class WeakDockerignore(Rule):
    """
    ## What it does
    Needs the build context: flags a COPY of the whole context (`COPY . .`, `COPY * ./`) when
    the context has no `.dockerignore`, or one that leaves in `.git`, `node_modules`,
    `__pycache__`, `target` or `dist` while they exist in the context. A COPY of a folder
    (`COPY src ./src`) is left alone: BuildKit sends only the sources a COPY names.

    ## Why is this bad?
    Everything the broad COPY sees is sent to the builder and checksummed for the cache key: a
    commit (`.git`), a local `npm install` or a host build changes that key, so the COPY and every
    step after it rebuild even though no source changed; the context upload also gets slower.

    ## Example
    ```dockerfile
    # .dockerignore: (none)
    FROM node:20-slim
    COPY . .
    ```

    ## Use instead
    ```dockerfile
    # .dockerignore: .git node_modules __pycache__ target dist
    FROM node:20-slim
    COPY . .
    ```

    ## Fix safety
    No automatic fix: the rule does not write files outside the Dockerfile.

    ## References
    - https://docs.docker.com/build/concepts/context/#dockerignore-files
    """

    code = "ARX008"
    name = "weak-dockerignore"
    severity = "warning"
    fix_title = "Add a .dockerignore that excludes .git, node_modules, __pycache__, target, dist"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        context = ctx.context
        if context is None:
            return
        # Only a copy of the whole context sends its top-level .git or node_modules: BuildKit
        # transfers just the sources a COPY names (`COPY src ./src` sends src/ alone).
        broad = next((i for i in ctx.dockerfile.instructions if copies_whole_context(i)), None)
        if broad is None:
            return
        if context.dockerignore is None:
            yield self.finding(
                ctx,
                broad,
                f"the context {context.path} has no .dockerignore, and `{broad.original}` "
                "copies everything in it",
            )
            return
        leaks = [n for n in HEAVY if n in context.entries and not ignored(n, context.dockerignore)]
        if leaks:
            yield self.finding(
                ctx,
                broad,
                f".dockerignore leaves in {', '.join(leaks)}, which `{broad.original}` copies",
                help=f"Add {', '.join(leaks)} to .dockerignore",
            )
