"""Data-driven rule cases from tests/lint/cases/ARXnnn.toml (sqlfluff-style): `fail` must fire,
`pass` must not, `fix` is the exact `--fix` result, which must parse and be stable; `no_fix`
says `--fix` must leave the file alone, `message` is text one finding's message holds."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from arxdocker.dockerfile import parse_text

CASES = Path(__file__).parent / "cases"


def _load() -> list:
    params = []
    for path in sorted(CASES.glob("ARX*.toml")):
        code = path.stem
        for case in tomllib.loads(path.read_text())["case"]:
            params.append(pytest.param(code, case, id=f"{code}_{case['name']}"))
    return params


@pytest.mark.parametrize(("code", "case"), _load())
def test_case(code: str, case: dict, linter) -> None:
    if "pass" in case:
        assert code not in linter.codes(case["pass"].lstrip("\n"), code)
        return
    text = case["fail"].lstrip("\n")
    assert code in linter.codes(text, code)
    if case.get("no_fix"):  # the finding stands, but no safe fix may touch the file
        assert linter.fix(text, code) == text
    if "message" in case:
        assert any(case["message"] in message for message in linter.messages(text, code))
    if "fix" in case:
        fixed = linter.fix(text, code)
        assert fixed == case["fix"].lstrip("\n")
        parse_text(fixed)
        assert linter.fix(fixed, code) == fixed
        assert code not in linter.codes(fixed, code)
