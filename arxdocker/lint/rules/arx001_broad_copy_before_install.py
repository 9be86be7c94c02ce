"""ARX001 broad-copy-before-install."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from fnmatch import fnmatch
from pathlib import PurePosixPath
from typing import Literal

from arxdocker.dockerfile.model import Instruction
from arxdocker.dockerfile.shell import Command
from arxdocker.dockerfile.stages import Stage
from arxdocker.lint.fixes import install_first, move_before, script_first
from arxdocker.lint.model import Finding
from arxdocker.lint.rule import BuildContext, ContextFiles, LintContext, Rule, join_path
from arxdocker.lint.rules.arx003_install_without_cache_mount import cache_held
from arxdocker.lint.tools import (
    SYSTEM,
    TOOLS,
    DependencyScript,
    dependency_install,
    dependency_script,
    install_tool,
    system_install,
)

WHOLE_CONTEXT = {".", "./", "*", "./*"}
BROAD = WHOLE_CONTEXT | {"src", "src/", "app", "app/", "lib", "lib/"}


def is_broad_copy(instruction: Instruction) -> bool:
    if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from"):
        return False
    return not instruction.heredocs and any(s.strip("\"'") in BROAD for s in instruction.sources)


class BroadCopyBeforeInstall(Rule):
    """
    ## What it does
    Flags a COPY of the whole build context (or a source directory) that comes before a
    dependency install (npm, yarn, pnpm, pip, uv, poetry, go, cargo, maven, gradle, bundler,
    composer, dotnet), or before a system package install (apt, apk, yum, dnf) that does not
    need the sources, in the same stage. Also flags a project's own dependency script run after
    the broad COPY: a context script whose name says it installs dependencies
    (`fetch-deps.sh`, `install-plugins.sh`, `vendor.sh`), an install/fetch script given a
    manifest (`sh tools/install.sh packages.txt`), or a make target named for it (`make deps`,
    `make vendor`), whose manifests are the prerequisites its makefile rule names.

    What counts follows docs/lint-corpus.md. A broad COPY is one of the whole context, of a
    source folder (a sub-project carrying its own manifest, `COPY ./web ./`, `COPY client /app`,
    unless a narrower COPY brought that manifest first; or sources placed before the manifest
    COPY), of a named build context, or `COPY --from` a stage of its source tree or build output
    (`dist/`); it is reported once, on its own line, when an install follows in the same stage
    or in a stage built FROM it. Folders the install needs (`vendor`, `patches`, `scripts`, a
    folder the install RUN reads a file of) and COPYs into system folders are not broad. An
    install is a dependency install (bare `yarn`, `yarn workspaces focus`, `pip wheel -r`,
    `pnpm fetch`...), or a named-package install that does not need the sources (`apt-get
    install`, `npm install -g x`, `pip install gunicorn`, `dotnet tool install`), which could
    run before the COPY. Manifest-first done another way is not a finding: `cargo chef cook`
    from a recipe, `cargo fetch` or `dotnet restore` after copying their manifests, `pnpm
    fetch` of the lockfile; the stages built FROM that stage inherit it.

    A build that downloads what it lacks (`go build`/`go run`, `dotnet build|publish|test`
    without a restore, `cargo build`, `mvn package`, `gradle build`) after `COPY . .` counts as
    an install, unless the RUN has a cache mount on the tool's module or package cache
    (`/go/pkg/mod`, `~/.nuget/packages`, `$CARGO_HOME/registry`, `~/.m2`, `~/.gradle`): then
    only the compile reruns, which it must do anyway. For Go the mount clears any go command
    (`go mod download` too); an explicit install (`npm ci`, `dotnet restore`) is still a finding
    with a mount, since its layer reruns on every source edit.

    ## Why is this bad?
    BuildKit caches a step only while everything before it is unchanged. After `COPY . .`, any
    edit to any source file invalidates the install, so every build downloads and installs every
    dependency again. Copying only the manifests first keeps the install cached until they change.

    ## Example
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY . .
    RUN npm ci
    CMD ["node", "server.js"]
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci
    COPY . .
    CMD ["node", "server.js"]
    ```

    ## Fix safety
    Safe for npm (`npm ci`/`npm install`), pip (`pip install -r FILE`) and go (`go mod download`,
    `go build`) when the install follows the broad COPY with nothing in between that it could
    depend on: the manifest COPY (with the broad COPY's `--chown`, `--chmod` and `--link`) and
    the install move before the broad COPY; other commands chained after the install with `&&`
    stay where they were. pip's requirement files are read in the build context: the `-r` and
    `-c` files they include are copied too, and there is no fix when the install or a
    requirement is a local path or an editable (`.`, `-e .`, `./libs/x`, `@ file:`). npm's fix is
    unsafe when package.json has workspaces, install hooks (`postinstall`, `prepare`...) or local
    dependencies (`file:`, `link:`), when an `.npmrc` sits beside it, or when the context sends
    a `node_modules` folder (the COPY after the install would lay it over npm's). go's fix is
    not offered when `go mod download` needs more than go.mod (a local `replace`, `go.work`,
    `vendor/`). The manifests come from the folder the broad COPY copies (`COPY src/ .` gives
    `COPY src/requirements.txt ./`), and there is no fix when the install does not work in
    that COPY's destination. Safe for a RUN of package-manager commands that install named
    packages and remove only caches: it moves before the broad COPY (a RUN that installs a local
    `.deb`, redirects output or removes project files is not flagged), unless the COPY fills `/`
    or a system folder (`/etc`...), where it may give apt its sources or keys.

    For a dependency script, the fix copies the script and the manifests it is given (paths
    kept) and runs it before a `COPY . .` into the working directory. It is safe only when
    arxdocker can read the script in the build context, the script names no other file or
    folder of the context, is given none, and computes no path at run time (`dirname`, `$0`, a
    glob over folders, a `$VAR/` it does not set to an absolute folder or an argument);
    otherwise (or on stdin) the fix is marked unsafe and `--fix` leaves the file alone. A make
    target's fix (the makefile and the rule's prerequisites first) is always unsafe, since a
    recipe may read any file: check it, then use `--unsafe-fixes`.

    There is no fix for a finding across a FROM, for a `COPY --from`, for a folder COPY that is
    not a source folder of the classic kind (`src/`, `app/`, `lib/`), when several broad COPYs
    come before the same install, for named installs other than system packages, and for the
    installs that only this rule's own recognition finds (`yarn workspaces focus`, `pip wheel`,
    `pnpm fetch`, scripts named for installing that the dependency-script fix cannot copy).

    ## References
    - https://docs.docker.com/build/cache/optimize/#order-your-layers
    """

    code = "ARX001"
    name = "broad-copy-before-install"
    severity = "warning"
    fix_title = "Copy the dependency manifests and install before copying the rest of the sources"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        # Each stage hands the stages built FROM it what it installed manifest-first (`done`)
        # and its broad COPYs that no install followed yet (`pending`): `FROM base AS repo` /
        # `COPY . .`, then `FROM repo AS prod` / `RUN pnpm install`. A finding across a FROM
        # has no fix, which would have to cross the FROM.
        end: dict[int, tuple[frozenset[str], tuple[Instruction, ...]]] = {}
        reported: set[int] = set()
        installed_at: dict[int, tuple[tuple[str, str], ...]] = {}  # installs and their folders
        for stage in ctx.stages.stages:
            done: set[str] = set()  # tools (and scripts) that installed before the sources
            pending: list[Instruction] = []
            manifests: list[str] = []  # what narrower COPYs of the context brought
            if stage.base_stage is not None and stage.base_stage in end:
                inherited_done, inherited_pending = end[stage.base_stage]
                done |= inherited_done
                pending += [i for i in inherited_pending if i.index not in reported]
            inherited = {i.index for i in pending}
            here = (
                list(installed_at.get(stage.base_stage, ())) if stage.base_stage is not None else []
            )
            for instruction in stage.instructions:
                if instruction.keyword in ("COPY", "ADD"):
                    if broad_source_copy(ctx, instruction):
                        if not _manifest_copied_first(instruction, manifests):
                            pending.append(instruction)
                    elif instruction.flag("from") is None:
                        manifests += [s.strip("\"'") for s in instruction.sources]
                    elif (origin := _stage_copied(ctx, instruction)) is not None:
                        # what that stage installed in the folder copied comes along (`COPY
                        # --from=deps /opt/pysetup /opt/pysetup`, the venv poetry filled there)
                        copied = [
                            join_path("/", ctx.stages.expand(instruction, s))
                            for s in instruction.sources
                        ]
                        done |= {
                            tool
                            for tool, folder in installed_at.get(origin, ())
                            if any(folder == c or folder.startswith(c + "/") for c in copied)
                        }
                    continue
                run_commands = ctx.commands(instruction)
                for command in run_commands:
                    found = recognise_install(ctx, instruction, command, run_commands)
                    if found is None or (found.kind != "named" and found.label in done):
                        continue
                    if found.kind != "named":
                        done.add(found.label)
                        here.append((found.label, ctx.workdir(instruction)))
                    if found.script is not None:  # its fix needs it from the broad COPY
                        later = [b for b in pending if not copied_here(ctx, b, instruction)]
                        pending = [b for b in pending if b not in later]
                    else:
                        later = []
                    needed = [
                        b
                        for b in pending
                        if reads_copied_files(ctx, instruction, b, found)
                        or _built_from(ctx, instruction, b)
                    ]
                    targets = [b for b in pending if b not in needed]
                    pending = later
                    fixable = [b for b in targets if b.index not in inherited and is_broad_copy(b)]
                    for broad in targets:
                        reported.add(broad.index)
                        fix_it = fixable == [broad] and len(targets) == 1
                        yield self._found_finding(ctx, broad, instruction, found, fix_it)
            end[stage.index] = (frozenset(done), tuple(pending))
            installed_at[stage.index] = tuple(here)

    def _found_finding(
        self, ctx: LintContext, broad: Instruction, run: Instruction, found: Found, fix_it: bool
    ) -> Finding:
        if found.script is not None and found.fixable and copied_here(ctx, broad, run):
            finding = self._script_finding(
                ctx, broad, run, with_prerequisites(ctx.context, found.script)
            )
        elif found.kind == "named" and found.tool not in SYSTEM:
            finding = self.finding(
                ctx,
                broad,
                f"`{broad.original.strip()}` (line {broad.line}) copies sources before the "
                f"`{found.text}` on line {run.line}, which does not need them; any source edit "
                "reinstalls the packages",
                help=f"Install the packages before `{broad.original}`",
                related=(run.line,),
            )
        elif found.kind == "script":
            finding = self.finding(
                ctx,
                broad,
                f"`{broad.original.strip()}` (line {broad.line}) copies sources before the "
                f"dependency install `{found.text}` on line {run.line}; any source edit runs it "
                "again",
                help=f"Copy what `{found.text}` reads first and run it before `{broad.original}`",
                related=(run.line,),
            )
        else:
            finding = self._install_finding(ctx, broad, run, found.tool, found.manifests)
        return finding if fix_it and found.fixable else replace(finding, fix=None)

    def _install_finding(
        self,
        ctx: LintContext,
        broad: Instruction,
        run: Instruction,
        tool: str,
        manifests: tuple[str, ...],
    ) -> Finding:
        system = tool in SYSTEM
        return self.finding(
            ctx,
            broad,
            f"`{broad.original.strip()}` (line {broad.line}) copies sources before the "
            f"{tool} install on line {run.line}; any source edit reinstalls "
            + ("the packages" if system else "every dependency"),
            help=f"Install the system packages before `{broad.original}`"
            if system
            else _install_help(ctx, broad, run, tool, manifests),
            fix=(move_before(ctx.dockerfile, broad, run) if _app_folder(ctx, broad) else None)
            if system
            else _install_fix(ctx, broad, run, tool, manifests),
            related=(run.line,),
        )

    def _script_finding(
        self, ctx: LintContext, broad: Instruction, run: Instruction, found: DependencyScript
    ) -> Finding:
        # A makefile's recipes may read any file (and its other targets usually do): never safe.
        safe = not found.target and script_reads_only_its_files(ctx.context, found)
        fix = script_first(ctx.dockerfile, broad, run, found, "safe" if safe else "unsafe")
        what = f"`{found.label}`" if found.target else f"dependency script {found.script}"
        unsafe_note = UNSAFE_MAKE_NOTE if found.target else UNSAFE_SCRIPT_NOTE
        return self.finding(
            ctx,
            broad,
            f"`{broad.original.strip()}` (line {broad.line}) copies sources before the "
            f"{what} on line {run.line}; any source edit runs it again",
            help=f"Copy {' '.join(found.files)} first and run {found.label} before "
            f"`{broad.original}`"
            + ("" if fix is None or fix.applicability == "safe" else unsafe_note),
            fix=fix,
            related=(run.line,),
        )


