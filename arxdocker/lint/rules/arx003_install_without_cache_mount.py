"""ARX003 install-without-cache-mount."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from arxdocker.dockerfile.model import Instruction
from arxdocker.dockerfile.shell import Command
from arxdocker.lint.edits import command_start, keyword_end
from arxdocker.lint.fixes import remove_chained, remove_pattern
from arxdocker.lint.model import Edit, Finding, Fix
from arxdocker.lint.rule import LintContext, Rule
from arxdocker.lint.tools import TOOLS, Tool, install_tool, is_update

FIXABLE = {"apt", "pip", "npm", "go"}
_APT_FOLDERS = ("/var/lib/apt", "/var/cache/apt")


def _empties_apt_cache(run: list[Command]) -> int:
    """How many commands of the RUN empty apt's cache or lists (`apt-get clean`, `rm` of them)."""
    return sum(
        1
        for c in run
        if (c.name == "apt-get" and "clean" in c.words[1:2])
        or (c.name == "rm" and any(w.startswith(_APT_FOLDERS) for w in c.words))
    )


# What empties apt's lists, and with a cache mount would empty the cache on every run.
APT_LISTS_CLEANUP = r"rm +-(?:rf|fr|r +-f|f +-r) +/var/lib/apt/lists(?:/\*|/)?(?=[ \t;&\\]|$)"


@dataclass(frozen=True)
class _Where:
    """Where an instruction's tools keep their caches: its USER's home, the stage's base image
    and its ENV (which may move a cache: GOMODCACHE, CARGO_HOME…)."""

    home: str
    base: str
    env: dict[str, str | None]

    @classmethod
    def of(cls, ctx: LintContext, instruction: Instruction) -> _Where:
        stage = ctx.stage_of(instruction)
        base = stage.base if stage else ""
        return cls(ctx.home(instruction), base, ctx.stages.scope(instruction))

    def dirs(self, tool: Tool) -> tuple[list[str], bool]:
        """The tool's cache folders, and whether the ENV moved them from the defaults."""
        dirs = tool.cache_dirs(self.home, self.base, self.env)
        return dirs, dirs != tool.cache_dirs(self.home, self.base, {})


def cache_held(ctx: LintContext, instruction: Instruction, tool: Tool) -> bool:
    """Whether a cache mount of the RUN holds the tool's main cache folder where the stage has
    it (its ENV, its USER's home, its base image), or the RUN mounts a place of its own."""
    where = _Where.of(ctx, instruction)
    mounts = instruction.cache_mounts()
    dirs, moved = where.dirs(tool)
    if not missing_cache_dirs(mounts, tool, dirs[:1], moved=moved):
        return True
    return bool(mounts) and bool(unclaimed_mounts(mounts, where.home, where.base))


def missing_cache_dirs(
    mounts: list[dict[str, str]], tool: Tool, dirs: list[str], *, moved: bool
) -> list[str]:
    """The tool's cache folders no cache mount holds: a mount on the folder, or on one above it
    (/var/cache holds /var/cache/apt). Unless the stage's ENV moved them (`moved`), a mount on
    the default folder under another home counts too (~/.cache/pip under any home)."""
    return [
        folder
        for folder in dirs
        if not any(_holds(_target(m), folder, tool, moved) for m in mounts)
    ]


def _holds(target: str, folder: str, tool: Tool, moved: bool) -> bool:
    above = target.rstrip("/")
    if not above:
        return False
    if folder.rstrip("/") == above or folder.startswith(above + "/"):
        return True
    if moved:
        return False
    main = tool.cache_targets[0]
    if tool.cache_marker and tool.cache_marker in target and folder.endswith(main.lstrip("~")):
        return True
    for cache in tool.cache_targets:
        if cache.startswith("~") and folder.endswith(cache[1:]):
            # the default folder under a home not known here: match what lies below the home
            parts = [p for p in cache[1:].split("/") if p]
            if any(above.endswith("/" + "/".join(parts[:n])) for n in range(1, len(parts) + 1)):
                return True
    return False


