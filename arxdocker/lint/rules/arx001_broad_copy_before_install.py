"""ARX001 broad-copy-before-install."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import PurePosixPath

from arxdocker.dockerfile.model import Instruction
from arxdocker.lint.fixes import install_first, move_before, script_first
from arxdocker.lint.model import Finding
from arxdocker.lint.rule import BuildContext, ContextFiles, LintContext, Rule, join_path
from arxdocker.lint.tools import (
    SYSTEM,
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

    ## References
    - https://docs.docker.com/build/cache/optimize/#order-your-layers
    """

    code = "ARX001"
    name = "broad-copy-before-install"
    severity = "warning"
    fix_title = "Copy the dependency manifests and install before copying the rest of the sources"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        # A stage's broad COPY that no install of its own follows, handed to the stages built
        # FROM it (`FROM base AS repo` / `COPY . .`, then `FROM repo AS prod` / `RUN pnpm
        # install`); reported once, without a fix, which would have to cross the FROM.
        left_over: dict[int, Instruction] = {}
        reported: set[int] = set()
        for stage in ctx.stages.stages:
            inherited = left_over.get(stage.base_stage) if stage.base_stage is not None else None
            broad: Instruction | None = inherited
            installs: list[tuple[Instruction, str, tuple[str, ...]]] = []
            scripts: list[tuple[Instruction, DependencyScript]] = []
            done: set[str] = set()  # tools (and scripts) that installed before the broad COPY
            for instruction in stage.instructions:
                if broad is None and is_broad_copy(instruction):
                    broad = instruction
                run_commands = ctx.commands(instruction)
                for command in run_commands:
                    script = dependency_script(command)
                    if script is not None:
                        if broad is None:
                            done.add(script.label)
                        elif script.label not in done and copied_here(ctx, broad, instruction):
                            scripts.append((instruction, with_prerequisites(ctx.context, script)))
                        continue
                    found = dependency_install(command) or system_install(command, run_commands)
                    if not found or found[0].name in done | {i[1] for i in installs}:
                        continue
                    if broad is None:
                        done.add(found[0].name)
                    else:
                        installs.append((instruction, found[0].name, found[1]))
            if broad is None:
                continue
            if not installs and not scripts:
                left_over[stage.index] = broad
                continue
            if broad is inherited:
                if broad.index not in reported and installs:
                    reported.add(broad.index)
                    found = self._install_finding(ctx, broad, *installs[0])
                    yield replace(found, fix=None)
                continue
            if installs:
                yield self._install_finding(ctx, broad, *installs[0])
            elif scripts:
                yield self._script_finding(ctx, broad, *scripts[0])

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
