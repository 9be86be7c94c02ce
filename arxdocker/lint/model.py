"""Findings and fixes: what rules produce and renderers print. Positions follow `Span`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")


@dataclass(frozen=True)
class Edit:
    """Replace the text from (line, column) up to (end_line, end_column) with `content`."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    @classmethod
    def insert(cls, line: int, column: int, content: str) -> Edit:
        return cls(line, column, line, column, content)

    @classmethod
    def delete_lines(cls, first: int, last: int) -> Edit:
        return cls(first, 1, last + 1, 1, "")


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Literal["safe", "unsafe"] = "safe"


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: Severity
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    help: str = ""
    fix: Fix | None = None
    related: tuple[int, ...] = field(default=())  # other lines involved (for code frames)

    def to_dict(self) -> dict:
        fix = None
        if self.fix:
            fix = {
                "title": self.fix.title,
                "applicability": self.fix.applicability,
                "edits": [edit.__dict__ for edit in self.fix.edits],
            }
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "help": self.help,
            "fix": fix,
        }


@dataclass(frozen=True)
class LintFailure:
    """A file that could not be linted (BuildKit would reject it, or it is not UTF-8 text)."""

    file: str
    line: int | None
    message: str