def _install_fix(
    ctx: LintContext, broad: Instruction, run: Instruction, tool: str, manifests: tuple[str, ...]
):  # -> Fix | None
    """The manifests-first fix, when the install reads its manifests where the broad COPY put
    them: the RUN works in the COPY's destination, which got one source folder (`.` or `src/`),
    so each manifest comes from that folder of the context."""
    if len(broad.sources) != 1 or not copied_here(ctx, broad, run):
        return None  # the manifests came from elsewhere (an earlier COPY), or several folders
    source = broad.sources[0].strip("\"'")
    folder = "" if source in WHOLE_CONTEXT else source.rstrip("/") + "/"
    files = None
    if ctx.context is not None and source not in ("*", "./*"):
        files = _Under(ctx.context.files, folder) if folder else ctx.context.files
    fix = install_first(ctx.dockerfile, broad, run, tool, manifests, files=files, folder=folder)
    if fix is not None and tool == "npm" and _sends_node_modules(ctx, folder):
        # `COPY . .` after the install would lay the host's node_modules (other platform's
        # binaries) over the one `npm ci` made, where before the install replaced it
        fix = replace(fix, applicability="unsafe")
    return fix


def _sends_node_modules(ctx: LintContext, folder: str) -> bool:
    from arxdocker.lint.rules.arx008_weak_dockerignore import ignored

    context = ctx.context
    if context is None:
        return False
    path = f"{folder}node_modules"
    return context.files.kind(path) == "folder" and not ignored(path, context.dockerignore or ())


