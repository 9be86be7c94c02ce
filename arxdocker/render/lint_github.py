"""Findings as GitHub Actions workflow commands (annotations on the pull request)."""

from __future__ import annotations

from collections.abc import Sequence

from arxdocker.lint.model import Finding, LintFailure

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(
    findings: list[Finding], failures: Sequence[LintFailure] = (), buildkit=None
) -> str:
    """One workflow command per finding, and an `::error` for each file that could not be
    linted, so the pull request shows it rather than nothing. BuildKit's findings (with
    `--buildkit-checks`) are titled `buildkit/<RuleName> <rule-slug>` and end with their doc
    link."""
    lines = []
    for failure in failures:
        where = f"file={_escape_property(failure.file)}"
        if failure.line:
            where += f",line={failure.line}"
        lines.append(f"::error {where},title=arxdocker lint::{_escape_data(failure.message)}")
    for line in _buildkit_notes(buildkit):
        lines.append(line)
    for f in findings:
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", f.file),
                ("line", f.line),
                ("endLine", f.end_line),
                ("col", f.column),
                ("title", f"{f.code} {f.name}"),
            )
        )
        message = f.message + (f"\nhelp: {f.help}" if f.help else "")
        url = getattr(f, "url", "")  # BuildKit's checks link their doc page
        if url:
            message += f"\ndocs: {url}"
        lines.append(f"::{LEVEL[f.severity]} {properties}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


def _buildkit_notes(report) -> list[str]:
    """`::warning`s for what kept BuildKit's checks (`BuildKitReport`) from running on a file,
    or at all, so the pull request does not show those files as checked."""
    if report is None:
        return []
    title = "title=BuildKit checks"
    lines = []
    if report.skipped is not None:
        message = f"BuildKit's checks skipped: {report.skipped}"
        lines.append(f"::warning {title}::{_escape_data(message)}")
    for note in report.notes:
        where = f"file={_escape_property(note.file)}," if note.file else ""
        if note.file and note.line:
            where += f"line={note.line},"
        lines.append(f"::warning {where}{title}::{_escape_data(note.message)}")
    return lines
