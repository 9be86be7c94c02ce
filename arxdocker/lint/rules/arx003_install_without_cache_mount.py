"""ARX003 install-without-cache-mount."""

from __future__ import annotations

from collections.abc import Iterator

from arxdocker.dockerfile.shell import Command
from arxdocker.lint.edits import command_start, keyword_end
from arxdocker.lint.fixes import remove_chained, remove_pattern
from arxdocker.lint.model import Edit, Finding, Fix
from arxdocker.lint.rule import LintContext, Rule
from arxdocker.lint.tools import Tool, install_tool, is_update

FIXABLE = {"apt", "pip", "npm", "go"}
# What empties apt's lists, and with a cache mount would empty the cache on every run.
APT_LISTS_CLEANUP = r"rm +-(?:rf|fr|r +-f|f +-r) +/var/lib/apt/lists(?:/\*|/)?(?=[ \t;&\\]|$)"


def has_cache_mount(mounts: list[dict[str, str]], tool: Tool) -> bool:
    return any(tool.cache_marker in m.get("target", m.get("dst", "")) for m in mounts)


class InstallWithoutCacheMount(Rule):
    """
    ## What it does
    Flags a package install (apt, apk, yum, dnf, pip, uv, poetry, npm, yarn, pnpm, go, cargo,
    maven, gradle, composer, bundler, nuget) in a RUN without a `--mount=type=cache` for the
    tool's cache directory. The message gives the exact mount flags for that tool.

    ## Why is this bad?
    When the step reruns (a manifest or an earlier layer changed), every package is downloaded
    again. A cache mount keeps the tool's download cache between builds, outside the image, so a
    rerun fetches only what changed.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    ```

    ## Fix safety
    Safe for apt, pip, npm and go run as root: the fix adds the mount flags, and drops what
    would defeat the mount (pip's `--no-cache-dir`, apt's `rm -rf /var/lib/apt/lists/*` and the
    image's `docker-clean` hook). The image content is the same apart from those caches. No fix
    for another USER: the mount would be root-owned unless given that user's `uid=`. For apt,
    no fix unless the same RUN runs `apt-get update` before the install: the mount on
    /var/lib/apt starts empty and would hide lists from an earlier RUN or the base image (ARX002
    merges a lone update into the install first). No fix for an apt install in a heredoc.

    ## References
    - https://docs.docker.com/build/cache/optimize/#use-cache-mounts
    - https://docs.docker.com/reference/dockerfile/#run---mounttypecache
    """

    code = "ARX003"
    name = "install-without-cache-mount"
    severity = "warning"
    fix_title = "Add a cache mount for the tool's cache directory"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instruction in ctx.dockerfile.instructions:
            mounts = instruction.cache_mounts()
            tools: list[Tool] = []
            for command in ctx.commands(instruction):
                tool = install_tool(command)
                if tool and tool not in tools and not has_cache_mount(mounts, tool):
                    tools.append(tool)
            if not tools:
                continue
            stage = ctx.stage_of(instruction)
            base = stage.base if stage else ""
            home = ctx.home(instruction)
            flags = " ".join(tool.mount_flags(home, base) for tool in tools)
            names = ", ".join(tool.name for tool in tools)
            yield self.finding(
                ctx,
                instruction,
                f"{names} install on line {instruction.line} has no cache mount; a rerun "
                "downloads every package again",
                help=f"Add `RUN {flags}`",
                fix=self._fix(ctx, instruction, tools, flags),
            )

    def _fix(self, ctx, instruction, tools, flags) -> Fix | None:
        if not all(tool.name in FIXABLE for tool in tools) or instruction.json:
            return None
        if ctx.user(instruction) not in ("root", "0"):
            return None  # a cache mount is root-owned; another user needs uid= we cannot know
        edits = []
        if any(tool.name == "apt" for tool in tools):
            if instruction.heredocs or not updates_first(ctx.commands(instruction)):
                return None
            flags, edits = self._apt_cleanup(ctx, instruction, flags)
        if any(tool.name == "pip" for tool in tools):
            edits += remove_pattern(ctx.dockerfile, instruction, r" --no-cache-dir\b")
        line, column = keyword_end(instruction)
        edits.insert(0, Edit.insert(line, column, f" {flags}"))
        return Fix(f"Add `{flags}`", tuple(edits))

    def _apt_cleanup(self, ctx, instruction, flags):
        edits = remove_chained(ctx.dockerfile, instruction, APT_LISTS_CLEANUP)
        if "docker-clean" not in ctx.dockerfile.text:
            line, column = command_start(ctx.dockerfile, instruction)
            edits.append(Edit.insert(line, column, "rm -f /etc/apt/apt.conf.d/docker-clean; "))
        return flags, edits


def updates_first(run: list[Command]) -> bool:
    """Whether the RUN refreshes apt's lists before it installs. A cache mount on /var/lib/apt
    starts empty and hides the lists an earlier layer (another RUN, the base image) wrote."""
    for command in run:
        if is_update(command) == "apt":
            return True
        tool = install_tool(command)
        if tool is not None and tool.name == "apt":
            return False
    return False