class _Under:
    """Context files seen from a folder of the context, as a COPY of that folder lays them out."""

    def __init__(self, files: ContextFiles, folder: str) -> None:
        self.files, self.folder = files, folder

    def kind(self, relative: str):  # -> Literal["file", "folder"] | None
        return self.files.kind(self.folder + relative)

    def text(self, relative: str) -> str | None:
        return self.files.text(self.folder + relative)


def copied_here(ctx: LintContext, broad: Instruction, run: Instruction) -> bool:
    """Whether the RUN works in the folder the broad COPY filled, so its relative script came
    from the build context."""
    return ctx.workdir(run) == join_path(ctx.workdir(broad), broad.destination)


UNSAFE_MAKE_NOTE = (
    " (not fixed by --fix: a makefile's recipes may read any file; check what the target needs,"
    " then apply with --fix --unsafe-fixes)"
)
UNSAFE_SCRIPT_NOTE = (
    " (not fixed by --fix: the script could not be read in the build context, or it names other"
    " context files it may need)"
)
# A path a script computes at run time: from `dirname`, or a glob over folders.
_COMPUTED_PATH = re.compile(r"\bdirname\b|\$0\b|[*?]/|/[*?]")
# the variable a path starts with (`$dest/$name/x` starts in $dest)
_VARIABLE_PATH = re.compile(r"(?<![/\w}])\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/")
_ASSIGNMENT = re.compile(r"(?:^|[\s;])([A-Za-z_][A-Za-z0-9_]*)=(\"?)([^\s\";]*)")


def _unknown_variable_path(body: str) -> bool:
    """A `$var/...` path whose variable the script does not set to an absolute folder or a
    positional argument (those are checked as the command's own arguments)."""
    known = {
        name
        for name, _, value in _ASSIGNMENT.findall(body)
        if value.startswith("/") or re.fullmatch(r"\$\{?[0-9]\}?", value)
    }
    return any(name not in known for name in _VARIABLE_PATH.findall(body))


# Words of a script that may name a file: paths as a shell script writes them, unquoted or quoted.
_PATH_WORD = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]*")