def unclaimed_mounts(mounts: list[dict[str, str]], home: str, base: str) -> list[dict[str, str]]:
    """Cache mounts that hold no known tool's default cache: the project's own places (a
    GOMODCACHE set with `go env -w`), which an install in the RUN may well use."""
    return [
        m
        for m in mounts
        if not any(
            _holds(_target(m), folder, tool, False)
            for tool in TOOLS.values()
            for folder in tool.targets(home, base)
        )
    ]


class InstallWithoutCacheMount(Rule):
    """
    ## What it does
    Flags a package install (apt, apk, yum, dnf, pip, uv, poetry, npm, yarn, pnpm, go, cargo,
    maven, gradle, composer, bundler, nuget) in a RUN without a `--mount=type=cache` for the
    tool's cache directory. The message gives the exact mount flags for that tool. `yarn`
    (bare, `install`, `workspaces focus`) and `pnpm fetch` are installs.

    Not in a Windows stage (a Windows base image such as servercore or nanoserver, a Windows
    PowerShell or cmd SHELL, or the backtick escape of Windows Dockerfiles): Windows builders
    have no `RUN --mount`, so the finding could not be followed there.

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
    image's `docker-clean` hook, as Docker's own cache-mount example does). The image content is
    the same apart from those caches and that one file: its absence is kept by images built FROM
    this one in other Dockerfiles, whose apt installs without a cache mount then keep their .deb
    files unless they clean up (`apt-get clean`). No fix
    for another USER (the mount would be root-owned unless given that user's `uid=`), under a
    Windows SHELL, or for pip when `PIP_CACHE_DIR` points elsewhere.

    For apt, no fix unless the same RUN runs `apt-get update` before the install: the mount on
    /var/lib/apt starts empty and would hide lists from an earlier RUN or the base image (ARX002
    merges a lone update into the install first). Nor when a later RUN of the stage, or of a
    stage built FROM it, needs what the mount takes out of the image or what the removed
    docker-clean hook did: an install on the lists without its own update, `apt-mark` or an
    autoremove (they read /var/lib/apt/extended_states), an apt install in a heredoc or exec
    form (it gets no mount and would keep its .deb files); nor when this RUN uses them. No fix
    for an apt install in a heredoc.

    For go, no fix for a RUN that only downloads modules (`go mod download` alone): its point is
    to keep them in the image for later RUNs, which a mount defeats. A build after such a RUN
    gets the build cache (`~/.cache/go-build`) alone: a mount on /go/pkg/mod would hide the
    downloaded modules.

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
            if instruction.keyword != "RUN" or _windows_stage(ctx, instruction):
                continue  # no `RUN --mount` on a Windows builder: nothing to follow
            mounts = instruction.cache_mounts()
            where = _Where.of(ctx, instruction)
            run = ctx.commands(instruction)
            unclaimed = unclaimed_mounts(mounts, where.home, where.base) if mounts else []
            tools: list[Tool] = []
            missing: list[tuple[Tool, str]] = []
            for command in run:
                tool = install_tool(command)
                if tool is None or tool in tools:
                    continue
                dirs, moved = where.dirs(tool)
                if tool.name == "go":
                    if not builds_with_go(run) and _built_later_with_go(ctx, instruction):
                        continue  # the download layer is the cache the later build reads
                    if builds_with_go(run) and _modules_downloaded_before(ctx, instruction):
                        dirs = dirs[1:]  # the build cache alone: the modules are in the image
                lacking = missing_cache_dirs(mounts, tool, dirs, moved=moved)
                if dirs[0] not in lacking or unclaimed:
                    continue  # its main cache is held, or the RUN mounts a place of its own
                tools.append(tool)
                missing += [(tool, folder) for folder in lacking]
            if not tools:
                continue
            flags = " ".join(tool.mount_flag(folder) for tool, folder in missing)
            names = ", ".join(tool.name for tool in tools)
            owner = _numeric_owner(ctx.user_and_group(instruction))
            help_text = f"Add `RUN {' '.join(tool.mount_flag(f) + owner for tool, f in missing)}`"
            if owner:
                help_text += (
                    " (HOME is / for a uid the image's /etc/passwd does not name; if it names "
                    "it, use that home)"
                )
            turned_off = _cache_turned_off(ctx, instruction, tools, where.env)
            if turned_off:
                help_text += f", and drop {turned_off}, which keeps the tool from caching"
            yield self.finding(
                ctx,
                instruction,
                f"{names} install on line {instruction.line} has no cache mount; a rerun "
                "downloads every package again",
                help=help_text,
                fix=self._fix(ctx, instruction, tools, flags),
            )

    def _fix(self, ctx, instruction, tools, flags) -> Fix | None:
        if not all(tool.name in FIXABLE for tool in tools) or instruction.json:
            return None
        if ctx.user(instruction) not in ("root", "0"):
            return None  # a cache mount is root-owned; another user needs uid= we cannot know
        if _windows_stage(ctx, instruction):
            return None  # Linux cache paths; RUN mounts are not for Windows builders
        edits = []
        run = ctx.commands(instruction)
        if any(tool.name == "apt" for tool in tools):
            if instruction.heredocs or not updates_first(run) or marks_packages(run):
                return None
            # the mount takes the lists and package marks out of the image, and the fix turns
            # docker-clean off: a later RUN that reads them, or installs without a mount, breaks
            if any(index > instruction.index for index in apt_dependents(ctx, instruction)):
                return None
            edits = remove_chained(ctx.dockerfile, instruction, APT_LISTS_CLEANUP)
            if _empties_apt_cache(run) > len(edits):
                return None  # a cleanup the fix cannot cut out would empty the mounts each run
            edits += _docker_clean_off(ctx, instruction)
        if any(tool.name == "go" for tool in tools) and not builds_with_go(run):
            # a download-only RUN exists to keep the modules in the image (a build after such a
            # RUN gets only the build cache: a mount on /go/pkg/mod would hide its modules)
            return None
        if any(tool.name == "pip" for tool in tools):
            scope = ctx.stages.scope(instruction)
            if "PIP_CACHE_DIR" in scope or "PIP_NO_CACHE_DIR" in scope:
                return None  # pip's cache is elsewhere than the mount, or turned off
            edits += remove_pattern(ctx.dockerfile, instruction, r" --no-cache-dir\b")
        line, column = keyword_end(instruction)
        edits.insert(0, Edit.insert(line, column, f" {flags}"))
        return Fix(f"Add `{flags}`", tuple(edits))


def _docker_clean_off(ctx: LintContext, instruction: Instruction) -> list[Edit]:
    """Remove the image's docker-clean hook, which deletes the downloads the mount keeps."""
    if "docker-clean" in ctx.dockerfile.text:
        return []
    line, column = command_start(ctx.dockerfile, instruction)
    return [Edit.insert(line, column, "rm -f /etc/apt/apt.conf.d/docker-clean; ")]


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


