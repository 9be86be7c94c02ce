"""Findings as SARIF 2.1.0, for code-scanning uploads. Rule help comes from each rule's doc."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePosixPath
from urllib.parse import quote

from arxdocker import __version__
from arxdocker.lint.model import Finding, LintFailure
from arxdocker.lint.rule import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    """A SARIF artifact URI: a relative path percent-encoded (a space or `#` in a folder name
    would otherwise end the path), an absolute one as a `file://` URI."""
    if path == "-":
        return "stdin"
    if PurePosixPath(path).is_absolute():
        return PurePosixPath(path).as_uri()
    return quote(path.removeprefix("./"), safe="/")


def render_sarif(
    findings: list[Finding], rules: tuple[Rule, ...], failures: Sequence[LintFailure] = ()
) -> str:
    """SARIF 2.1.0; a file that could not be linted is an error notification of the run's
    invocation (which then did not succeed), so code scanning does not show it as clean."""
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = []
    for f in findings:
        result: dict = {
            "ruleId": f.code,
            "ruleIndex": index.get(f.code, 0),
            "level": LEVEL[f.severity],
            "message": {"text": f.message + (f"\nhelp: {f.help}" if f.help else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.file)},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                        },
                    }
                }
            ],
        }
        if f.fix:
            result["fixes"] = [
                {
                    "description": {"text": f.fix.title},
                    "properties": {"applicability": f.fix.applicability},  # as in JSON output
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": _uri(f.file)},
                            "replacements": [
                                {
                                    "deletedRegion": {
                                        "startLine": e.line,
                                        "startColumn": e.column,
                                        "endLine": e.end_line,
                                        "endColumn": e.end_column,
                                    },
                                    "insertedContent": {"text": e.content},
                                }
                                for e in f.fix.edits
                            ],
                        }
                    ],
                }
            ]
        results.append(result)
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "arxdocker",
                        "version": __version__,
                        "rules": [
                            {
                                "id": rule.code,
                                "name": rule.name,
                                "shortDescription": {"text": rule.summary()},
                                "fullDescription": {"text": rule.doc_section("Why is this bad?")},
                                "help": {"text": rule.doc(), "markdown": rule.doc()},
                                "defaultConfiguration": {"level": LEVEL[rule.severity]},
                            }
                            for rule in rules
                        ],
                    }
                },
                "results": results,
                "invocations": [_invocation(failures)],
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _invocation(failures: Sequence[LintFailure]) -> dict:
    notifications = []
    for failure in failures:
        location: dict = {"artifactLocation": {"uri": _uri(failure.file)}}
        if failure.line:
            location["region"] = {"startLine": failure.line}
        notifications.append(
            {
                "level": "error",
                "message": {"text": failure.message},
                "locations": [{"physicalLocation": location}],
            }
        )
    return {"executionSuccessful": not failures, "toolExecutionNotifications": notifications}
