"""Run the rules over one Dockerfile and apply safe fixes: pure functions, no printing."""

from __future__ import annotations

import bisect
import dataclasses
from pathlib import Path
from typing import Literal

from arxdocker.dockerfile.model import Dockerfile
from arxdocker.dockerfile.parser import DockerfileParseError, parse_text
from arxdocker.dockerfile.validate import check_instructions
from arxdocker.errors import ArxError
from arxdocker.lint.config import LintConfig
from arxdocker.lint.model import SEVERITIES, Edit, Finding, Severity
from arxdocker.lint.registry import all_rules
from arxdocker.lint.rule import BuildContext, LintContext
from arxdocker.lint.suppress import find_suppressions


class FixError(ArxError):
    """A fix of arxdocker's made text BuildKit would reject: a bug in arxdocker, not in the
    user's file, which is left as it was."""

    def __init__(self, path: str, codes: list[str], error: DockerfileParseError) -> None:
        unique = list(dict.fromkeys(codes))
        super().__init__(
            f"{path}: arxdocker's fix for {', '.join(unique)} made a Dockerfile BuildKit would "
            f"reject (line {error.line} of the fixed text: {error.reason}); the file was left "
            "unchanged",
            hint=f"a bug in arxdocker, please report it; `--ignore {','.join(unique)}` skips it",
        )
        self.path, self.codes, self.error = path, codes, error


class FolderFiles:
    """`ContextFiles` of a folder on disk."""

    TEXT_LIMIT = 256 * 1024  # bytes; larger files are not scripts a rule should read

    def __init__(self, folder: Path) -> None:
        self.root = folder.resolve()

    def _inside(self, relative: str) -> Path | None:
        candidate = (self.root / relative).resolve()
        return candidate if candidate.is_relative_to(self.root) and candidate != self.root else None

    def kind(self, relative: str) -> Literal["file", "folder"] | None:
        path = self._inside(relative)
        if path is None:
            return None
        return "file" if path.is_file() else "folder" if path.is_dir() else None

    def text(self, relative: str) -> str | None:
        path = self._inside(relative)
        try:
            if path is None or not path.is_file() or path.stat().st_size > self.TEXT_LIMIT:
                return None
            return path.read_text(errors="replace")
        except OSError:
            return None


def build_context(folder: Path) -> BuildContext:
    ignore = folder / ".dockerignore"
    patterns = None
    if ignore.is_file():
        lines = ignore.read_text(errors="replace").splitlines()
        patterns = tuple(
            line.strip() for line in lines if line.strip() and not line.startswith("#")
        )
    try:
        entries = tuple(sorted(entry.name for entry in folder.iterdir()))
    except OSError:
        entries = ()
    return BuildContext(str(folder), patterns, entries, FolderFiles(folder))


def lint(
    dockerfile: Dockerfile,
    context: BuildContext | None = None,
    config: LintConfig | None = None,
    minimum: Severity = "info",
) -> list[Finding]:
    config = config or LintConfig()
    check_instructions(dockerfile)  # what `docker build` rejects is an error, not a finding
    ctx = LintContext(dockerfile, context)
    suppressions = find_suppressions(dockerfile)
    findings: list[Finding] = []
    for rule in all_rules():
        if not config.enabled(rule.code, rule.name):
            continue
        for finding in rule.check(ctx):
            if suppressions.suppressed(finding.code, finding.name, finding.line):
                continue
            severity = config.severity.get(finding.code, finding.severity)
            if SEVERITIES.index(severity) < SEVERITIES.index(minimum):
                continue
            findings.append(dataclasses.replace(finding, severity=severity))
    return sorted(findings, key=lambda f: (f.line, f.column, f.code))


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (the caller drops conflicting ones)."""
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)

    def offset(line: int, column: int) -> int:
        return min(starts[min(line, len(starts)) - 1] + column - 1, len(text))

    spans = sorted(((offset(e.line, e.column), offset(e.end_line, e.end_column), e) for e in edits),
                   key=lambda s: (s[0], s[1]))  # fmt: skip
    # One pass over the text, in order (slicing it once per edit is quadratic in big files).
    pieces, position = [], 0
    for start, end, edit in spans:
        pieces.append(text[position:start])
        pieces.append(edit.content)
        position = max(position, end)
    pieces.append(text[position:])
    return "".join(pieces)


class _LineRanges:
    """Line ranges taken by the fixes chosen so far (inclusive), for overlap checks that stay
    fast with thousands of fixes."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []  # ends[i] is the largest end of the ranges starting <= starts[i]

    def overlaps(self, first: int, last: int) -> bool:
        # a range starting at or before `last` whose end reaches `first`
        position = bisect.bisect_right(self.starts, last)
        return position > 0 and self.ends[position - 1] >= first

    def add(self, first: int, last: int) -> None:
        position = bisect.bisect_right(self.starts, first)
        self.starts.insert(position, first)
        before = self.ends[position - 1] if position else last
        self.ends.insert(position, max(before, last))
        for later in range(position + 1, len(self.ends)):  # keep the running maximum
            if self.ends[later] >= self.ends[later - 1]:
                break
            self.ends[later] = self.ends[later - 1]


