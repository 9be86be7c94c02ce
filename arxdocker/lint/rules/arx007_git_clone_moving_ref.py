"""ARX007 git-clone-moving-ref."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from arxdocker.dockerfile.shell import Command, commands
from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule

COMMIT = re.compile(r"^[0-9a-f]{7,40}$")
# A release tag: `v1.2.3`, `12.1`, `1.38.4-dapr`, `1.27.0-1~bookworm`, `v20240101`. Not a
# release line that is a branch (`v5.x`, `openssl-3.0`, `release-1.2`).
VERSION_TAG = re.compile(r"^v?\d+(\.\d+)+([-.+~][\w.+~-]+)?$|^v\d+$")
# A variable whose name says it holds a version or a commit (`$PGVECTOR_VERSION`, `$COMMIT`)
# pins when it has no default; one named for a branch or a ref (`$BRANCH`, `$GIT_REF`) does not.
_PIN_NAME = re.compile(r"(^|_)(VERSION|VER|TAG|COMMIT|SHA|SHA1|HASH|REV|REVISION|RELEASE)(_|$)")
_MOVING_NAME = re.compile(r"(^|_)(BRANCH|REF|HEAD)(_|$)")
_REFERENCE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?[^}]*\}|\$(\w+)")
_UNKNOWN = "\x00"
# Commands that run the next words as another command (`sudo -u app git clone`, whose `sudo`
# the shell splitter strips and leaves `-u app`), and shells that run a `-c` script.
_WRAPPERS = {"gosu", "su-exec", "runuser", "chroot", "setpriv", "timeout", "doas", "xargs",
             "nice", "ionice", "eatmydata", "stdbuf", "s6-setuidgid", "setuser", "retry",
             "chpst", "tini", "dumb-init", "unbuffer", "proxychains", "strace"}  # fmt: skip
_SHELLS = {"sh", "bash", "ash", "dash", "zsh", "ksh", "su", "runuser"}
_GIT_VALUE_OPTIONS = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path"}


def unwrapped(found: list[Command]) -> list[Command]:
    """The commands of a RUN with the scripts of `sh -c '…'`, `su -c '…' user`,
    `runuser -u x -- sh -c '…'` spliced in where they run."""
    out: list[Command] = []
    for command in found:
        words = command.words
        flag = next(
            (
                i
                for i, w in enumerate(words[:-1])
                if re.fullmatch(r"-[a-z]*c", w) and (command.name in _SHELLS or i > 0)
            ),
            None,
        )
        if flag is not None and any(w.rsplit("/", 1)[-1] in _SHELLS for w in words[: flag + 1]):
            out.extend(unwrapped(commands(words[flag + 1])))
            continue
        out.append(command)
    return out


def git_subcommand(command: Command) -> tuple[str, tuple[str, ...]] | None:
    """`git clone …` as ("clone", its arguments), also behind a wrapper (`sudo -u app git …`,
    `gosu app git …`) and after git's own options (`git -C /src checkout …`)."""
    words = command.words
    for i, word in enumerate(words):
        if word.rsplit("/", 1)[-1] != "git":
            continue
        if i and not (words[0].startswith("-") or words[0].rsplit("/", 1)[-1] in _WRAPPERS):
            return None
        rest = list(words[i + 1 :])
        while rest and rest[0].startswith("-"):
            option = rest.pop(0)
            if option in _GIT_VALUE_OPTIONS and rest:
                rest.pop(0)
        return (rest[0], tuple(rest[1:])) if rest else None
    return None


def resolve(ref: str, scope: Mapping[str, str | None]) -> str:
    """The ref with the variables the file gives a value expanded; a variable with none is
    left as `\\x00NAME\\x00`."""

    def value(match: re.Match) -> str:
        name = match.group(1) or match.group(3)
        known = scope.get(name)
        if known:
            return known
        if match.group(2) is not None:
            return resolve(match.group(2), scope)
        return f"{_UNKNOWN}{name}{_UNKNOWN}"

    return _REFERENCE.sub(value, ref)


def is_pin(ref: str, scope: Mapping[str, str | None]) -> bool:
    """A commit, a release tag, `tags/X`, or a variable holding one (by its value, or by its
    name when the file gives it none)."""
    ref = ref.strip("\"'")
    if ref.startswith(("tags/", "refs/tags/")):
        return True
    value = resolve(ref, scope)
    unknown = value.split(_UNKNOWN)[1::2]
    if unknown:
        names = [name.upper() for name in unknown]
        return all(_PIN_NAME.search(n) and not _MOVING_NAME.search(n) for n in names)
    value = value.removeprefix("refs/tags/").removeprefix("tags/")
    return bool(COMMIT.match(value) or VERSION_TAG.match(value))