def _unmountable_apt_install(instruction: Instruction, run: list[Command]) -> bool:
    tool_names = {getattr(install_tool(c), "name", "") for c in run}
    return "apt" in tool_names and bool(instruction.heredocs or instruction.json)


# A Windows base image by its name: mcr.microsoft.com/windows/servercore, …/nanoserver, dotnet's
# `-nanoserver-ltsc2022` and framework images, `…-windows` community images.
_WINDOWS_IMAGE = re.compile(
    r"(^|[/:_.-])(windows|windowsservercore|servercore|nanoserver)([/:_.-]|$)|/dotnet/framework/"
)


def _windows_stage(ctx: LintContext, instruction: Instruction) -> bool:
    """Whether the instruction runs on a Windows builder: its stage (or one it builds FROM)
    starts from a Windows image or sets a PowerShell or cmd SHELL, or the file's escape
    character is the backtick that Windows Dockerfiles use. Windows builders have no
    `RUN --mount`, so a cache-mount finding there could not be followed."""
    if ctx.dockerfile.escape == "`":
        return True
    stage = ctx.stage_of(instruction)
    if stage is None:
        return False
    for each in ctx.stages.chain(stage):
        if _WINDOWS_IMAGE.search(each.base.lower()):
            return True
        shells = [
            i for i in each.instructions if i.keyword == "SHELL" and i.index < instruction.index
        ]
        # Windows PowerShell and cmd run on Windows only (pwsh, PowerShell 7, runs on Linux too)
        if shells and any(w in shells[-1].args[0].lower() for w in ("powershell", "cmd")):
            return True
    return False


