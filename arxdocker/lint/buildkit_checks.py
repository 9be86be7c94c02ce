"""BuildKit's own Dockerfile checks (`docker buildx build --call=check,format=json`) as findings:
the parsing of its JSON answer and the merge with arxdocker's findings. Pure: the engine call is
`arxdocker.engine.buildkit_checks`.

The answer of buildx 0.29 (captured in tests/fixtures/buildkit-checks/) is an object:

    {"warnings": [{"ruleName": "FromAsCasing", "description": "...", "url": "https://...",
                   "detail": "...", "location": {"ranges": [{"start": {"line": 2},
                                                             "end": {"line": 2}}]}}, ...] | null,
     "sources": [...], "buildError": {"message": "...", "location": {...}}?}

`buildError` is there when the check stopped (a base image that cannot be resolved); the warnings
found before it are still listed. Positions are 1-based lines; a `character` (0-based) is left
out when it is 0, as Go's JSON does for BuildKit's zero values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from arxdocker.lint.model import SEVERITIES, Finding, Severity

PREFIX = "buildkit/"
DOCS_URL = "https://docs.docker.com/reference/build-checks/"
SEVERITY: Severity = "warning"


class CheckOutputError(ValueError):
    """BuildKit's answer is not the JSON object `--call=check,format=json` prints."""


@dataclass(frozen=True)
class BuildKitFinding(Finding):
    """A finding of one of BuildKit's checks: `code` is `buildkit/<ruleName>`, `url` its doc."""

    rule_name: str = ""
    description: str = ""
    url: str = ""

    def to_dict(self) -> dict:
        document = super().to_dict()
        document["url"] = self.url
        return document


@dataclass(frozen=True)
class CheckResult:
    """What BuildKit said about one Dockerfile: its findings and, when the check stopped before
    the end, why (`error`) and where (`error_line`)."""

    file: str
    findings: tuple[BuildKitFinding, ...]
    error: str | None = None
    error_line: int | None = None


@dataclass(frozen=True)
class CheckNote:
    """A Dockerfile BuildKit's check did not finish (`file` None: about the run)."""

    file: str | None
    message: str
    line: int | None = None

    def text(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else self.file
        return f"{where}: {self.message}" if where else self.message


@dataclass
class BuildKitReport:
    """How BuildKit's checks went in one lint run, for stderr and SARIF: how many files were
    checked, those that were not (or not to the end), and why none was (`skipped`)."""

    checked: int = 0
    notes: list[CheckNote] = field(default_factory=list)
    skipped: str | None = None

    def note(self, file: str | None, message: str, line: int | None = None) -> None:
        self.notes.append(CheckNote(file, message, line))

    def skip(self, reason: str) -> None:
        self.skipped = reason

    @property
    def complete(self) -> bool:
        return self.skipped is None and not self.notes

    def lines(self) -> list[str]:
        """One line each: why the checks were skipped, and each file not checked to the end."""
        lines = [note.text() for note in self.notes]
        if self.skipped is not None:
            lines.insert(0, f"BuildKit's checks skipped: {self.skipped}; linted without them")
        return lines


def is_buildkit(finding: Finding) -> bool:
    return finding.code.startswith(PREFIX)


def kebab(rule_name: str) -> str:
    """`FromAsCasing` -> `from-as-casing`, `JSONArgsRecommended` -> `json-args-recommended`
    (the slug of the rule's doc page)."""
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z]|\d|\b)|[A-Z]?[a-z]+|[A-Z]+|\d+", rule_name)
    return "-".join(word.lower() for word in words) or rule_name.lower()


def _position(point: object) -> tuple[int, int | None]:
    """(line, 1-based column or None) of a BuildKit position."""
    if not isinstance(point, dict):
        return 0, None
    line = point.get("line")
    character = point.get("character")
    return (
        line if isinstance(line, int) else 0,
        character + 1 if isinstance(character, int) and character > 0 else None,
    )


def _ranges(location: object) -> list[tuple[int, int | None, int, int | None]]:
    ranges = location.get("ranges") if isinstance(location, dict) else None
    spans = []
    for item in ranges if isinstance(ranges, list) else ():
        if not isinstance(item, dict):
            continue
        line, column = _position(item.get("start"))
        end_line, end_column = _position(item.get("end"))
        if line >= 1:
            spans.append((line, column, max(end_line, line), end_column))
    return spans


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def parse_check_output(text: str, file: str, lines: Sequence[str] = ()) -> CheckResult:
    """BuildKit's JSON answer for `file` as a `CheckResult`. `lines` (the Dockerfile's) give the
    end column of a finding whose range has no character, so the code frame marks the whole
    instruction line. Raises `CheckOutputError` when `text` is not BuildKit's JSON object."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise CheckOutputError(f"not JSON ({exc})") from None
    if not isinstance(document, dict) or not ({"warnings", "buildError"} & document.keys()):
        raise CheckOutputError("not the object of `--call=check,format=json`")
    warnings = document.get("warnings") or []
    if not isinstance(warnings, list):
        raise CheckOutputError("`warnings` is not a list")
    findings = [_finding(item, file, lines) for item in warnings if isinstance(item, dict)]
    error = document.get("buildError")
    message, error_line = None, None
    if isinstance(error, dict):
        message = " ".join(_text(error.get("message")).split()) or "the check failed"
        spans = _ranges(error.get("location"))
        error_line = spans[0][0] if spans else None
    return CheckResult(file, tuple(findings), message, error_line)


def _finding(item: dict, file: str, lines: Sequence[str]) -> BuildKitFinding:
    rule_name = _text(item.get("ruleName")) or "UnknownCheck"
    description = _text(item.get("description"))
    detail = _text(item.get("detail")) or description or rule_name
    url = _text(item.get("url"))
    spans = _ranges(item.get("location")) or [(1, None, 1, None)]
    line, column, end_line, end_column = spans[0]
    if end_column is None:
        end_column = len(lines[end_line - 1]) + 1 if 0 < end_line <= len(lines) else 1
    if end_line == line and end_column <= (column or 1):
        end_column = (column or 1) + 1
    slug = url.rstrip("/").rsplit("/", 1)[-1] if "/rule/" in url else kebab(rule_name)
    return BuildKitFinding(
        code=PREFIX + rule_name,
        name=slug,
        severity=SEVERITY,
        file=file,
        line=line,
        column=column or 1,
        end_line=end_line,
        end_column=end_column,
        message=detail,
        help=description if description != detail else "",
        related=tuple(span[0] for span in spans[1:]),
        rule_name=rule_name,
        description=description,
        url=url,
    )


def at_severity(findings: Iterable[BuildKitFinding], minimum: Severity) -> list[BuildKitFinding]:
    """The findings at `minimum` severity or above (`--severity error` leaves none out of
    BuildKit's, which are warnings)."""
    floor = SEVERITIES.index(minimum)
    return [f for f in findings if SEVERITIES.index(f.severity) >= floor]


def merge(findings: Iterable[Finding], files: Sequence[str]) -> list[Finding]:
    """arxdocker's and BuildKit's findings in one list, by file (in `files`' order, the order the
    files were linted), then line, column and code."""
    order = {name: position for position, name in enumerate(files)}
    return sorted(findings, key=lambda f: (order.get(f.file, len(order)), f.file, f.line,
                                           f.column, f.code))  # fmt: skip
