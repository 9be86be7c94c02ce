"""ARX007 git-clone-moving-ref."""

from __future__ import annotations

import re
from collections.abc import Iterator

from arxdocker.lint.model import Finding
from arxdocker.lint.rule import LintContext, Rule

COMMIT = re.compile(r"^[0-9a-f]{7,40}$")
VERSION_TAG = re.compile(r"^v?\d+(\.\d+)+([-.+][\w.]+)?$")


class GitCloneMovingRef(Rule):
    """
    ## What it does
    Flags `RUN git clone` of a branch (or the default branch) that is not pinned to a commit,
    by `git checkout <sha>`/`git reset --hard <sha>` in the same RUN or a version tag.

    ## Why is this bad?
    BuildKit caches a RUN by its command text, not by what the remote holds: the clone stays
    cached at whatever commit it first got, and rebuilds with `--no-cache` silently pick up new
    commits. Neither is what you want: pin the commit, or use `ADD` of the git URL with
    `--checksum`, which BuildKit checks on every build.

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
            found = ctx.commands(instruction)
            clones = [c for c in found if c.name == "git" and "clone" in c.words[1:3]]
            if not clones:
                continue
            pinned = any(
                c.name == "git"
                and ("checkout" in c.words or "reset" in c.words)
                and any(COMMIT.match(w) for w in c.words)
                for c in found
            )
            words = clones[0].words
            branch = next(
                (words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-b", "--branch")), None
            )
            if pinned or (branch and (VERSION_TAG.match(branch) or COMMIT.match(branch))):
                continue
            ref = f"branch `{branch}`" if branch else "the default branch"
            yield self.finding(
                ctx,
                instruction,
                f"`git clone` on line {instruction.line} follows {ref}, which moves; the cached "
                "layer and a fresh build disagree",
            )
