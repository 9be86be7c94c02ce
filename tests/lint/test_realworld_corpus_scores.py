"""Precision and recall of ARX001-ARX007 on the hand-labelled real-world corpus
(docs/lint-corpus.md; scripts/lint_corpus_score.py prints the table): each rule at precision
>= 0.9 and recall >= 0.8.

The files are laid out from their repositories (tests/corpora.py); without them this is skipped.
"""

from __future__ import annotations

import sys

import pytest

from tests.corpora import REPO, manifest_entries, require_corpus

sys.path.insert(0, str(REPO / "scripts"))
from lint_corpus_score import (
    GOAL_PRECISION,
    GOAL_RECALL,
    RULES,
    lint_findings,
    load_corpus,
    score,
)

# A rule still below its goal on the corpus: a strict xfail, so that reaching it flips the test.
BELOW_GOAL: dict[str, str] = {}


@pytest.fixture(scope="module")
def scores():  # type: ignore[no-untyped-def]
    corpus = require_corpus("realworld-dockerfiles")
    entries = load_corpus()
    return score(entries, lint_findings(entries, corpus))


def test_the_corpus_is_large_and_varied() -> None:
    entries = manifest_entries("realworld-dockerfiles")
    assert len(entries) >= 300
    assert len({entry["repo"] for entry in entries}) >= 80
    ecosystems = {entry["ecosystem"] for entry in entries}
    assert {
        "node",
        "python",
        "go",
        "rust",
        "java",
        "dotnet",
        "ruby",
        "php",
        "windows",
    } <= ecosystems
    for entry in entries:
        assert len(entry["commit"]) == 40 and entry["path"]
        assert set(entry["labels"]) == set(RULES)


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param(rule, marks=pytest.mark.xfail(strict=True, reason=BELOW_GOAL[rule]))
        if rule in BELOW_GOAL
        else rule
        for rule in RULES
    ],
)
def test_each_cache_rule_meets_its_goal(scores, rule: str) -> None:  # type: ignore[no-untyped-def]
    result = scores[rule]
    assert result.precision is None or result.precision >= GOAL_PRECISION, (
        rule, result.precision, result.extra[:10],
    )  # fmt: skip
    assert result.recall is None or result.recall >= GOAL_RECALL, (
        rule, result.recall, result.misses[:10],
    )  # fmt: skip
