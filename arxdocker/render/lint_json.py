"""Findings as a JSON array (fields: file, line, column, end_line, end_column, code, name,
severity, message, help, fix)."""

from __future__ import annotations

import json

from arxdocker.lint.model import Finding


def render_json(findings: list[Finding]) -> str:
    return json.dumps([finding.to_dict() for finding in findings], indent=2) + "\n"


def render_statistics_json(findings: list[Finding]) -> str:
    """`--statistics --format json`: a count per rule, as `ruff --statistics` writes JSON."""
    from collections import Counter

    counts = Counter((f.code, f.name) for f in findings)
    fixable = Counter(f.code for f in findings if f.fix and f.fix.applicability == "safe")
    rows = [
        {"code": code, "name": name, "count": count, "fixable": fixable[code]}
        for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return json.dumps(rows, indent=2) + "\n"
