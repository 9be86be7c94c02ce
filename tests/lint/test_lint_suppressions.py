"""Inline suppressions: a reason may follow the codes, and a fix that moves a suppressed
instruction takes its suppression comment along."""

from __future__ import annotations

from arxdocker.dockerfile import parse_text
from arxdocker.lint.config import LintConfig
from arxdocker.lint.runner import fix_text, lint


def _codes(text: str) -> list[str]:
    return sorted(f.code for f in lint(parse_text(text), None))


def test_a_reason_may_follow_the_codes() -> None:
    text = "FROM node:20.11-slim\n# arxdocker: ignore=ARX003  # we use a mirror\nRUN npm ci\n"
    assert "ARX003" not in _codes(text)
    text = "FROM node:20.11-slim\n# arxdocker: ignore=ARX003, ARX016 # reason\nRUN npm ci\n"
    assert not {"ARX003", "ARX016"} & set(_codes(text))


def test_a_moved_install_keeps_its_suppression() -> None:
    text = (
        "FROM node:20.11-slim\nWORKDIR /app\nCOPY . .\n"
        '# arxdocker: ignore=ARX003  # we use a mirror\nRUN npm ci\nCMD ["node", "."]\n'
    )
    fixed, _ = fix_text(text, "Dockerfile", None, LintConfig())
    assert fixed.splitlines()[2:6] == [
        "COPY package*.json ./",
        "# arxdocker: ignore=ARX003  # we use a mirror",
        "RUN npm ci",
        "COPY . .",
    ]
    assert "ARX003" not in _codes(fixed)
    assert fixed.count("arxdocker: ignore") == 1


def test_a_moved_system_install_keeps_its_suppression() -> None:
    text = (
        "FROM debian:12.5\nWORKDIR /app\nCOPY . .\n# arxdocker: ignore=ARX003\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends curl\n"
    )
    fixed, _ = fix_text(text, "Dockerfile", None, LintConfig())
    assert fixed.splitlines()[2:5] == [
        "# arxdocker: ignore=ARX003",
        "RUN apt-get update && apt-get install -y --no-install-recommends curl",
        "COPY . .",
    ]
