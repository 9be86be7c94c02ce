"""ARX004 volatile-arg-early."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from arxdocker.dockerfile.expand import variables_in
from arxdocker.dockerfile.model import Instruction
from arxdocker.dockerfile.shell import Command
from arxdocker.dockerfile.stages import arg_pairs, env_pairs
from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule
from arxdocker.lint.rules.arx007_git_clone_moving_ref import git_subcommand, unwrapped
from arxdocker.lint.tools import install_tool

# A per-build value, by the shape of its name (upper-cased): dates and times, commits and
# revisions, CI build ids, cache busters, releases. Matched on `_`-separated parts, so
# `QW_COMMIT_DATE`, `BUILD_GIT_REF_NAME`, `GEOIP_CACHE_BUSTER` and `NEXT_PUBLIC_BUILD_ID` match
# and `S6_BUILD_TIME_PKGS` or `XSLSCRIPT_SHA512` (a checksum) do not.
PER_BUILD = re.compile(
    r"(^|_)(DATE|TIMESTAMP|EPOCH)(_|$)|(^|_)(BUILD_?)?TIME$"
    r"|COMMIT"
    r"|(^|_)SHA1?$"
    r"|(^|_)GIT_(REF|REV|REVISION|HASH|TAG|DESCRIBE|BRANCH|ID|SHA)(_|$)"
    r"|(^|_)(REVISION|REV|VCS_REF|SOURCE_REF|BUILD_REF)$"
    r"|(^|_)BUILD_?(NUMBER|NUM|ID|TAG|HASH|VERSION|REF|SHA)(_|$)"
    r"|(^|_)(RUN|PIPELINE|JOB)_(ID|NUMBER)$"
    r"|CACHE_?BUST"
    r"|(^|_)RELEASE$"
    r"|(^|_)TAG_VERSION$"
)
# The project's own version (`VERSION`, `APP_VERSION`, `COOLIFY_VERSION`) is per-build when the
# file gives it no real default; the version of a tool or dependency is not (below).
VERSION = re.compile(r"(^|_)VERSION$")
OWN_VERSION = re.compile(r"^(APP_|IMAGE_|PROJECT_|RELEASE_|PACKAGE_|SERVICE_)?VERSION$")
_VERSION_OPTION = re.compile(r"^--[\w-]*version[\w-]*=", re.IGNORECASE)
# Tools, runtimes and distributions whose `<NAME>_VERSION` (or a distribution's `_RELEASE`) a
# file pins or is given: not volatile.
DEPENDENCY = re.compile(
    r"^(NODE(JS)?|PYTHON|PY|PYPY|GO(LANG)?|RUST(C|UP)?|CARGO|JAVA|J(DK|RE)|OPENJDK|TEMURIN|"
    r"GRAALVM|KOTLIN|SCALA|SBT|MAVEN|MVN|GRADLE|DOTNET|(ASP)?NET(CORE)?|ASPNETCORE|NUGET|"
    r"PHP|COMPOSER|RUBY|BUNDLER|GEM|RUBYGEMS|NPM|YARN|PNPM|BUN|DENO|COREPACK|POETRY|PIP|UV|"
    r"PIPENV|ALPINE|DEBIAN|UBUNTU|FEDORA|CENTOS|RHEL|UBI|OS|DISTRO|BASE|PG|POSTGRES(QL)?|"
    r"MYSQL|MARIADB|MONGO(DB)?|REDIS|NGINX|HTTPD|APACHE|ELIXIR|ERLANG|OTP|PROTOC|PROTOBUF|CMAKE|"
    r"LLVM|CLANG|GCC|KUBECTL|HELM|TERRAFORM|DOCKER|COMPOSE|BUILDX|S6(_OVERLAY)?|TINI|GOSU|"
    r"CUDA|CUDNN|TORCH|TENSORFLOW|OPENSSL|CURL|GIT|GIT_LFS|JQ|YQ|CHROME|CHROMIUM|FIREFOX|"
    r"PLAYWRIGHT|PUPPETEER|SWIFT|DART|FLUTTER|ZIG|NIM|HASKELL|GHC|CABAL|STACK|LUA|LUAROCKS|"
    r"PERL|R|JULIA|ANDROID|SDK|NDK|TOOLS|PLUGIN|PLUGIN_CLI|AWS_CLI|AZURE_CLI|GCLOUD|SENTRY_CLI)"
    r"(_MAJOR|_MINOR)?_(VERSION|RELEASE)$"
)
# A default that stands for "no value yet": what CI passes replaces it.
PLACEHOLDER = re.compile(
    r"^(|dev(el(op(ment)?)?)?|unknown|unset|undefined|none|null|nil|n/?a|not[-_ ]?set|0|"
    r"0\.0(\.0)?([-+.~]\w+)*|latest|nightly|edge|snapshot|local|release|head|trunk|dirty|"
    r"(origin/)?(main|master|develop))$",
    re.IGNORECASE,
)
# Package.json scripts and bundlers that read public build-time variables by design (Next.js
# `NEXT_PUBLIC_*`, Vite `VITE_*`, the Sentry bundler plugins' `SENTRY_RELEASE`).
JS_BUILD_READS = re.compile(r"^(NEXT_PUBLIC_|VITE_|REACT_APP_|NUXT_PUBLIC_|PUBLIC_|SENTRY_)")
_SCRIPT_NAME = re.compile(r"(^|[-_.])(install|download|fetch|deps|dependencies)([-_.]|$)", re.I)
_WINDOWS_DOWNLOAD = re.compile(
    r"Invoke-WebRequest|\biwr\b|Start-BitsTransfer|DownloadFile|\bcurl\.exe\b|"
    r"\bchoco(latey)? install|Install-Package|Install-Module|\bwinget install|\bmsiexec\b",
    re.IGNORECASE,
)
_INSTALLERS = {
    "gem": {"install", "update"},
    "pecl": {"install"},
    "corepack": {"prepare", "install", "up", "use"},
    "rustup": {"toolchain", "target", "component", "install", "default", "update"},
    "conda": {"install", "create", "env", "update"},
    "mamba": {"install", "create", "env", "update"},
    "micromamba": {"install", "create", "env", "update"},
    "pipx": {"install", "run"},
    "brew": {"install", "bundle", "upgrade"},
    "apt-get": {"upgrade", "dist-upgrade", "full-upgrade", "build-dep"},
    "apt": {"upgrade", "dist-upgrade", "full-upgrade"},
    "apk": {"upgrade"},
    "yum": {"update", "upgrade", "groupinstall"},
    "dnf": {"update", "upgrade", "groupinstall"},
    "microdnf": {"update", "upgrade"},
    "zypper": {"install", "in", "update", "up"},
    "pip": {"wheel", "download"},
    "pip3": {"wheel", "download"},
    "uv": {"tool", "python"},
    "go": {"generate", "run", "test"},  # and `go mod download|tidy|vendor`, below
    "cargo": {"chef", "fetch"},
    "composer": {"require", "update", "create-project"},
    "bundle": {"exec"},  # `bundle exec bootsnap precompile`, `bundle exec rake assets:…`
    "pipenv": {"install", "sync"},
    "bun": {"install", "run", "build"},
    "mix": {"deps.get", "compile", "release", "assets.deploy"},
    "dotnet": {"test", "pack", "tool"},
    "playwright": {"install"},
    "nvm": {"install"},
    "pyenv": {"install"},
    "asdf": {"install"},
    "sdk": {"install"},
    "rr": {"get"},
    "svn": {"checkout", "co", "export"},
    "turbo": {"run", "build"},
    "nx": {"build", "run", "run-many"},
    "next": {"build"},
    "ng": {"build"},
    "vite": {"build"},
    "nuxt": {"build", "generate"},
    "parcel": {"build"},
    "ncc": {"build"},
    "xcaddy": {"build"},
    "bazel": {"build", "run", "test"},
    "rake": {"assets:precompile", "assets:clean", "compile"},
    "rails": {"assets:precompile"},
    "bootsnap": {"precompile"},
}
_ALWAYS = {
    "docker-php-ext-install", "install-php-extensions", "make", "gmake", "cmake", "ninja",
    "meson", "gcc", "g++", "cc", "c++", "clang", "clang++", "msbuild", "tsc", "webpack",
    "esbuild", "rollup", "sbt", "lein", "javac", "native-image", "npx", "pnpx", "bunx",
    "aria2c", "easy-add", "mvn", "mvnw", "gradle", "gradlew", "scons", "configure",
}  # fmt: skip
_PACKAGE_SCRIPTS = {"npm", "pnpm", "yarn"}
_COMPILE_VERBS = {
    "go": {"build", "run", "test", "generate"},
    "cargo": {"build", "run", "test"},
    "dotnet": {"build", "publish", "pack"},
}
_COMPILERS = {
    "make", "gmake", "cmake", "ninja", "meson", "gcc", "g++", "cc", "c++", "clang", "clang++",
    "msbuild", "tsc", "webpack", "esbuild", "rollup", "sbt", "javac", "native-image", "mvn",
    "mvnw", "gradle", "gradlew", "scons", "configure", "xcaddy", "bazel", "next", "ng", "vite",
    "nuxt", "parcel", "ncc", "turbo", "nx",
}  # fmt: skip
_INTERPRETERS = {"php", "node", "ruby", "perl"}
_PYTHON = re.compile(r"^python(3(\.\d+)?)?$")
_JS_BUILD_VERBS = {"build", "export"}


@dataclass(frozen=True)
class Origin:
    """Where a per-build value enters: its ARG, and the ENV that carries it on, if any."""

    name: str
    line: int
    env_line: int | None = None

    def describe(self) -> str:
        where = f"ARG {self.name} (line {self.line}"
        return where + (f", set into ENV on line {self.env_line})" if self.env_line else ")")


def _volatile(name: str, default: str | None, fetched: frozenset[str] = frozenset()) -> bool:
    """A per-build value by its name, with no default or a placeholder one (`dev`, `0.0.0`,
    `latest`): a real default (`BUILD_DATE=2024-01-01`, `VERSION=11.07`) pins it. A
    `<NAME>_VERSION` is the project's own unless it names a tool (`NODE_VERSION`) or the file
    fetches something by it (`fetched`: a base image tag, a download URL, a clone ref, an
    install's argument, `--spark-version=$spark_version`)."""
    upper = name.upper()
    if default is not None and not PLACEHOLDER.match(default.strip()):
        return False
    if DEPENDENCY.match(upper):
        return False
    if PER_BUILD.search(upper) or OWN_VERSION.match(upper):
        return True
    return bool(VERSION.search(upper)) and name not in fetched


def _fetched_by(ctx: LintContext) -> frozenset[str]:
    """The variables the file fetches or installs something by (also through an ARG or ENV
    built from them: `ARG URL=https://…/${SPARK_VERSION}/…`)."""
    direct: set[str] = set()
    built_from: dict[str, set[str]] = {}
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword == "FROM" and instruction.args:
            direct |= variables_in(instruction.args[0])
        elif instruction.keyword == "ARG":
            for name, value in arg_pairs(instruction):
                built_from.setdefault(name, set()).update(variables_in(value or ""))
        elif instruction.keyword == "ENV":
            for name, value in env_pairs(instruction):
                built_from.setdefault(name, set()).update(variables_in(value))
        elif instruction.keyword == "ADD":
            direct |= {n for source in instruction.sources for n in variables_in(source)}
        elif instruction.keyword == "RUN":
            for command in unwrapped(ctx.commands(instruction)):
                words = command.words[1:]
                git = git_subcommand(command)
                if (_expensive_command(command) and not _compiles(command)) or (
                    git is not None and git[0] in ("checkout", "reset", "switch")
                ):
                    direct |= {n for w in words for n in variables_in(w)}
                direct |= {n for w in words if _VERSION_OPTION.match(w) for n in variables_in(w)}
    fetched, todo = set(), list(direct)
    while todo:
        name = todo.pop()
        if name not in fetched:
            fetched.add(name)
            todo.extend(built_from.get(name, ()))
    return frozenset(fetched)


def _compiles(command: Command) -> bool:
    """A build of the project (`go build -ldflags "-X main.version=$APP_VERSION"`, `make`,
    `npm run build`): a version it is given is the project's, not a dependency's."""
    command = _unprefixed(command)
    name, verb = command.name, _verb(command)
    if name in _COMPILERS or (name in _PACKAGE_SCRIPTS | {"bun"} and verb in ("run", "build")):
        return True
    return verb in _COMPILE_VERBS.get(name, ())


def _unprefixed(command: Command) -> Command:
    """`xx-apt-get install …` (tonistiigi/xx) as the tool it wraps."""
    name = command.words[0] if command.words else ""
    if name.startswith("xx-") and len(name) > 3:
        return Command((name[3:], *command.words[1:]), command.separator)
    return command


def _verb(command: Command) -> str:
    return next((w for w in command.words[1:] if not w.startswith("-")), "")


def _expensive_command(command: Command) -> bool:
    """A package install, a download, or a compile/asset build."""
    command = _unprefixed(command)
    name, words = command.name, command.words
    if name in _INTERPRETERS and len(words) > 1 and "/" in words[1]:
        # `php ./vendor/bin/rr get`, `node ./bin/fetch.js`: the script is the command
        command = Command(words[1:], command.separator)
        name, words = command.name, command.words
    if install_tool(command) is not None or name in _ALWAYS:
        return True
    if name in ("curl", "wget") and any(not w.startswith("-") for w in words[1:]):
        return "--version" not in words and "-V" not in words
    git = git_subcommand(command)
    if git is not None:
        return git[0] in ("clone", "fetch", "pull", "submodule", "lfs")
    verb = _verb(command)
    if name == "go" and verb == "mod":
        return any(w in ("download", "tidy", "vendor") for w in words[2:])
    if verb in _INSTALLERS.get(name, ()):
        if name == "bundle":
            return any(w in ("bootsnap", "rake", "rails") for w in words[2:4]) and any(
                w in ("precompile", "assets:precompile", "compile") for w in words
            )
        return True
    if name in _PACKAGE_SCRIPTS:  # `npm run build`, `pnpm run generate`, `yarn build`
        args = [w for w in words[1:] if not w.startswith("-")]
        return bool(args) and (args[0] in ("run", "run-script", "exec", "dlx") or (
            name != "npm" and args[0] in ("build", "generate", "compile", "bundle")
        ))  # fmt: skip
    if _PYTHON.match(name):
        if words[1:3] in (("-m", "compileall"), ("-m", "build")) or "setup.py" in words[1:2]:
            return True
        script = next((w for w in words[1:] if not w.startswith("-")), "")
        return bool(_SCRIPT_NAME.search(script.rsplit("/", 1)[-1].split(".", 1)[0]))
    if name in ("sh", "bash", "ash", "dash") and len(words) > 1 and not words[1].startswith("-"):
        name = words[1].rsplit("/", 1)[-1]
    elif "/" not in words[0] and not name.endswith((".sh", ".py", ".ps1")):
        return False
    return bool(_SCRIPT_NAME.search(name.split(".", 1)[0]))  # `/tmp/install_devtools.sh`


def _reads_by_design(command: Command, names: set[str], in_env: bool) -> bool:
    """Tools that read build-time values from the environment without naming them: a JS build
    (Next.js public variables, Sentry's release, and any value the file sets into ENV for it,
    which bundlers inline from `process.env`), `sentry-cli`, and `cargo build`, whose build
    scripts embed the commit and date (vergen, `env!`/`option_env!`)."""
    command = _unprefixed(command)
    name, verb = command.name, _verb(command)
    if name == "cargo" and verb in ("build", "install", "run", "test"):
        return True
    if name == "sentry-cli":
        return any(n.startswith("SENTRY_") for n in names)
    js_build = name in ("next", "vite", "nuxt", "turbo", "nx") and verb in ("build", "run")
    if name in _PACKAGE_SCRIPTS | {"bun"}:
        args = [w for w in command.words[1:] if not w.startswith("-")]
        script = args[1] if args[:1] == ["run"] and len(args) > 1 else (args[0] if args else "")
        js_build = script.split(":", 1)[0] in _JS_BUILD_VERBS
    return js_build and (in_env or any(JS_BUILD_READS.match(n) for n in names))


class VolatileArgEarly(Rule):
    """
    ## What it does
    Flags each expensive RUN (a package install, a download, a compile or asset build) in the
    scope of an ARG with a per-build value that the RUN does not use. Per-build, by the shape of
    the name: dates and times (`BUILD_DATE`, `*_DATE`, `*TIMESTAMP*`), commits and revisions
    (`*COMMIT*`, `*_SHA`, `GIT_REF`, `VCS_REF`, `REVISION`), CI build ids (`BUILD_NUMBER`,
    `BUILD_ID`, `BUILD_TAG`), cache busters, `RELEASE`/`*_RELEASE`, `*_TAG_VERSION`, and the
    project's own version (`VERSION`, `APP_VERSION`, `<PROJECT>_VERSION`, not a tool's such as
    `NODE_VERSION`), when the file gives no default or a placeholder (`dev`, `unknown`,
    `0.0.0`, `latest`). A real default (`ARG VERSION=11.07`) and an ENV of a literal
    (`ENV BUILD_DATE=2024-01-01`) do not change per build. `ENV X=$ARG` carries the value on,
    into the stages built `FROM` this one.

    ## Why is this bad?
    BuildKit puts every ARG declared in a stage into the environment of each RUN after the
    declaration, used or not: a new value misses the cache of all those RUNs. A RUN that uses
    the value (`-ldflags "-X main.commit=$GIT_SHA"`, a download URL built from `${VERSION}`, a
    Next.js build reading `NEXT_PUBLIC_*`, `cargo build` embedding the commit) must rerun
    anyway; the installs and downloads that do not use it rerun for nothing, on every build.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    ARG GIT_COMMIT
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    LABEL org.opencontainers.image.revision=$GIT_COMMIT
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    ARG GIT_COMMIT
    LABEL org.opencontainers.image.revision=$GIT_COMMIT
    ```

    ## Fix safety
    No automatic fix: moving the declaration changes which steps can read the value.

    ## References
    - https://docs.docker.com/build/cache/invalidation/#general-rules
    - https://docs.docker.com/reference/dockerfile/#impact-on-build-caching
    """

    code = "ARX004"
    name = "volatile-arg-early"
    severity = "warning"
    fix_title = (
        "Declare the ARG after this RUN, just before the first step that uses it (or pass the "
        "value only to the steps that need it)"
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        exported: dict[int, dict[str, Origin]] = {}  # per stage: ENV names carrying a value
        for stage in ctx.stages.stages:
            inherited = exported.get(stage.base_stage, {}) if stage.base_stage is not None else {}
            env: dict[str, Origin] = dict(inherited)
            args: dict[str, Origin] = {}
            for instruction in stage.instructions:
                if instruction.keyword == "ARG":
                    self._declare(ctx, instruction, args, env)
                elif instruction.keyword == "ENV":
                    self._export(instruction, args, env)
                elif instruction.keyword == "RUN" and (args or env):
                    finding = self._check_run(ctx, instruction, {**args, **env}, set(env))
                    if finding is not None:
                        yield finding
            exported[stage.index] = env

    @staticmethod
    def _declare(
        ctx: LintContext, instruction: Instruction, args: dict[str, Origin], env: dict
    ) -> None:
        fetched = ctx.memo("ARX004.fetched", lambda: _fetched_by(ctx))
        live = {**args, **env}
        for name, value in arg_pairs(instruction):
            if name in env:
                continue  # an ENV of the same name wins over the ARG
            default = ctx.stages.global_args.get(name) if value is None else value
            carried = [live[n] for n in variables_in(default or "") if n in live]
            if carried:
                args[name] = carried[0]
            elif not variables_in(default or "") and _volatile(name, default, fetched):
                args[name] = Origin(name, instruction.line)
            else:
                args.pop(name, None)

    @staticmethod
    def _export(instruction: Instruction, args: dict[str, Origin], env: dict[str, Origin]) -> None:
        live = {**args, **env}
        for name, value in env_pairs(instruction):
            carried = [live[n] for n in variables_in(value) if n in live]
            if carried:
                origin = carried[0]
                env[name] = Origin(origin.name, origin.line, origin.env_line or instruction.line)
            else:  # a literal (`ENV BUILD_DATE=2024-01-01`) does not change per build
                env.pop(name, None)
                args.pop(name, None)

    def _check_run(
        self,
        ctx: LintContext,
        instruction: Instruction,
        live: dict[str, Origin],
        env_names: set[str],
    ) -> Finding | None:
        found = unwrapped(ctx.commands(instruction))
        script = instruction.script
        windows = bool(_WINDOWS_DOWNLOAD.search(script))
        if not windows and not any(_expensive_command(c) for c in found):
            return None
        used_names = variables_in(script)
        origins: dict[tuple[str, int], set[str]] = {}
        for name, origin in live.items():
            origins.setdefault((origin.name, origin.line), set()).add(name)
        unused = []
        for key, names in origins.items():
            in_env = bool(names & env_names)
            if names & used_names or any(_reads_by_design(c, names, in_env) for c in found):
                continue
            unused.append(
                next(live[n] for n in sorted(names) if (live[n].name, live[n].line) == key)
            )
        if not unused:
            return None
        first = min(unused, key=lambda origin: origin.line)
        others = f" (and {len(unused) - 1} more)" if len(unused) > 1 else ""
        return self.finding(
            ctx,
            instruction,
            f"{first.describe()}{others} changes on every build and is in this RUN's "
            "environment, which does not use it: a new value reruns this RUN and every step "
            "after it",
            related=(first.line,),
        )
