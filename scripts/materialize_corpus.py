#!/usr/bin/env python3
"""Lay out the real-world corpora from their manifests and local git copies of the repositories.

The project commits only what it wrote about other people's files: the manifests (repository,
commit, path, line range, and the hand-made labels and expectations) and the READMEs. The files
themselves come from the repositories at the recorded commits. This script copies them into
place from local bare or non-bare git copies (`ROOT/OWNER+NAME/repo`, or `ROOT/OWNER+NAME`), and
checks what it wrote against each entry:

    .venv/bin/python scripts/materialize_corpus.py --mirrors DIR [--out DIR] [--check]

- tests/fixtures/realworld-dockerfiles/ (manifest-*.json): each Dockerfile, and its
  `.dockerignore` from `dockerignore_path`;
- tests/fixtures/realworld-logs/ (manifest.json): each log, whole or the lines `[first, last]`;
- tests/fixtures/buildkit-parser-testfiles/ (README.md names the commit): BuildKit's parser test
  files and its LICENSE.

`--out DIR` writes the three folders under DIR instead (for a shared data folder, such as
`../shared/corpora`, which the tests read first). `--check` writes nothing and says, per entry,
whether the file in place is the one the manifest names. Exit 1 when anything could not be had.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
BUILDKIT = ("moby/buildkit", "73ed6825c4b7569379ef89df0aedcdbe64473d31")
BUILDKIT_TESTFILES = "frontend/dockerfile/parser/"


@dataclass(frozen=True)
class Wanted:
    """One file of a corpus: where it goes, and where it comes from."""

    corpus: str
    file: str
    repo: str
    commit: str
    path: str
    lines: tuple[int, int] | None = None


def wanted(fixtures: Path = FIXTURES) -> Iterator[Wanted]:
    corpus = fixtures / "realworld-dockerfiles"
    for manifest in sorted(corpus.glob("manifest-*.json")):
        for item in json.loads(manifest.read_text()):
            yield Wanted(corpus.name, item["file"], item["repo"], item["commit"], item["path"])
            if item.get("dockerignore"):
                yield Wanted(
                    corpus.name,
                    item["dockerignore"],
                    item["repo"],
                    item["commit"],
                    item["dockerignore_path"],
                )
    logs = fixtures / "realworld-logs"
    for item in json.loads((logs / "manifest.json").read_text()):
        lines = tuple(item["lines"]) if item.get("lines") else None
        yield Wanted(logs.name, item["file"], item["repo"], item["commit"], item["path"], lines)  # type: ignore[arg-type]


def buildkit_testfiles(mirrors: Path) -> Iterator[Wanted]:
    repo, commit = BUILDKIT
    git = git_dir(mirrors, repo)
    if git is None:
        return
    listed = subprocess.run(
        ["git", "--git-dir", str(git), "ls-tree", "-r", "--name-only", commit, BUILDKIT_TESTFILES],
        capture_output=True, text=True, check=False,
    ).stdout.split()  # fmt: skip
    yield Wanted("buildkit-parser-testfiles", "LICENSE", repo, commit, "LICENSE")
    for path in listed:
        relative = path.removeprefix(BUILDKIT_TESTFILES)
        if relative.startswith(("testfiles/", "testfiles-negative/")):
            yield Wanted("buildkit-parser-testfiles", relative, repo, commit, path)


def git_dir(mirrors: Path, repo: str) -> Path | None:
    folder = mirrors / repo.replace("/", "+")
    for candidate in (folder / "repo", folder, folder / ".git"):
        if (candidate / "objects").is_dir() or (candidate / "HEAD").is_file():
            return candidate
    return None


def content(mirrors: Path, want: Wanted) -> bytes | None:
    git = git_dir(mirrors, want.repo)
    if git is None:
        return None
    done = subprocess.run(
        ["git", "--git-dir", str(git), "show", f"{want.commit}:{want.path}"],
        capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        return None
    data = done.stdout
    if want.lines is not None:
        first, last = want.lines
        data = b"\n".join(data.split(b"\n")[first - 1 : last]) + b"\n"
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, required=True, help="the local git copies")
    parser.add_argument("--out", type=Path, default=FIXTURES, help="where the corpora go")
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args()
    missing = differ = written = same = 0
    for want in [*wanted(), *buildkit_testfiles(args.mirrors)]:
        data = content(args.mirrors, want)
        target = args.out / want.corpus / want.file
        if data is None:
            missing += 1
            print(f"missing: {want.repo}@{want.commit[:12]}:{want.path} -> {target}")
            continue
        if args.check:
            if target.is_file() and target.read_bytes() == data:
                same += 1
            else:
                differ += 1
                print(f"differs: {target} ({want.repo}@{want.commit[:12]}:{want.path})")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    print(f"{written} written, {same} the same, {differ} differ, {missing} missing")
    return 1 if missing or differ else 0


if __name__ == "__main__":
    sys.exit(main())
