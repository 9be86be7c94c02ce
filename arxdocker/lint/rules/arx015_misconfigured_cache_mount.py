"""ARX015 misconfigured-cache-mount."""

from __future__ import annotations

from collections.abc import Iterator

from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule
from arxdocker.lint.tools import install_tool

APT_DIRS = ("/var/cache/apt", "/var/lib/apt")


class MisconfiguredCacheMount(Rule):
    """
    ## What it does
    Flags cache mounts that cannot work as meant: an apt cache mount without `sharing=locked`;
    apt cache mounts while the image's `docker-clean` hook still deletes the downloads; a target
    that is not the tool's cache directory for the current USER; a cargo `target` mount whose
    binary is not copied out in the same RUN.

    ## Why is this bad?
    apt takes a lock in its cache: parallel builds sharing it fail or corrupt it. Debian and
    Ubuntu images delete downloaded packages after each install (`docker-clean`), so the mount
    stays empty. A mount at /root/.cache while the RUN runs as another user is never used. A
    mount's content is not in the layer, so a binary left in a mounted `target/` is lost.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt \\
        apt-get update && apt-get install -y curl
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12-slim
    RUN rm -f /etc/apt/apt.conf.d/docker-clean
    RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
        --mount=type=cache,target=/var/lib/apt,sharing=locked \\
        apt-get update && apt-get install -y curl
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - https://docs.docker.com/reference/dockerfile/#example-cache-apt-packages
    """

    code = "ARX015"
    name = "misconfigured-cache-mount"
    severity = "warning"
    fix_title = "Correct the cache mount as the message says"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        clean_removed = (
            "docker-clean" in ctx.dockerfile.text or "Keep-Downloaded" in ctx.dockerfile.text
        )
        for instruction in ctx.dockerfile.instructions:
            mounts = instruction.cache_mounts()
            if not mounts:
                continue
            problems = []
            apt = [
                m
                for m in mounts
                if m.get("target", "").startswith(("/var/cache/apt", "/var/lib/apt"))
            ]
            if any(m.get("sharing") != "locked" for m in apt):
                problems.append("the apt cache mount lacks `sharing=locked`")
            if apt and not clean_removed:
                problems.append("the image's docker-clean hook still empties the apt cache")
            home = ctx.home(instruction)
            for command in ctx.commands(instruction):
                tool = install_tool(command)
                if tool is None or tool.name in ("apt", "apk", "yum", "dnf"):
                    continue
                for mount in mounts:
                    target = mount.get("target", "")
                    mine = tool.cache_marker in target and target.startswith(("/root", "/home"))
                    if mine and not target.startswith(home) and "uid" not in mount:
                        problems.append(
                            f"{target} is not {tool.name}'s cache for USER "
                            f"{ctx.user(instruction)} (use {tool.targets(home)[0]})"
                        )
            script = instruction.script
            for mount in mounts:
                target = mount.get("target", "")
                cargo_target = target.rstrip("/").endswith("/target") and "cargo" in script
                if cargo_target and not any(w in script for w in (" cp ", " mv ", "install ")):
                    problems.append(f"the binary built in the {target} mount is not copied out")
            if problems:
                yield self.finding(ctx, instruction, "; ".join(dict.fromkeys(problems)))
