"""ARX013 package-upgrade."""

from __future__ import annotations

from collections.abc import Iterator

from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule

UPGRADES = {
    "apt-get": {"upgrade", "dist-upgrade", "full-upgrade"},
    "apt": {"upgrade", "dist-upgrade", "full-upgrade"},
    "apk": {"upgrade"},
    "yum": {"upgrade", "update"},
    "dnf": {"upgrade", "update", "distro-sync"},
}


class PackageUpgrade(Rule):
    """
    ## What it does
    Flags `apt-get upgrade`/`dist-upgrade`, `apk upgrade`, `yum update`/`dnf upgrade` of all
    packages.

    ## Why is this bad?
    The result depends on the day the layer was built: a cached layer keeps old packages, a
    fresh build gets new ones, and the upgrade itself adds a large layer. Update the base image
    instead (pin a newer tag), or install specific versions.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get upgrade -y
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12.5-slim
    RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - https://docs.docker.com/build/building/best-practices/#apt-get
    - hadolint DL3005 (removed upstream; kept here for the cache argument)
    """

    code = "ARX013"
    name = "package-upgrade"
    severity = "info"
    fix_title = "Use a newer base image tag instead of upgrading packages in a layer"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instruction in ctx.dockerfile.instructions:
            for command in ctx.commands(instruction):
                verbs = [w for w in command.words[1:] if not w.startswith("-")]
                if verbs and verbs[0] in UPGRADES.get(command.name, ()):
                    if command.name in ("yum", "dnf") and len(verbs) > 1:
                        continue  # `yum update pkg` updates one package
                    yield self.finding(
                        ctx, instruction, f"`{command.text()}` upgrades every package in a layer"
                    )
                    break