def fix_once(text: str, findings: list[Finding], unsafe: bool = False) -> tuple[str, list[Finding]]:
    """Apply the safe fixes (and, if asked, the unsafe ones) that do not touch each other; the
    next pass picks up the rest."""
    taken = _LineRanges()
    chosen: list[Edit] = []
    applied: list[Finding] = []
    priority = {rule.code: rule.fix_priority for rule in all_rules()}
    for finding in sorted(findings, key=lambda f: (priority.get(f.code, 50), f.line)):
        fix = finding.fix
        if fix is None or (fix.applicability != "safe" and not unsafe):
            continue
        ranges = [(e.line, e.end_line) for e in fix.edits]
        if any(taken.overlaps(first, last) for first, last in ranges):
            continue
        for first, last in ranges:
            taken.add(first, last)
        chosen.extend(fix.edits)
        applied.append(finding)
    return (apply_edits(text, chosen) if chosen else text), applied


def fix_text(
    text: str,
    path: str,
    context: BuildContext | None,
    config: LintConfig,
    *,
    max_passes: int = 8,
    unsafe: bool = False,
    minimum: Severity = "info",
) -> tuple[str, list[Finding]]:
    """Fix until nothing safe (or, with `unsafe`, nothing at all) is left; returns the new text
    and the findings fixed. Only what `lint` reports is fixed: the rules `config` enables, at
    `minimum` severity or above (after its overrides), not suppressed.

    A file whose first line ends in CRLF is fixed with LF line endings (the rules' edits insert
    LF) and given back with CRLF throughout; text that needs no fix comes back unchanged.

    A fix whose text BuildKit would reject (it does not parse, or fails BuildKit's instruction
    checks) raises FixError, naming the rule whose fix it was; nothing is returned to write."""
    crlf = uses_crlf(text)
    original, text = text, text.replace("\r\n", "\n") if crlf else text
    fixed: list[Finding] = []
    parsed = parse_text(text, path)
    for _ in range(max_passes):
        findings = lint(parsed, context, config, minimum)
        new_text, applied = fix_once(text, findings, unsafe)
        if not applied or new_text == text:
            break
        parsed = _check_fixed(text, new_text, applied, path)
        fixed.extend(applied)
        text = new_text
    if not fixed:
        return original, fixed
    result = text.replace("\n", "\r\n") if crlf else text
    if crlf:
        _check_fixed(text, result, fixed, path)
    return result, fixed


def _parse_checked(text: str, path: str) -> Dockerfile | DockerfileParseError:
    """`text` parsed, or what BuildKit would say of it (a parse error or instruction check)."""
    try:
        parsed = parse_text(text, path)
        check_instructions(parsed)
    except DockerfileParseError as error:
        return error
    return parsed


def _rejection(text: str, path: str) -> DockerfileParseError | None:
    result = _parse_checked(text, path)
    return result if isinstance(result, DockerfileParseError) else None


def _check_fixed(before: str, after: str, applied: list[Finding], path: str) -> Dockerfile:
    """`after` parsed; FixError if the fixes `applied` to `before` (giving `after`) broke it."""
    error = _parse_checked(after, path)
    if isinstance(error, Dockerfile):
        return error
    # Name the fixes that break the file on their own; if none does, it is their combination.
    culprits = [
        finding.code
        for finding in applied
        if finding.fix and _rejection(apply_edits(before, list(finding.fix.edits)), path)
    ]
    raise FixError(path, culprits or [finding.code for finding in applied], error)


def uses_crlf(text: str) -> bool:
    """Whether the text's line ending style is CRLF, taken from its first line (as ruff does)."""
    end = text.find("\n")
    return end > 0 and text[end - 1] == "\r"
