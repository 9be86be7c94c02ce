"""Meta-tests generated from the rule modules: each doc Example must fire, each Use instead must
not; codes, names and docs follow the conventions. `pytest -k ARX001` runs one rule's cases."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from arxdocker.lint.registry import all_rules, module_names
from arxdocker.lint.rule import Rule

RULES = all_rules()
SECTIONS = (
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Fix safety",
    "References",
)


def _cases(kind: str) -> list:
    return [
        pytest.param(rule, text, id=f"{rule.code}_{kind}_{n}")
        for rule in RULES
        for n, text in enumerate(
            type(rule).doc_examples("Example" if kind == "bad" else "Use instead")
        )
    ]


@pytest.mark.parametrize(("rule", "text"), _cases("bad"))
def test_doc_example_fires(rule: Rule, text: str, linter) -> None:
    assert rule.code in linter.codes(text, rule.code)


@pytest.mark.parametrize(("rule", "text"), _cases("good"))
def test_doc_use_instead_is_clean(rule: Rule, text: str, linter) -> None:
    assert rule.code not in linter.codes(text, rule.code)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_doc_has_every_section(rule: Rule) -> None:
    doc = type(rule).doc()
    assert [s for s in SECTIONS if f"## {s}\n" not in doc] == []
    assert type(rule).doc_examples("Example") and type(rule).doc_examples("Use instead")


def test_codes_are_unique_and_match_module_names() -> None:
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes)) == 16
    assert all(re.fullmatch(r"ARX\d{3}", code) for code in codes)
    expected = [f"{r.code.lower()}_{r.name.replace('-', '_')}" for r in RULES]
    assert module_names() == expected


def test_names_are_kebab_case_without_no_prefix() -> None:
    for rule in RULES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        assert not rule.name.startswith("no-")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_arxdocker_rule_prints_the_doc(rule: Rule) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "arxdocker", "rule", rule.code],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert f"# {rule.name} ({rule.code})" in result.stdout
    assert type(rule).doc_section("Why is this bad?") in result.stdout
