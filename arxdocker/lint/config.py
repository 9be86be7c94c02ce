"""`[tool.arxdocker.lint]` in pyproject.toml: select, ignore and per-rule severity overrides.

[tool.arxdocker.lint]
select = ["ARX001", "ARX003"]   # default: all rules; "ALL" is every rule
ignore = ["ARX011"]             # "ALL" ignores every rule
severity = { ARX013 = "warning" }

Codes are matched case-insensitively (`arx001` is ARX001) and a rule's name stands for its code;
a single string is read like the command line's `--select ARX001,ARX003`. An unknown code, an
unknown key or a value of the wrong type is a one-line error naming the file and the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from arxdocker.errors import ArxError
from arxdocker.lint.model import SEVERITIES, Severity

ALL = "ALL"
KEYS = ("select", "ignore", "severity")


@dataclass(frozen=True)
class LintConfig:
    select: frozenset[str] | None = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    source: str | None = None

    def enabled(self, code: str, name: str) -> bool:
        if {code, name, ALL} & self.ignore:
            return False
        return self.select is None or bool({code, name, ALL} & self.select)

    def merged(self, select: Iterable[str] | None, ignore: Iterable[str] | None) -> LintConfig:
        select = frozenset(select or ())
        return LintConfig(
            select=select or self.select,
            ignore=self.ignore | frozenset(ignore or ()),
            severity=self.severity,
            source=self.source,
        )


def rule_code(value: str, where: str) -> str:
    """`value` (a code in any case, a rule name, or ALL) as the rule's code; `where` names the
    option or key it came from, for the error."""
    from arxdocker.lint.registry import all_rules

    wanted = value.strip()
    if wanted.upper() == ALL:
        return ALL
    for rule in all_rules():
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            return rule.code
    raise ArxError(
        f"{where}: unknown rule code {wanted}", hint="`arxdocker rule --list` lists them"
    )


def rule_codes(values: Iterable[str], where: str) -> frozenset[str]:
    return frozenset(rule_code(value, where) for value in values)


def split_codes(text: str) -> list[str]:
    """`ARX001,ARX003` (the command line's form) as a list."""
    return [code.strip() for code in text.split(",") if code.strip()]


def find_pyproject(start: Path) -> Path | None:
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _shown(path: Path) -> str:
    """`path` relative to the working folder when it is below it, as the user would type it."""
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except (OSError, ValueError):
        return str(path)


def _type_name(value: object) -> str:
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    kinds |= {list: "an array", dict: "a table"}
    return next((name for kind, name in kinds.items() if isinstance(value, kind)), "a date")


def _table(parent: dict, key: str, where: str) -> dict:
    value = parent.get(key, {})
    if not isinstance(value, dict):
        raise ArxError(f"{where} {key} must be a table, not {_type_name(value)}")
    return value


def load_config(start: Path) -> LintConfig:
    path = find_pyproject(start)
    if path is None:
        return LintConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ArxError(f"{_shown(path)}: cannot read: {exc}") from None
    shown = _shown(path)
    tool = _table(data, "tool", f"{shown}:")
    arxdocker = _table(tool, "arxdocker", f"{shown}: [tool]")
    section = _table(arxdocker, "lint", f"{shown}: [tool.arxdocker]")
    where = f"{shown}: [tool.arxdocker.lint]"
    for key in section:
        if key not in KEYS:
            raise ArxError(f"{where} unknown key {key}", hint=f"known keys: {', '.join(KEYS)}")
    return LintConfig(
        select=_codes(section, "select", where) or None,
        ignore=_codes(section, "ignore", where),
        severity=_severity(section.get("severity", {}), f"{where} severity"),
        source=str(path),
    )


def _codes(section: dict, key: str, where: str) -> frozenset[str]:
    value = section.get(key, [])
    if isinstance(value, str):
        value = split_codes(value)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ArxError(
            f"{where} {key} must be a list of rule codes, not {_type_name(value)}",
            hint=f'{key} = ["ARX001"]',
        )
    return rule_codes(value, f"{where} {key}")


def _severity(value: object, where: str) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ArxError(
            f"{where} must be a table of rule code = severity, not {_type_name(value)}",
            hint='severity = { ARX013 = "warning" }',
        )
    severity: dict[str, Severity] = {}
    for key, level in value.items():
        code = rule_code(key, where)
        if code == ALL:
            raise ArxError(f"{where}: ALL is not a rule code", hint="name each rule")
        if level not in SEVERITIES:
            raise ArxError(
                f"{where} of {key} is {level!r}", hint=f"use one of {', '.join(SEVERITIES)}"
            )
        severity[code] = level
    return severity
