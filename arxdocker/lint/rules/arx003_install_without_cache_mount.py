"""ARX003 install-without-cache-mount."""

from __future__ import annotations

from collections.abc import Iterator

from arxdocker.dockerfile.model import Instruction
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
    merges a lone update into the install first), nor when a later RUN of the stage (or of a
    stage built FROM it) installs with apt without its own update, since the mount takes the
    lists out of the image; nor when the RUN uses `apt-mark` or an autoremove, which read
    /var/lib/apt/extended_states. No fix for an apt install in a heredoc. For go, no fix for a
    RUN that only downloads modules (`go mod download` alone): its point is to keep them in the
    image for later RUNs, which a mount defeats.

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
        run = ctx.commands(instruction)
        if any(tool.name == "apt" for tool in tools):
            if instruction.heredocs or not updates_first(run) or marks_packages(run):
                return None
            if any(index > instruction.index for index in list_readers(ctx, instruction)):
                return (
                    None  # the mount takes the lists out of the image, and a later RUN reads them
                )
            flags, edits = self._apt_cleanup(ctx, instruction, flags)
        if any(tool.name == "go" for tool in tools) and not builds_with_go(run):
            return None  # the RUN exists to keep the modules in the image, which a mount defeats
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


def relies_on_lists(run: list[Command]) -> bool:
    """Whether a RUN installs with apt before (or without) refreshing the lists itself."""
    return any(
        install_tool(c) is not None and install_tool(c).name == "apt" for c in run
    ) and not updates_first(run)


def marks_packages(run: list[Command]) -> bool:
    """`apt-mark` or an autoremove reads /var/lib/apt/extended_states, which a mount on
    /var/lib/apt would replace with a copy shared by every build on the builder."""
    return any(
        c.name == "apt-mark" or "--auto-remove" in c.words or "autoremove" in c.words for c in run
    )


def builds_with_go(run: list[Command]) -> bool:
    """Whether the RUN also compiles (so the modules are used while mounted), not only
    `go mod download`, whose point is to keep the modules in the image for later RUNs."""
    verbs = {"build", "install", "test", "vet", "run", "generate"}
    return any(c.name == "go" and len(c.words) > 1 and c.words[1] in verbs for c in run)


def list_readers(ctx: LintContext, instruction: Instruction) -> list[int]:
    """Indexes of the RUNs that install on apt lists of an earlier layer, in the instruction's
    stage and in the stages built FROM it (found once per file)."""
    stage = ctx.stage_of(instruction)
    if stage is None:
        return []

    def readers_by_stage() -> dict[int, list[int]]:
        own = {
            s.index: [
                i.index
                for i in s.instructions
                if i.keyword == "RUN" and relies_on_lists(ctx.commands(i))
            ]
            for s in ctx.stages.stages
        }
        chains = {s.index: list(own[s.index]) for s in ctx.stages.stages}
        for other in ctx.stages.stages:  # a derived stage's readers count for its bases
            base = other.base_stage
            while base is not None:
                chains[base] += own[other.index]
                base = ctx.stages.stages[base].base_stage
        return chains

    return ctx.memo("apt-list-readers", readers_by_stage).get(stage.index, [])
