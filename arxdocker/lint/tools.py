"""Package managers and build tools: how to recognise their installs, their manifests and caches.

Cache targets follow Docker's "Optimize cache usage in builds" (recommended cache-mount targets)
and each tool's documented default cache directory; `~` is the home of the current USER.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from arxdocker.dockerfile.shell import Command


@dataclass(frozen=True)
class Tool:
    name: str
    manifests: tuple[str, ...]  # files a dependency install reads (empty: system packages)
    cache_targets: tuple[str, ...]  # where its cache lives; "~" is the user's home
    mount_options: str = ""  # extra mount options, such as ",sharing=locked"
    cache_marker: str = ""  # a target containing this counts as a cache mount for the tool
    no_cache: tuple[str, ...] = ()  # words in the RUN that keep the cache out of the layer

    def targets(self, home: str, base: str = "") -> list[str]:
        targets = []
        for target in self.cache_targets:
            path = target
            if self.name == "go" and base.startswith("golang"):
                path = path.replace("~/go", "/go")
            if self.name == "cargo" and base.startswith("rust"):
                path = path.replace("~/.cargo", "/usr/local/cargo")
            if self.name == "bundler" and base.startswith("ruby"):
                path = "/usr/local/bundle/cache"  # the official images' GEM_HOME
            targets.append(home.rstrip("/") + path[1:] if path.startswith("~") else path)
        return targets

    def mount_flag(self, folder: str) -> str:
        return f"--mount=type=cache,target={folder}{self.mount_options}"

    def cache_dirs(self, home: str, base: str, env: dict[str, str | None]) -> list[str]:
        """Its cache folders where the stage's ENV moves them (`GOMODCACHE`, `CARGO_HOME`…),
        else the defaults for the user's home and the base image."""
        dirs = self.targets(home, base)
        for index, choices in enumerate(_CACHE_ENV.get(self.name, ())):
            for variable, below in choices:
                value = env.get(variable)
                if value and value.startswith("/") and index < len(dirs):
                    dirs[index] = value.rstrip("/") + below
                    break
        return dirs


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        Tool("apt", (), ("/var/cache/apt", "/var/lib/apt"), ",sharing=locked", "/var/cache/apt",
             ("/var/lib/apt/lists",)),
        Tool("apk", (), ("/etc/apk/cache",), ",sharing=locked", "apk",
             ("--no-cache", "/var/cache/apk")),
        Tool("yum", (), ("/var/cache/yum",), ",sharing=locked", "/var/cache/yum", ("clean",)),
        Tool("dnf", (), ("/var/cache/dnf",), ",sharing=locked", "/var/cache/dnf", ("clean",)),
        Tool("pip", ("requirements.txt",), ("~/.cache/pip",), "", ".cache/pip",
             ("--no-cache-dir", "PIP_NO_CACHE_DIR")),
        Tool("uv", ("pyproject.toml", "uv.lock"), ("~/.cache/uv",), "", ".cache/uv",
             ("--no-cache", "UV_NO_CACHE")),
        Tool("poetry", ("pyproject.toml", "poetry.lock"), ("~/.cache/pypoetry",), "", "pypoetry",
             ("--no-cache",)),
        Tool("npm", ("package.json", "package-lock.json"), ("~/.npm",), "", ".npm",
             ("cache clean",)),
        Tool("yarn", ("package.json", "yarn.lock"), ("/usr/local/share/.cache/yarn",), "", "yarn",
             ("cache clean",)),
        Tool("pnpm", ("package.json", "pnpm-lock.yaml"), ("~/.local/share/pnpm/store",), "",
             "pnpm", ("store prune",)),
        Tool("go", ("go.mod", "go.sum"), ("~/go/pkg/mod", "~/.cache/go-build"), "", "pkg/mod",
             ("clean -modcache",)),
        Tool("cargo", ("Cargo.toml", "Cargo.lock"), ("~/.cargo/registry",), "", "cargo/registry"),
        Tool("maven", ("pom.xml",), ("~/.m2",), "", ".m2"),
        Tool("gradle", ("build.gradle", "settings.gradle"), ("~/.gradle",), "", ".gradle"),
        Tool("bundler", ("Gemfile", "Gemfile.lock"), ("~/.gem",), "", "gem"),
        Tool("composer", ("composer.json", "composer.lock"), ("~/.cache/composer",), "",
             "composer", ("--no-cache",)),
        Tool("dotnet", ("*.csproj",), ("~/.nuget/packages",), "", "nuget"),
        Tool("nuget", ("packages.config",), ("~/.nuget/packages",), "", "nuget"),
    )
}  # fmt: skip

