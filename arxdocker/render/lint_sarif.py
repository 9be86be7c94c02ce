"""Findings as SARIF 2.1.0, for code-scanning uploads. Rule help comes from each rule's doc."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote

from arxdocker import __version__
from arxdocker.lint.model import Finding, LintFailure
from arxdocker.lint.rule import Rule

if TYPE_CHECKING:  # imported by the run that has BuildKit's checks only
    from arxdocker.lint.buildkit_checks import BuildKitReport

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
    findings: list[Finding],
    rules: tuple[Rule, ...],
    failures: Sequence[LintFailure] = (),
    buildkit: BuildKitReport | None = None,
) -> str:
    """SARIF 2.1.0; a file that could not be linted is an error notification of the run's
    invocation (which then did not succeed), so code scanning does not show it as clean.

    With `buildkit` (`--buildkit-checks`), BuildKit's findings are a second run, whose tool is
    BuildKit with its own rules (id `buildkit/<RuleName>`, `helpUri` its doc page); a file its
    check did not finish, or the reason it did not run, is a warning notification of that run's
    invocation."""
    ours = [f for f in findings if not f.code.startswith("buildkit/")]
    runs = [
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
            "results": _results(ours, {rule.code: i for i, rule in enumerate(rules)}),
            "invocations": [_invocation(failures)],
        }
    ]
    if buildkit is not None:
        theirs = [f for f in findings if f.code.startswith("buildkit/")]
        runs.append(_buildkit_run(theirs, buildkit))
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": runs}
    return json.dumps(document, indent=2) + "\n"


def _buildkit_run(findings: list[Finding], report: BuildKitReport) -> dict:
    from arxdocker.lint.buildkit_checks import DOCS_URL

    rules: dict[str, dict] = {}
    for f in findings:
        if f.code in rules:
            continue
        description = getattr(f, "description", "") or f.message
        url = getattr(f, "url", "") or DOCS_URL
        rules[f.code] = {
            "id": f.code,
            "name": getattr(f, "rule_name", "") or f.code.removeprefix("buildkit/"),
            "shortDescription": {"text": description},
            "helpUri": url,
            "help": {"text": f"{description}\n{url}", "markdown": f"{description}\n\n<{url}>"},
            "defaultConfiguration": {"level": LEVEL[f.severity]},
        }
    notifications = []
    if report.skipped is not None:
        notifications.append(
            {"level": "warning", "message": {"text": f"not run: {report.skipped}"}}
        )
    for note in report.notes:
        notification: dict = {"level": "warning", "message": {"text": note.message}}
        if note.file:
            location: dict = {"artifactLocation": {"uri": _uri(note.file)}}
            if note.line:
                location["region"] = {"startLine": note.line}
            notification["locations"] = [{"physicalLocation": location}]
        notifications.append(notification)
    return {
        "tool": {
            "driver": {
                "name": "BuildKit",
                "informationUri": DOCS_URL,
                "rules": list(rules.values()),
            }
        },
        "results": _results(findings, {code: i for i, code in enumerate(rules)}),
        "invocations": [
            {"executionSuccessful": report.complete, "toolExecutionNotifications": notifications}
        ],
    }


def _results(findings: list[Finding], index: dict[str, int]) -> list[dict]:
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
    return results


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