def script_reads_only_its_files(context: BuildContext | None, found: DependencyScript) -> bool:
    """Whether moving the script above the broad COPY is safe: the script and its manifests are
    context files, and the script names no other file or folder of the context (so it cannot
    need the rest of the sources). Without a context folder (stdin) nothing can be checked."""
    if context is None or any(context.files.kind(file) != "file" for file in found.files):
        return False
    text = context.files.text(found.script)
    if text is None:
        return False
    own = {PurePosixPath(file).as_posix() for file in found.files}
    folder = PurePosixPath(found.script).parent
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    if _COMPUTED_PATH.search(body) or _unknown_variable_path(body):
        return False  # `. "$here/common.sh"`, `*/package.json`: files it finds at run time
    if any(context.files.kind(word) for word in found.arguments if word not in own):
        return False  # it is given another file or folder of the context
    named = {
        candidate.as_posix()
        for word in _PATH_WORD.findall(body)
        if word.strip(".") and PurePosixPath(word).as_posix() not in own
        for candidate in (PurePosixPath(word), folder / word)
    }
    return not any(context.files.kind(path) for path in named - own)


def with_prerequisites(context: BuildContext | None, found: DependencyScript) -> DependencyScript:
    """A make target with the prerequisites its rule names that are files of the build context
    (`deps: requirements.txt`), so the message and the fix copy them with the makefile."""
    if not found.target or context is None:
        return found
    text = context.files.text(found.script)
    if text is None:
        return found
    prerequisites: list[str] = []
    for line in text.replace("\\\n", " ").splitlines():
        rule = _MAKE_RULE.match(line)
        if rule and found.target in rule["targets"].split():
            prerequisites += rule["prerequisites"].split(";", 1)[0].split()
    manifests = tuple(
        dict.fromkeys(
            word
            for word in prerequisites
            if word != found.script and "$" not in word and context.files.kind(word) == "file"
        )
    )
    return replace(found, manifests=manifests)


# `targets: prerequisites` (not `name := value`, not a recipe line, which starts with a tab).
_MAKE_RULE = re.compile(r"^(?P<targets>[^\t#:=][^:=]*?)\s*::?(?![=])(?P<prerequisites>[^=]*)$")


# Folders of the system: a COPY into them may give apt its sources, keys or config.
_SYSTEM_FOLDERS = ("/etc", "/usr", "/var", "/lib", "/bin", "/sbin", "/root")


def _app_folder(ctx: LintContext, broad: Instruction) -> bool:
    """Whether the broad COPY fills a folder of the project, not `/` or a system folder, so a
    package install cannot need what it copies."""
    dest = join_path(ctx.workdir(broad), broad.destination)
    return (
        dest != "/"
        and not dest.startswith(tuple(f"{f}/" for f in _SYSTEM_FOLDERS))
        and (dest not in _SYSTEM_FOLDERS)
    )


# What fetches a build tool's dependencies alone, where its install is the build itself.
_FETCH_FIRST = {
    "go": "`go mod download`",
    "cargo": "`cargo fetch` (with a stub src/main.rs) or cargo-chef's `cargo chef cook`",
    "maven": "`mvn dependency:go-offline`",
    "gradle": "`gradle dependencies`",
    "dotnet": "`dotnet restore`",
}
_BUILD_VERBS = ("build", "publish", "package", "install", "test", "run", "assemble", "compile")


def _install_help(
    ctx: LintContext, broad: Instruction, run: Instruction, tool: str, manifests: tuple[str, ...]
) -> str:
    """Copy the manifests (named as the context has them) first, then the install; for a build
    tool whose command here is the build, the step that fetches the dependencies alone."""
    source = broad.sources[0] if len(broad.sources) == 1 else "."
    destination = join_path(ctx.workdir(broad), broad.destination)
    listed = []
    for manifest in manifests:
        name = manifest
        if manifest.startswith("/") and manifest.startswith(destination.rstrip("/") + "/"):
            # `pip install -r /app/requirements.txt` after `COPY . /app`: the context's file
            below = manifest[len(destination.rstrip("/")) + 1 :]
            name = below if source in WHOLE_CONTEXT else f"{source.rstrip('/')}/{below}"
        listed.append(name)
    words = next(
        (c.words for c in ctx.commands(run) if (found := install_tool(c)) and found.name == tool),
        (),
    )
    builds = len(words) > 1 and any(w in _BUILD_VERBS for w in words[1:3])
    if tool in _FETCH_FIRST and builds and words[:3] != ("go", "mod", "download"):
        return (
            f"Copy {' '.join(listed)} first and fetch the dependencies there with "
            f"{_FETCH_FIRST[tool]}; the build stays after `{broad.original}`"
        )
    return f"Copy {' '.join(listed)} first and run the {tool} install before `{broad.original}`"


# --- what counts as an install, and what as a COPY of sources (docs/lint-corpus.md) ---


@dataclass(frozen=True)
class Found:
    """An install a broad COPY should not come before."""

    kind: Literal["deps", "named", "script"]  # reads the manifests / names its packages / a script
    tool: str  # the tool (TOOLS key) or, for a script, its label
    text: str  # how a message names it
    manifests: tuple[str, ...] = ()
    fixable: bool = False  # a fix (manifests first, or the RUN moved up) may be offered
    script: DependencyScript | None = None

    @property
    def label(self) -> str:
        """What `done` remembers: the tool, or the script."""
        return self.script.label if self.script is not None else self.tool