# Per cache folder of a tool (in `cache_targets` order), the ENV that moves it: the first set
# wins, with what is appended below it.
_CACHE_ENV: dict[str, tuple[tuple[tuple[str, str], ...], ...]] = {
    "pip": ((("PIP_CACHE_DIR", ""),),),
    "uv": ((("UV_CACHE_DIR", ""),),),
    "npm": ((("npm_config_cache", ""), ("NPM_CONFIG_CACHE", "")),),
    "yarn": ((("YARN_CACHE_FOLDER", ""),),),
    "go": ((("GOMODCACHE", ""), ("GOPATH", "/pkg/mod")), (("GOCACHE", ""),)),
    "cargo": ((("CARGO_HOME", "/registry"),),),
    "bundler": ((("GEM_HOME", "/cache"),),),
    "composer": ((("COMPOSER_CACHE_DIR", ""),),),
    "gradle": ((("GRADLE_USER_HOME", ""),),),
    "dotnet": ((("NUGET_PACKAGES", ""),),),
    "nuget": ((("NUGET_PACKAGES", ""),),),
}
_PIP = re.compile(r"^pip(3(\.\d+)?)?$")
_INFO_FLAGS = frozenset({"-v", "-V", "--version", "-h", "--help"})
_PYTHON = re.compile(r"^python(3(\.\d+)?)?$")


def install_tool(command: Command) -> Tool | None:
    """The tool whose packages this command installs (or fetches, or builds with), if any."""
    words, name = command.words, command.name
    args = [w for w in words[1:] if not w.startswith("-")]
    verb = args[0] if args else ""
    if not verb and any(w in _INFO_FLAGS for w in words[1:]):
        return None  # `yarn -v`, `npm --version`: no install
    if name in ("apt-get", "apt", "aptitude") and verb == "install":
        return TOOLS["apt"]
    if name == "apk" and verb == "add":
        return TOOLS["apk"]
    if name in ("yum", "dnf", "microdnf") and verb == "install":
        return TOOLS["dnf" if name != "yum" else "yum"]
    if (_PIP.match(name) and verb == "install") or (
        _PYTHON.match(name) and words[1:4] == ("-m", "pip", "install")
    ):
        return TOOLS["pip"]
    if name == "uv" and (verb == "sync" or args[:2] == ["pip", "install"]):
        return TOOLS["uv"]
    if name == "poetry" and verb == "install":
        return TOOLS["poetry"]
    if name == "npm" and verb in ("ci", "install", "i"):
        return TOOLS["npm"]
    if name == "yarn":
        # an option's value is no verb: `yarn --frozen-lockfile --network-timeout 600000`
        verbs = [word for word in args if not word.isdigit()]
        if verbs[:1] in ([], ["install"]) or verbs[:2] == ["workspaces", "focus"]:
            return TOOLS["yarn"]
    if name == "pnpm" and verb in ("install", "i", "fetch"):
        return TOOLS["pnpm"]
    if name == "go" and (verb in ("build", "install", "get") or args[:2] == ["mod", "download"]):
        return TOOLS["go"]
    if name == "cargo" and verb in ("build", "install", "fetch"):
        return TOOLS["cargo"]
    if name in ("mvn", "mvnw") and args:
        return TOOLS["maven"]
    if name in ("gradle", "gradlew") and args:
        return TOOLS["gradle"]
    if name == "bundle" and verb == "install":
        return TOOLS["bundler"]
    if name == "composer" and verb == "install":
        return TOOLS["composer"]
    if name == "dotnet" and verb in ("restore", "publish", "build") and "--no-restore" not in words:
        return TOOLS["dotnet"]  # `--no-restore`: the packages came in an earlier restore
    if name == "nuget" and verb == "restore":
        return TOOLS["nuget"]
    return None


def dependency_install(command: Command) -> tuple[Tool, tuple[str, ...]] | None:
    """A project dependency install (it reads manifests): the tool and the manifests it reads."""
    tool = install_tool(command)
    if tool is None or not tool.manifests:
        return None
    words = command.words
    if tool.name == "pip":
        files = tuple(
            words[i + 1]
            for i, w in enumerate(words[:-1])
            if w in ("-r", "--requirement", "-c", "--constraint")
        )
        if any(w in ("-r", "--requirement") for w in words):
            return tool, files
        if "." in words or "-e" in words:
            return tool, ("pyproject.toml",)
        return None
    if tool.name == "npm" and len([w for w in words[2:] if not w.startswith("-")]) > 0:
        return None  # npm install some-package: not the project's manifest
    if tool.name == "go" and words[1:2] == ("install",) and not any("./" in w for w in words):
        return None  # go install tool@version
    if tool.name == "cargo" and words[1:2] == ("install",) and "--path" not in words:
        return None
    return tool, tool.manifests


def is_update(command: Command) -> str | None:
    """The package manager whose index this command only refreshes."""
    args = [w for w in command.words[1:] if not w.startswith("-")]
    verb = args[0] if args else ""
    if command.name in ("apt-get", "apt") and verb == "update":
        return "apt"
    if command.name == "apk" and verb == "update":
        return "apk"
    if command.name in ("yum", "dnf") and verb == "makecache":
        return command.name
    return None


SYSTEM = {"apt", "apk", "yum", "dnf"}
PACKAGE_MANAGERS = {"apt-get", "apt", "apk", "yum", "dnf", "microdnf"}
# Where a package-manager RUN may delete files without reading the build context.
CACHE_PATHS = (
    "/var/lib/apt/lists",
    "/var/cache/",
    "/etc/apt/apt.conf.d/docker-clean",
    "/tmp/",
    "/var/tmp/",
    "/var/log/",
    "/root/.cache",
)


