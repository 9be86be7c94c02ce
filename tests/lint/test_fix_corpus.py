"""Every fix, safe and unsafe, on every Dockerfile of the repository (the 127-file corpus the
hadolint comparison uses, and the examples): the result parses, passes BuildKit's instruction
checks, keeps its line endings, and a second --fix changes nothing."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from arxdocker.dockerfile import parse_text
from arxdocker.dockerfile.validate import check_instructions
from arxdocker.lint.config import LintConfig
from arxdocker.lint.runner import build_context, fix_text

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILES = sorted(
    path
    for pattern in ("Dockerfile", "Dockerfile.*", "*.Dockerfile")
    for folder in ("dockerfiles", "tests/fixtures/dockerfiles")
    for path in (ROOT / folder).glob(f"**/{pattern}")
    if not path.name.endswith(".dockerignore")
)


def test_the_corpus_is_there() -> None:
    assert len(DOCKERFILES) >= 100


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fixes_keep_a_dockerfile_buildkit_accepts(path: Path, unsafe: bool) -> None:
    text = path.read_text()
    context = build_context(path.parent)
    config = LintConfig()
    fixed, _ = fix_text(text, str(path), context, config, unsafe=unsafe)
    check_instructions(parse_text(fixed, str(path)))
    lines = fixed.split("\n")
    dangling = [
        number
        for number, (line, after) in enumerate(itertools.pairwise(lines), start=1)
        if line.rstrip(" \t").endswith("\\") and not after.strip()
    ]
    assert dangling == [], "a continuation runs into a blank line"
    again, applied = fix_text(fixed, str(path), context, config, unsafe=unsafe)
    assert again == fixed, f"a second --fix changed it: {[f.code for f in applied]}"
