"""ARX016 package-cache-in-layer."""

from __future__ import annotations

from collections.abc import Iterator

from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule
from arxdocker.lint.rules.arx003_install_without_cache_mount import cache_held
from arxdocker.lint.tools import install_tool

CLEANUP = {
    "apt": "rm -rf /var/lib/apt/lists/*",
    "apk": "--no-cache",
    "yum": "yum clean all",
    "dnf": "dnf clean all",
    "pip": "--no-cache-dir",
    "npm": "npm cache clean --force",
}


class PackageCacheInLayer(Rule):
    """
    ## What it does
    Flags an install (apt, apk, yum, dnf, pip, npm) that leaves the package manager's cache or
    index in the layer and has no cache mount for it.

    ## Why is this bad?
    Package indexes and downloaded archives (often tens of MB) end up in the image, where they
    are pulled and stored on every host, and are never used at run time.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install flask
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN --mount=type=cache,target=/root/.cache/pip pip install flask
    ```

    ## Fix safety
    No automatic fix of its own: the ARX003 fix (a cache mount) also fixes this.

    ## References
    - https://docs.docker.com/build/building/best-practices/#apt-get
    - hadolint DL3009, DL3042, DL3019
    """

    code = "ARX016"
    name = "package-cache-in-layer"
    severity = "info"
    fix_title = "Use a cache mount, or clean the cache in the same RUN"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instruction in ctx.dockerfile.instructions:
            script = instruction.script
            scope = ctx.stages.scope(instruction)
            for command in ctx.commands(instruction):
                tool = install_tool(command)
                if tool is None or tool.name not in CLEANUP or cache_held(ctx, instruction, tool):
                    continue
                if any(marker in script or marker in scope for marker in tool.no_cache):
                    continue
                yield self.finding(
                    ctx,
                    instruction,
                    f"`{command.text()}` leaves the {tool.name} cache in the layer",
                    help=f"Add a cache mount for it, or `{CLEANUP[tool.name]}` in the same RUN",
                )
                break