def system_install(command: Command, run: list[Command]) -> tuple[Tool, tuple[str, ...]] | None:
    """An apt/apk/yum/dnf install of named packages, in a RUN whose every command leaves the
    build context alone: package-manager commands, and `rm` of caches only (no local `.deb`,
    no redirection, no path of the project)."""
    tool = install_tool(command)
    if tool is None or tool.name not in SYSTEM:
        return None
    return (tool, ()) if all(_context_free(c) for c in run) else None


def _context_free(command: Command) -> bool:
    words = command.words
    if any(w in ("<", ">", "|") or w.startswith("$") or "`" in w for w in words):
        return False  # a redirection, or a word the shell computes (`cat deps.txt`)
    arguments = [w for w in words[1:] if not w.startswith("-")]
    if command.name in PACKAGE_MANAGERS:
        return not any("/" in w or w.startswith(".") for w in arguments)
    if command.name == "rm":
        return all(w.startswith(CACHE_PATHS) for w in arguments)
    return command.name in ("set", "true")


# A project script that installs dependencies: its name says so, by a word of its own...
_DEPENDENCY_WORD = re.compile(
    r"(?:^|[-_.])(deps|dependencies|requirements|vendor|plugins|packages|modules)(?:[-_.]|$)", re.I
)
# ...or by a verb, when it is also given a manifest (`install.sh` alone often builds the project).
_INSTALL_VERB = re.compile(r"(?:^|[-_.])(install|fetch|bootstrap|download)(?:[-_.]|$)", re.I)
_MANIFEST_SUFFIXES = (".txt", ".lock", ".json", ".toml", ".yaml", ".yml", ".list", ".cfg", ".ini")
_SHELLS = {"sh", "bash", "ash", "dash", "zsh", "ksh"}


@dataclass(frozen=True)
class DependencyScript:
    """`sh tools/fetch-deps.sh deps.txt /app/vendor`: a context script and the files it is given.

    Also `make deps`: the script is the makefile, and `target` the make target that fetches."""

    script: str  # as written, relative to the working directory
    manifests: tuple[str, ...]  # relative file arguments that look like manifests
    target: str = ""  # the make target, for a makefile
    arguments: tuple[str, ...] = field(default=(), compare=False)  # every word it is given

    @property
    def files(self) -> tuple[str, ...]:
        return (self.script, *self.manifests)

    @property
    def label(self) -> str:
        """How a message names it: the script, or the make command."""
        return f"make {self.target}" if self.target else self.script

    def runs_the_same(self, other: DependencyScript | None) -> bool:
        return other is not None and (other.script, other.target) == (self.script, self.target)


def _relative_file(word: str) -> bool:
    return bool(word) and word[0] not in "/-$~" and "=" not in word and "*" not in word


# make's default makefile, as GNU make looks for it (GNUmakefile and makefile come first there,
# but a project's own makefile is almost always spelled this way).
DEFAULT_MAKEFILE = "Makefile"


def _make_target(command: Command) -> DependencyScript | None:
    """`make deps`, `make -f build.mk vendor`: a make target named for fetching dependencies."""
    words = list(command.words[1:])
    makefile = DEFAULT_MAKEFILE
    targets = []
    while words:
        word = words.pop(0)
        if word in ("-C", "--directory") or word.startswith(("-C", "--directory=")):
            return None  # another folder's makefile: its paths are not the working directory's
        if word in ("-f", "--file", "--makefile") and words:
            makefile = words.pop(0)
        elif word.startswith(("--file=", "--makefile=")):
            makefile = word.split("=", 1)[1]
        elif word.startswith("-f") and len(word) > 2:
            makefile = word[2:]
        elif not word.startswith("-") and "=" not in word:
            targets.append(word)
    if not _relative_file(makefile):
        return None
    for target in targets:
        if _DEPENDENCY_WORD.search(target):
            return DependencyScript(makefile, (), target)
    return None


def dependency_script(command: Command) -> DependencyScript | None:
    """A project script (run from the build context) that installs dependencies, if this is one."""
    if command.name in ("make", "gmake"):
        return _make_target(command)
    words = list(command.words)
    if command.name in _SHELLS:
        if "-c" in words:
            return None
        words = [w for w in words[1:] if not w.startswith("-")]
    elif "/" not in words[0]:
        return None  # a command on PATH, not a script of the context
    if not words or not _relative_file(words[0]):
        return None
    script = words[0]
    stem = script.rsplit("/", 1)[-1].split(".", 1)[0]
    manifests = tuple(
        w for w in words[1:] if _relative_file(w) and w.lower().endswith(_MANIFEST_SUFFIXES)
    )
    if _DEPENDENCY_WORD.search(stem) or (_INSTALL_VERB.search(stem) and manifests):
        given = tuple(w for w in words[1:] if _relative_file(w))
        return DependencyScript(script, manifests, arguments=given)
    return None