def _numeric_owner(user: str) -> str:
    """The mount options for a numeric USER (`10001:10001`): cache mounts are root-owned unless
    given the user's uid and gid. (A named user's ids are in the base image, unknown here.)"""
    uid, _, gid = user.partition(":")
    if not uid.isdigit() or uid == "0":
        return ""
    return f",uid={uid},gid={gid if gid.isdigit() else uid}"


def _cache_turned_off(
    ctx: LintContext, instruction: Instruction, tools: list[Tool], env: dict[str, str | None]
) -> str:
    """What in the RUN or the stage's ENV turns the tool's cache off (`apk --no-cache`,
    `PIP_NO_CACHE_DIR`): a mount alone would change nothing."""
    words = {word for command in ctx.commands(instruction) for word in command.words}
    found = [
        f"`{switch}`"
        for tool in tools
        for switch in tool.no_cache
        if (switch.startswith("--") and switch in words) or (switch.isupper() and switch in env)
    ]
    return ", ".join(dict.fromkeys(found))


def _target(mount: dict[str, str]) -> str:
    return mount.get("target", mount.get("dst", ""))


def _built_later_with_go(ctx: LintContext, instruction: Instruction) -> bool:
    """Whether a later RUN of the stage (or of one built FROM it) builds with go: then a RUN
    that only downloads modules keeps them in the image for it."""
    stage = ctx.stage_of(instruction)
    if stage is None:
        return False
    for other in ctx.stages.stages:
        if stage not in ctx.stages.chain(other):
            continue
        for later in other.instructions:
            runs_later = later.keyword == "RUN" and later.index > instruction.index
            if runs_later and builds_with_go(ctx.commands(later)):
                return True
    return False


def _modules_downloaded_before(ctx: LintContext, instruction: Instruction) -> bool:
    stage = ctx.stage_of(instruction)
    chain = ctx.stages.chain(stage) if stage is not None else []
    return any(
        earlier.keyword == "RUN"
        and earlier.index < instruction.index
        and any(c.words[:3] == ("go", "mod", "download") for c in ctx.commands(earlier))
        # with its own mount on the module cache, the modules stayed out of the image
        and not any("pkg/mod" in _target(m) for m in earlier.cache_mounts())
        for stage in chain
        for earlier in stage.instructions
    )


def apt_dependents(ctx: LintContext, instruction: Instruction) -> list[int]:
    """Indexes of the RUNs, in the instruction's stage and the stages built FROM it, that need
    what a cache mount on /var/lib/apt (and the docker-clean hook removed) would change: an
    install on lists of an earlier layer, `apt-mark` or an autoremove, an apt install that
    gets no mount (a heredoc or exec form) and would keep its .deb files (found once per
    file)."""
    stage = ctx.stage_of(instruction)
    if stage is None:
        return []

    def readers_by_stage() -> dict[int, list[int]]:
        own = {
            s.index: [
                i.index
                for i in s.instructions
                if i.keyword == "RUN"
                and (
                    relies_on_lists(ctx.commands(i))
                    or marks_packages(ctx.commands(i))
                    or _unmountable_apt_install(i, ctx.commands(i))
                )
            ]
            for s in ctx.stages.stages
        }
        chains: dict[int, list[int]] = {s.index: [] for s in ctx.stages.stages}
        for other in ctx.stages.stages:  # a stage's readers count for it and for its bases
            for base in ctx.stages.chain(other):
                chains[base.index] += own[other.index]
        return chains

    return ctx.memo("apt-dependents", readers_by_stage).get(stage.index, [])
