"""`[tool.arxdocker.lint]` in pyproject.toml: select, ignore and per-rule severity overrides.

[tool.arxdocker.lint]
select = ["ARX001", "ARX003"]   # default: all rules
ignore = ["ARX011"]
severity = { ARX013 = "warning" }
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from arxdocker.errors import ArxError
from arxdocker.lint.model import SEVERITIES, Severity


@dataclass(frozen=True)
class LintConfig:
    select: frozenset[str] | None = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    source: str | None = None

    def enabled(self, code: str, name: str) -> bool:
        if {code, name} & self.ignore:
            return False
        return self.select is None or bool({code, name, "ALL"} & self.select)

    def merged(self, select: list[str] | None, ignore: list[str] | None) -> LintConfig:
        return LintConfig(
            select=frozenset(select) if select else self.select,
            ignore=self.ignore | frozenset(ignore or ()),
            severity=self.severity,
            source=self.source,
        )


def find_pyproject(start: Path) -> Path | None:
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path) -> LintConfig:
    path = find_pyproject(start)
    if path is None:
        return LintConfig()
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ArxError(f"{path}: cannot read: {exc}") from None
    section = data.get("tool", {}).get("arxdocker", {}).get("lint", {})
    severity = section.get("severity", {})
    for code, value in severity.items():
        if value not in SEVERITIES:
            raise ArxError(
                f"{path}: [tool.arxdocker.lint] severity of {code} is {value!r}",
                hint=f"use one of {', '.join(SEVERITIES)}",
            )
    select = section.get("select")
    return LintConfig(
        select=frozenset(select) if select else None,
        ignore=frozenset(section.get("ignore", ())),
        severity={code.upper(): value for code, value in severity.items()},
        source=str(path),
    )
