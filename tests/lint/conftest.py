"""Helpers for lint tests: lint a Dockerfile text (optionally with a build context) and fix it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from arxdocker.dockerfile import parse_text
from arxdocker.lint.config import LintConfig
from arxdocker.lint.model import Finding
from arxdocker.lint.rule import BuildContext
from arxdocker.lint.runner import build_context, fix_text, lint

_IGNORE_HEADER = re.compile(r"^# \.dockerignore: (.*)$", re.M)


def context_for(text: str, folder: Path) -> BuildContext | None:
    """A doc example's `# .dockerignore: a b c` (or `(none)`) line makes a context folder."""
    match = _IGNORE_HEADER.search(text)
    if not match:
        return None
    for name in (".git", "node_modules", "__pycache__", "target", "dist"):
        (folder / name).mkdir(exist_ok=True)
    if match.group(1).strip() != "(none)":
        (folder / ".dockerignore").write_text("\n".join(match.group(1).split()) + "\n")
    return build_context(folder)


class Linter:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def findings(self, text: str, select: str | None = None) -> list[Finding]:
        config = LintConfig(select=frozenset({select}) if select else None)
        return lint(parse_text(text), context_for(text, self.folder), config)

    def codes(self, text: str, select: str | None = None) -> list[str]:
        return [finding.code for finding in self.findings(text, select)]

    def messages(self, text: str, select: str | None = None) -> list[str]:
        return [finding.message for finding in self.findings(text, select)]

    def fix(self, text: str, select: str | None = None) -> str:
        config = LintConfig(select=frozenset({select}) if select else None)
        return fix_text(text, "Dockerfile", context_for(text, self.folder), config)[0]


@pytest.fixture
def linter(tmp_path: Path) -> Linter:
    return Linter(tmp_path)