# yarn options that take a value (`--network-timeout 600000` is no verb).
_YARN_VALUE_OPTIONS = {
    "--network-timeout", "--cache-folder", "--modules-folder", "--mutex", "--registry",
    "--cwd", "--global-folder", "--link-folder", "--use-yarnrc", "--network-concurrency",
}  # fmt: skip
# Builds that fetch the dependencies they lack: not an install when the RUN mounts the tool's
# package cache (then only the compile reruns, which it must do anyway).
_IMPLICIT = {"go", "cargo", "maven", "gradle", "dotnet"}
_GO_INSTALLS = ("build", "install", "get", "run", "test", "generate")
_CARGO_BUILDS = ("build", "fetch", "zigbuild", "test", "run", "auditable", "xwin")
_DEPS_NAME = re.compile(
    r"(?:^|[-_.])(deps|dependencies|depends|requirements|vendor|plugins|packages|modules)"
    r"(?:[-_.]|$)",
    re.I,
)
_PM_INSTALL = re.compile(
    r"(?:^|[-_.])(?:(?:pip|npm|yarn|pnpm|gem|bundle|composer|poetry)[-_.]install|"
    r"install[-_.](?:pip|npm|yarn|pnpm|gems?|bundler?|composer|poetry))(?:[-_.]|$)",
    re.I,
)
_MAKE_FETCH = re.compile(r"(?:^|[-_.])(deps|dependencies|vendor|download|fetch)(?:[-_.]|$)", re.I)
_PIP = re.compile(r"^pip(3(\.\d+)?)?$")
_PYTHON = re.compile(r"^python(3(\.\d+)?)?$")
_INTERPRETERS = re.compile(r"^(?:python[0-9.]*|node|ruby|php|perl|bash|sh)$")


def _split_camel(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)


def _positional(words: tuple[str, ...], value_options: set[str] = set()) -> list[str]:  # noqa: B006
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in value_options:
            skip = True
        elif not word.startswith("-"):
            out.append(word)
    return out


def _local(word: str) -> bool:
    """A package argument that is a path (a local tarball, wheel, .deb, folder)."""
    return "/" in word or word.startswith(".") or word.endswith((".deb", ".rpm", ".apk", ".tgz"))


