"""`.dockerignore` semantics, as moby's patternmatcher applies them."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxdocker.build.dockerignore import DockerIgnore, read_patterns

RULES = """
# comment
*.log
/build
**/node_modules
docs/*.md
!docs/keep.md
tmp?
[ab].txt
.arxdocker
"""


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        ("app.log", True),
        ("sub/app.log", False),  # `*` stays within one segment
        ("build/out/x", True),  # a matching folder excludes what is inside
        ("src/build", False),
        ("node_modules/x.js", True),
        ("a/b/node_modules/x.js", True),
        ("docs/guide.md", True),
        ("docs/keep.md", False),  # re-included by `!`
        ("docs/sub/guide.md", False),
        ("tmp1", True),
        ("tmp12", False),
        ("a.txt", True),
        ("c.txt", False),
        (".arxdocker/history.jsonl", True),
        ("src/main.py", False),
    ],
)
def test_patterns(path: str, ignored: bool) -> None:
    assert DockerIgnore(read_patterns(RULES)).ignored(path) is ignored


def test_walk_lists_sent_files_sorted(tmp_path: Path) -> None:
    for name in ("src/a.py", "src/b.log", "build/x", "docs/keep.md", "docs/other.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    (tmp_path / ".dockerignore").write_text(RULES)
    ignore = DockerIgnore.for_context(tmp_path)
    # `*.log` matches at the top only, so src/b.log is sent
    assert ignore.walk(tmp_path) == [".dockerignore", "docs/keep.md", "src/a.py", "src/b.log"]
    assert ignore.walk(tmp_path, "build") == []


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("*.py\n")
    (tmp_path / "Dockerfile.dev.dockerignore").write_text("*.txt\n")
    ignore = DockerIgnore.for_context(tmp_path, tmp_path / "Dockerfile.dev")
    assert ignore.ignored("a.txt") and not ignore.ignored("a.py")
