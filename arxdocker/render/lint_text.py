"""Findings as text: `file:line:col CODE severity: message`, a code frame, and a help line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from arxdocker.lint.model import Finding

SEVERITY_STYLE = {"error": "arx.error", "warning": "arx.built", "info": "arx.dim"}
MAX_FRAME_LINES = 6


class FindingList:
    """A rich renderable: one block per finding with a code frame from the Dockerfile source."""

    def __init__(self, findings: list[Finding], sources: Mapping[str, list[str]]) -> None:
        self.findings = findings
        self.sources = sources

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for finding in self.findings:
            yield self._header(finding)
            yield from self._frame(finding, options.max_width)
            if finding.help:
                yield Text.assemble(("  help: ", "arx.heading"), finding.help)
            url = getattr(finding, "url", "")  # BuildKit's checks link their doc page
            if url:
                yield Text.assemble(("  docs: ", "arx.heading"), url)
            if finding.fix and finding.fix.applicability == "safe":
                yield Text(f"  fix: {finding.fix.title} (--fix applies it)", style="arx.cached")
            elif finding.fix:
                yield Text(
                    f"  unsafe fix: {finding.fix.title} (review it with --diff --unsafe-fixes)",
                    style="arx.dim",
                )
            yield Text("")

    def _header(self, finding: Finding) -> Text:
        return Text.assemble(
            (f"{finding.file}:{finding.line}:{finding.column}", "arx.heading"),
            " ",
            (finding.code, SEVERITY_STYLE[finding.severity]),
            " ",
            (f"{finding.severity}:", SEVERITY_STYLE[finding.severity]),
            f" {finding.message} [{finding.name}]",
        )

    def _frame(self, finding: Finding, width: int) -> Iterable[Text]:
        lines = self.sources.get(finding.file, [])
        last = min(finding.end_line, finding.line + MAX_FRAME_LINES - 1, len(lines))
        gutter = len(str(last))
        for number in range(finding.line, last + 1):
            code = lines[number - 1][: max(width - gutter - 6, 20)]
            yield Text.assemble((f"  {number:>{gutter}} │ ", "arx.dim"), code)
            if number == finding.line:
                start = finding.column - 1
                end = (
                    len(lines[number - 1]) if finding.end_line > number else finding.end_column - 1
                )
                marker = " " * start + "^" * max(min(end, len(code)) - start, 1)
                yield Text.assemble(
                    (f"  {'':>{gutter}} │ ", "arx.dim"), (marker, SEVERITY_STYLE[finding.severity])
                )
        if finding.end_line > last:
            yield Text(f"  {'':>{gutter}} │ ... ({finding.end_line - last} more lines)", "arx.dim")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def summary(findings: list[Finding], files: int, errors: int = 0, *, fixed: int = 0) -> Text:
    """The last line: `files` Dockerfiles were linted, `errors` more could not be (read, decoded
    or parsed), so "All checks passed" only when every file was linted and is clean. After
    `--fix`, `fixed` findings were fixed and `findings` remain, counted as ruff does."""
    unlinted = f"{_count(errors, 'file')} could not be linted"
    total = len(findings) + fixed
    if not total and not errors:
        return Text(f"All checks passed ({_count(files, 'Dockerfile')}).", "arx.cached")
    if not total:
        text = f"No findings in {_count(files, 'Dockerfile')}; " if files else ""
        return Text(text + unlinted + ".", "arx.error")
    fixable = sum(1 for f in findings if f.fix and f.fix.applicability == "safe")
    unsafe = sum(1 for f in findings if f.fix and f.fix.applicability != "safe")
    text = f"Found {total} finding{'s' * (total != 1)} in {files} file(s)"
    hints = [f"{fixed} fixed, {len(findings)} remaining"] if fixed else []
    if fixable:
        hints.append(f"{fixable} fixable with --fix")
    if unsafe:
        hints.append(f"{unsafe} more with --unsafe-fixes")
    if hints:
        text += f" ({', '.join(hints)})"
    if errors:
        return Text(f"{text}; {unlinted}.", "arx.error")
    return Text(text + ".", "arx.heading" if findings else "arx.cached")


def statistics(findings: list[Finding]) -> Text:
    """`--statistics`: a count per rule, like `ruff --statistics`."""
    counts = Counter((f.code, f.name) for f in findings)
    fixable = Counter(f.code for f in findings if f.fix and f.fix.applicability == "safe")
    lines = [
        f"{count:>5}  {code}  {name}{'  [*]' if fixable[code] else ''}"
        for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return Text("\n".join(lines))
