"""Findings as a JSON array (fields: file, line, column, end_line, end_column, code, name,
severity, message, help, fix)."""

from __future__ import annotations

import json

from arxdocker.lint.model import Finding


def render_json(findings: list[Finding]) -> str:
    return json.dumps([finding.to_dict() for finding in findings], indent=2) + "\n"