def _clone_branch(arguments: tuple[str, ...]) -> str | None:
    for i, word in enumerate(arguments):
        if word in ("-b", "--branch", "--revision") and i + 1 < len(arguments):
            return arguments[i + 1]
        if word.startswith(("--branch=", "--revision=")):
            return word.split("=", 1)[1]
    return None


def _pin_candidates(sub: str, arguments: tuple[str, ...]) -> list[str]:
    """The refs a checkout, reset, switch or fetch after the clone moves it to."""
    if sub not in ("checkout", "reset", "switch", "fetch"):
        return []
    if sub == "switch" and "--detach" not in arguments and "-d" not in arguments:
        return []
    words, skip = [], False
    for word in arguments:
        if skip:
            skip = False
            continue
        if word in ("-b", "-B", "--orphan", "-c", "-C", "--depth", "--recurse-submodules"):
            skip = word in ("-b", "-B", "--orphan", "-c", "-C", "--depth")
            continue
        if word.startswith("-") or word == "--":
            continue
        words.append(word)
    if sub == "fetch":  # `git fetch origin <sha>`: the first word is the remote
        return [w for w in words[1:] if COMMIT.match(w.strip("\"'")) or "$" in w]
    return words


class GitCloneMovingRef(Rule):
    """
    ## What it does
    Flags a RUN with a `git clone` of a branch (or the default branch) that the same RUN does
    not pin: by `git checkout X`, `git reset --hard X` or `git switch --detach X` after the
    clone, or `git fetch origin <sha>`, or by `--branch X`, where X is a commit, a release tag
    (`v1.2.3`, `12.1`) or a variable holding one (`$COMMIT`, `v${VERSION}`, `tags/$VERSION`).
    A branch (`--branch main`, `openssl-3.0`, `v5.x`) or a variable defaulting to one
    (`ARG BRANCH=main`) is not a pin. A clone behind `sudo -u USER`, `gosu`, `su -c '…'` or
    `sh -c '…'` is still a clone.

    ## Why is this bad?
    BuildKit caches a RUN by its command text, not by what the remote holds: the clone stays
    cached at whatever commit it first got, and rebuilds with `--no-cache` silently pick up new
    commits. Neither is what you want: pin the commit, or use `ADD` of the git URL with
    `--checksum`, which BuildKit checks on every build. A checkout in a later RUN does not help:
    the clone's own layer is still the one cached at an old branch head.

    ## Example
    ```dockerfile
    FROM alpine/git:2.43.0
    RUN git clone --depth 1 https://github.com/example/lib.git /src/lib
    ```

    ## Use instead
    ```dockerfile
    FROM alpine/git:2.43.0
    RUN git clone https://github.com/example/lib.git /src/lib \\
     && git -C /src/lib checkout 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39
    ```

    ## Fix safety
    No automatic fix: the commit to pin is a decision.

    ## References
    - https://docs.docker.com/reference/dockerfile/#adding-files-from-a-git-repository
    """

    code = "ARX007"
    name = "git-clone-moving-ref"
    severity = "warning"
    fix_title = "Check out a commit SHA after cloning, or use `ADD --checksum=<sha> <git url>`"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for instruction in ctx.dockerfile.instructions:
            found = unwrapped(ctx.commands(instruction))
            if not found:
                continue
            scope = ctx.stages.scope(instruction)
            moving: list[str | None] = []  # the branch of each clone not pinned so far
            pinned: list[bool] = []
            for command in found:
                git = git_subcommand(command)
                if git is None:
                    continue
                sub, arguments = git
                if sub == "clone":
                    branch = _clone_branch(arguments)
                    moving.append(branch)
                    pinned.append(branch is not None and is_pin(branch, scope))
                elif pinned and any(is_pin(r, scope) for r in _pin_candidates(sub, arguments)):
                    pinned[-1] = True  # a checkout pins the clone before it
            unpinned = [branch for branch, done in zip(moving, pinned, strict=True) if not done]
            if not unpinned:
                continue
            ref = f"branch `{unpinned[0]}`" if unpinned[0] else "the default branch"
            yield self.finding(
                ctx,
                instruction,
                f"`git clone` on line {instruction.line} follows {ref}, which moves; the cached "
                "layer and a fresh build disagree",
            )