def recognise_install(  # noqa: PLR0915 (one table of the tools, as docs/lint-corpus.md lists them)
    ctx: LintContext,
    run: Instruction,
    command: Command,
    run_commands: list[Command],
) -> Found | None:
    """The install this command is, as docs/lint-corpus.md counts them for ARX001."""
    words, name = command.words, command.name
    if not words:
        return None
    text = command.text()
    deps = dependency_install(command)
    args = _positional(words[1:])
    verb = args[0] if args else ""
    if not verb and any(w in ("-v", "-V", "--version", "-h", "--help") for w in words[1:]):
        return None

    def dependency(
        tool: str, manifests: tuple[str, ...] = (), fixable: bool = False
    ) -> Found | None:
        if tool in _IMPLICIT and tool in TOOLS and cache_held(ctx, run, TOOLS[tool]):
            return None  # the mount holds the downloads: only the compile reruns
        return Found("deps", tool, text, manifests or TOOLS[tool].manifests, fixable)

    def named(tool: str, fixable: bool = False) -> Found:
        return Found("named", tool, text, fixable=fixable)

    # system packages, named (a local .deb/.apk is the project's own: not this)
    system = name.removeprefix("xx-")
    if (
        system in ("apt-get", "apt", "aptitude", "yum", "dnf", "microdnf") and verb == "install"
    ) or (system == "apk" and verb == "add"):
        packages = _positional(words[1:], {"--virtual", "-t", "--repository", "-X", "--snapshot"})[
            1:
        ]
        if packages and not any(_local(w) and not w.startswith("$") for w in packages):
            tool = (
                "apk"
                if system == "apk"
                else "yum"
                if system == "yum"
                else "dnf"
                if system != "apt-get" and system not in ("apt", "aptitude")
                else "apt"
            )
            if system_install(command, run_commands) is None and not _leaves_sources_alone(
                run_commands, ctx, run
            ):
                return None  # the RUN reads or writes the project's files: it stays after them
            return named(tool, fixable=system_install(command, run_commands) is not None)
        return None
    if name == "yarn":
        yarn = _positional(words[1:], _YARN_VALUE_OPTIONS)
        if not yarn or yarn[0] == "install":
            return dependency("yarn", fixable=deps is not None)
        if yarn[:2] == ["workspaces", "focus"] or "install" in re.split(r"[:_-]", yarn[0]):
            return dependency("yarn")  # `yarn webui:install`: a package.json script installing
        if yarn[:2] == ["global", "add"]:
            return named("yarn")
        return None
    if name == "pnpm":
        if verb == "fetch":
            return dependency("pnpm", ("pnpm-lock.yaml",))
        if verb in ("install", "i") and not any(w in ("-g", "--global") for w in words):
            return dependency("pnpm", fixable=deps is not None)
        if verb in ("add", "install", "i") and any(w in ("-g", "--global") for w in words):
            return named("pnpm")
        return None
    if name == "npm" and verb in ("ci", "install", "i", "add"):
        packages = args[1:]
        if not packages:
            return dependency("npm", fixable=deps is not None)
        if not any(_local(w) for w in packages):
            return named("npm")
        return None
    if _PIP.match(name) or (_PYTHON.match(name) and words[1:3] == ("-m", "pip")):
        pip = (
            words[words.index("pip") + 1 :]
            if name not in ("pip",) and "pip" in words
            else words[1:]
        )
        if _PIP.match(name):
            pip = words[1:]
        verb = next((w for w in pip if not w.startswith("-")), "")
        if verb not in ("install", "wheel", "download"):
            return None
        rest = pip[pip.index(verb) + 1 :]
        if any(w in ("-r", "--requirement") or w.startswith("--requirement=") for w in rest):
            return dependency(
                "pip",
                tuple(
                    rest[i + 1]
                    for i, w in enumerate(rest[:-1])
                    if w in ("-r", "--requirement", "-c", "--constraint")
                ),
                fixable=deps is not None and verb == "install",
            )
        packages = _positional(
            rest,
            {
                "-c",
                "--constraint",
                "-i",
                "--index-url",
                "--extra-index-url",
                "-f",
                "--find-links",
                "--target",
                "-t",
                "--prefix",
                "--root",
                "--python",
                "--platform",
            },
        )
        if "--no-index" in rest and any(w.startswith(("-f", "--find-links")) for w in rest):
            return None  # from a wheel folder: downloads nothing
        if "--no-deps" in rest and all(_local(w) or w.startswith("$") for w in packages):
            return None  # the project itself, its dependencies already installed
        if any(_local(w) for w in packages) or "-e" in rest or "--editable" in rest:
            return dependency("pip", ("pyproject.toml",), fixable=deps is not None)
        if packages:
            return named("pip")
        return None
    if name == "uv" and (verb == "sync" or args[:2] in (["pip", "install"], ["pip", "sync"])):
        if (
            verb == "pip"
            and "-r" not in words
            and "--requirements" not in words
            and not any(_local(w) for w in args[2:])
        ):
            return named("uv") if args[2:] else None
        return dependency("uv", fixable=deps is not None)
    if name == "poetry" and verb == "install":
        if "--only-root" in words:
            return None
        return dependency("poetry", fixable=deps is not None)
    if name == "pipenv" and verb in ("install", "sync"):
        return dependency("pip", ("Pipfile", "Pipfile.lock"))
    if name == "go":
        if verb == "install" and not any("./" in w or w == "." for w in args[1:]):
            return named("go")  # go install tool@version
        if verb in _GO_INSTALLS or args[:2] in (
            ["mod", "download"],
            ["mod", "tidy"],
            ["mod", "vendor"],
        ):
            return dependency("go", fixable=deps is not None)
        return None
    if name == "cargo":
        if args[:2] == ["chef", "cook"]:
            return Found("deps", "cargo", text)  # the recipe's dependencies, before the sources
        if verb == "install" and "--path" not in words:
            return named("cargo")
        if verb in _CARGO_BUILDS:
            return dependency("cargo", fixable=deps is not None)
        return None
    if name in ("mvn", "mvnw") and args:
        pom = next((words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-f", "--file")), "")
        if pom and not pom.endswith("/pom.xml") and pom != "pom.xml":
            return Found("named", "maven", text)  # another project's pom: not the manifest
        return dependency("maven", fixable=deps is not None)
    if name in ("gradle", "gradlew") and args:
        return dependency("gradle", fixable=deps is not None)
    if name == "bundle" and verb == "install":
        return dependency("bundler", fixable=deps is not None)
    if name == "gem" and verb == "install":
        return named("gem") if args[1:] and not any(_local(w) for w in args[1:]) else None
    if name == "composer" or (name == "php" and args[:1] and args[0].endswith("composer.phar")):
        composer = args[1:] if name == "php" else args
        if composer[:1] and composer[0] in ("install", "update"):
            return dependency("composer", fixable=deps is not None)
        if composer[:2] == ["global", "require"]:
            return named("composer")
        return None
    if name == "dotnet":
        if args[:2] == ["tool", "install"]:
            return named("dotnet")
        if verb in ("restore", "build", "publish", "test") and "--no-restore" not in words:
            if verb == "restore":
                return Found("deps", "dotnet", text, TOOLS["dotnet"].manifests, deps is not None)
            return dependency("dotnet", fixable=deps is not None)
        return None
    if name == "nuget" and verb == "restore":
        return Found("deps", "dotnet", text, TOOLS["nuget"].manifests)
    if name in ("npx", "pnpx") and "install" in args[1:2]:
        return Found("deps", f"{name} {args[0]}", text, ("package.json",))  # `npx cypress install`
    if args and _PM_INSTALL.search(args[0]):
        return Found("script", text, text)  # `brew install-bundler-gems`: a command installing
    # the project's own dependency script (its fix is the script's: see _script_finding)
    script = dependency_script(command)
    if script is not None:
        return Found("script", script.label, text, fixable=True, script=script)
    return _named_script(command)


def _leaves_sources_alone(run_commands: list[Command], ctx: LintContext, run: Instruction) -> bool:
    """A RUN whose other commands use only absolute paths outside the working directory (the
    commands of a conditional install: `if [ "$DEBUG" = true ]; then cp /tmp/x.so …; apk add
    …; fi`): no relative path, redirection or command substitution that could touch the
    project's files."""
    here = ctx.workdir(run).rstrip("/") + "/"
    for command in run_commands:
        for word in command.words[1:]:
            if any(c in word for c in "<>|`") or "$(" in word:
                return False
            path = not word.startswith("-") and ("/" in word or word.startswith("."))
            if path and (not word.startswith("/") or (here != "/" and word.startswith(here))):
                return False
    return True


def _named_script(command: Command) -> Found | None:
    """A script or make target named for installing dependencies that the rule's own script
    recognition leaves out (detection only, no fix): `bin/installDeps.sh` (camel case),
    `python tools/pip_install.py`, `/code/build-bin/maybe_install_npm` (a script the broad
    COPY brought), `make -C contrib/depends download`, `./emsdk install VERSION`."""
    words = list(command.words)
    if command.name in ("make", "gmake"):
        targets = _positional(tuple(words[1:]), {"-C", "--directory", "-f", "--file", "-j"})
        targets = [t for t in targets if "=" not in t]
        if any(_MAKE_FETCH.search(t) for t in targets):
            return Found("script", f"make {targets[0]}", command.text(), script=None)
        return None
    if _INTERPRETERS.match(command.name) and len(words) > 1:
        words = [w for w in words[1:] if not w.startswith("-")]
        if not words or (command.name in ("bash", "sh") and "-c" in command.words):
            return None
    script = words[0]
    if "/" not in script:
        return None
    if script.startswith(("/usr/", "/bin/", "/sbin/", "/lib/", "/etc/", "/opt/", "/tmp/")):
        return None  # a tool of the image, not a file of the project
    stem = _split_camel(script.rsplit("/", 1)[-1].split(".", 1)[0])
    if script.startswith("/") and not _PM_INSTALL.search(stem):
        return None  # an absolute path: only a script named for a package manager's install
    if _DEPS_NAME.search(stem) or _PM_INSTALL.search(stem) or words[1:2] == ["install"]:
        return Found("script", command.text(), command.text())  # the same run is done once
    return None


# Folders that are not the sources an install could do without: what the install itself needs
# (vendored dependencies, patches, local plugins, install-time scripts and tools, the gradle
# wrapper, interface definitions), or data, configuration, documentation and built artifacts.
# A folder name is split at `-`, `_` and `.` (`native-image-configs`, `build-bin`).
_NOT_SOURCES = {
    "vendor", "patches", "patch", "plugins", "node", "modules", "yarn", "cargo", "git", "github",
    "deps", "scripts", "script", "tools", "docs", "doc", "config", "configs", "conf", "etc",
    "docker", "var", "data", "rootfs", "certs", "licenses", "requirements", "wheels", "dist",
    "build", "target", "out", "gradle", "pb", "proto", "protos", "hack", "ci",
}  # fmt: skip
# Files with no extension that are not folders.
_FILE_NAMES = re.compile(
    r"^(?:[A-Z][A-Za-z]*file|GNUmakefile|Cargo|LICEN[CS]E|NOTICE|README|VERSION|CHANGELOG|"
    r"AUTHORS|COPYING|[A-Z0-9_]+_VERSION|gradlew|mvnw|configure)$"
)
# Sources matched by a glob (`COPY *.go go.mod ./`).
_SOURCE_GLOB = re.compile(r"^\*\.(?:go|py|js|ts|rs|java|kt|cs|fs|rb|php|c|cc|cpp|h|ex|exs)$")
# Build output of a stage, which changes with every source edit (`build` below a project folder:
# `/app/build`, not a `/build` work folder).
_OUTPUT = {"dist", "_build", ".next", "publish"}
# Where a COPY of a folder does not bring project sources: the system, scratch space, or the
# folder of a package manager's configuration.
_SYSTEM_DESTINATIONS = (
    "/etc", "/usr/share", "/usr/local/share", "/usr/lib", "/lib", "/sbin", "/var/lib",
    "/var/cache", "/tmp",
)  # fmt: skip


def _is_image(reference: str) -> bool:
    return any(c in reference for c in "/:@.")


def _destination(ctx: LintContext, instruction: Instruction) -> str:
    return join_path(
        ctx.workdir(instruction), ctx.stages.expand(instruction, instruction.destination)
    )


def whole_tree(ctx: LintContext, instruction: Instruction) -> bool:
    """A COPY of everything: the whole context, a named context or a stage's source tree."""
    if is_broad_copy(instruction):
        return True
    reference = instruction.flag("from")
    return (
        reference is not None
        and broad_source_copy(ctx, instruction)
        and not any(_output(join_path("/", s.strip("\"'"))) for s in instruction.sources)
    )


def _output(path: str) -> bool:
    parts = path.strip("/").split("/")
    return bool(set(parts) & _OUTPUT) or "build" in parts[1:] or path.endswith("/out/full")


def broad_source_copy(ctx: LintContext, instruction: Instruction) -> bool:
    """A COPY/ADD that brings sources (docs/lint-corpus.md, ARX001): the whole context, a
    folder of it (`COPY ./web ./`, `COPY client /app`, a sub-project with its own manifest),
    a glob of source files, a named build context, or from a stage of this file its whole
    source tree or its build output (`COPY --from=build /app/dist dist`)."""
    if instruction.keyword not in ("COPY", "ADD") or instruction.heredocs:
        return False
    if is_broad_copy(instruction):
        return True
    destination = _destination(ctx, instruction)
    if destination == "/" or any(
        destination == d or destination.startswith(d + "/") for d in _SYSTEM_DESTINATIONS
    ):
        return False
    reference = instruction.flag("from")
    if reference is not None:
        name = ctx.stages.expand(instruction, reference.value or "")
        stage = ctx.stages.stage(name)
        if stage is None:  # a named build context counts like the context; an image does not
            return not _is_image(name) and any(
                s.strip("\"'").strip("/") in ("", ".") or _folder_of_sources(s, destination)
                for s in instruction.sources
            )
        trees = _source_trees(ctx, stage)
        if not trees:
            return False  # a stage that got no sources: its files are not the project's
        for source in instruction.sources:
            path = join_path("/", source.strip("\"'")).rstrip("/") or "/"
            last = path.rsplit("/", 1)[-1]
            if "." in last.lstrip(".") or "*" in last:
                continue  # a built file (a jar, a binary): not a tree
            if path in trees or _output(path):
                return True
        return False
    if "/." in destination:
        return False  # into a hidden folder: a tool's configuration (`~/.ssh`, `.cargo`)
    return any(_folder_of_sources(s, destination) for s in instruction.sources)


def _folder_of_sources(source: str, destination: str = "") -> bool:
    path = source.strip("\"'")
    if path.startswith(("http://", "https://", "git@", "<<", "$")):
        return False
    folder = path.endswith(("/", "/."))
    parts = [p for p in path.strip("/").split("/") if p not in ("", ".")]
    if not parts:
        return True  # `/` or `./`: the whole context
    last = parts[-1]
    if _SOURCE_GLOB.match(last):
        return True
    if not folder and (
        any(c in last for c in "*?[") or "." in last.lstrip(".") or _FILE_NAMES.match(last)
    ):
        return False  # files, or a glob of them
    if not folder and destination.rstrip("/").endswith("/bin") and last != "bin":
        return False  # a script copied into a bin folder
    words = {w.lower() for p in parts for w in re.split(r"[-_.]", p) if w}
    return not (words & _NOT_SOURCES or any(p.startswith(".") for p in parts))


def _source_trees(ctx: LintContext, stage: Stage) -> list[str]:
    """Where the stage (or a stage it builds FROM) put sources by a broad COPY: a `COPY
    --from` of one of these folders copies its source tree."""
    trees = []
    for each in ctx.stages.chain(stage):
        for instruction in each.instructions:
            if (
                instruction.keyword in ("COPY", "ADD")
                and not instruction.flag("from")
                and broad_source_copy(ctx, instruction)
                and (is_broad_copy(instruction) or len(instruction.sources) == 1)
            ):
                trees.append(_destination(ctx, instruction).rstrip("/") or "/")
    return trees


def _manifest_copied_first(instruction: Instruction, copied: list[str]) -> bool:
    """A folder of a package whose manifest a narrower COPY brought first (`COPY --parents
    ./packages/*/package.json ./`, then `COPY ./packages/definitions/src`): what the install
    reads of it, not a sub-project copied whole."""
    if is_broad_copy(instruction) or instruction.flag("from") is not None:
        return False
    folders = {
        str(PurePosixPath(c.removeprefix("./")).parent)
        for c in copied
        if _MANIFEST.search(c.rsplit("/", 1)[-1])
    } - {"."}
    for source in instruction.sources:
        path = PurePosixPath(source.strip("\"'").removeprefix("./").strip("/"))
        if not any(fnmatch(str(p), f) for p in (path, *path.parents) for f in folders):
            return False
    return True


def _stage_copied(ctx: LintContext, instruction: Instruction) -> int | None:
    reference = instruction.flag("from")
    if reference is None:
        return None
    stage = ctx.stages.stage(ctx.stages.expand(instruction, reference.value or ""))
    if stage is None or any(
        "." in s.strip("\"'/").rsplit("/", 1)[-1].lstrip(".") for s in instruction.sources
    ):
        return None  # a file (a manifest, a binary), not an installed environment
    return stage.index


def _built_from(ctx: LintContext, run: Instruction, broad: Instruction) -> bool:
    """A stage's build output copied in for a RUN that builds the package with it (`COPY
    --from=webui /app/dist webui/dist` then `uv build`): the build reads it."""
    if broad.flag("from") is None or whole_tree(ctx, broad):
        return False
    return any(
        "build" in c.words[1:3] or c.name in ("make", "cmake") or c.words[1:3] == ("-m", "build")
        for c in ctx.commands(run)
    )


# Commands that make or change files rather than read them.
_WRITERS = {"touch", "mkdir", "chown", "chmod", "rm", "ln", "echo", "printf", "find"}


def reads_copied_files(
    ctx: LintContext, run: Instruction, broad: Instruction, found: Found
) -> bool:
    """Whether the install RUN reads what the COPY brought (`COPY tools tools` then `python
    tools/pip_install.py`; `COPY ./ /modules/` then each module's build-deps list for apt): the
    install needs it. A whole tree only counts for a system package install."""
    if whole_tree(ctx, broad) and not (found.kind == "named" and found.tool in SYSTEM):
        return False
    destination = _destination(ctx, broad)
    here = ctx.workdir(run).rstrip("/") + "/"
    patterns = []
    if destination != "/":
        patterns.append(rf"{re.escape(destination)}/[\w.$-]")
    if destination.startswith(here) and destination != here.rstrip("/"):
        below = destination[len(here) :]
        patterns.append(rf"(?<![\w/.$-])(?:\./)?{re.escape(below)}/[\w.$-]")
    if not patterns:
        return False
    pattern = re.compile(rf"(?:{'|'.join(patterns)})[^\s'\"]*")
    for command in ctx.commands(run):
        if command.name in _WRITERS:
            continue
        words = command.words[:-1] if command.name in ("cp", "mv", "install") else command.words
        for match in pattern.finditer(" ".join(words)):
            if not _MANIFEST.search(match.group(0).rsplit("/", 1)[-1]):
                return True  # a file it reads (its manifest would not count: that is the finding)
    return False


# The manifest files of the installs.
_MANIFEST = re.compile(
    r"^(?:package(?:-lock)?\.json|yarn\.lock|pnpm-lock\.yaml|requirements.*\.txt|pyproject\.toml|"
    r"poetry\.lock|uv\.lock|Pipfile(?:\.lock)?|Gemfile(?:\.lock)?|composer\.(?:json|lock)|"
    r"go\.(?:mod|sum)|Cargo\.(?:toml|lock)|pom\.xml|build\.gradle(?:\.kts)?|.*\.(?:cs|fs|vb)proj|"
    r".*\.sln|packages\.config)$"
)
