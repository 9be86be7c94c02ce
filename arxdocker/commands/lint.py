"""Audit Dockerfiles for cache-unfriendly patterns, with BuildKit's own grammar.

PATH may be a Dockerfile or a directory, searched for Dockerfile, *.Dockerfile and Dockerfile.*
(hidden folders and node_modules are skipped); `-` reads stdin. The folder holding a Dockerfile
is taken as its build context: its .dockerignore is checked, and a fix that moves a project
script reads that script there first (on stdin such fixes are unsafe). Rules are configured in
pyproject.toml under [tool.arxdocker.lint] (select, ignore, severity), and silenced per
instruction with `# arxdocker: ignore=ARX001` on the line above, or per file with
`# arxdocker: global ignore=...`. `--fix -` is a filter: stdout gets the Dockerfile back (fixed,
or unchanged), the report goes to stderr.

exit codes: 0 no findings; 1 findings (or, with --diff, changes to make);
            2 a usage error or a Dockerfile that cannot be parsed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from arxdocker.lint.config import split_codes

EPILOG = """\
examples:
  arxdocker lint                      # Dockerfiles under the current directory
  arxdocker lint Dockerfile --fix     # apply the safe fixes in place
  arxdocker lint . --diff             # show the fixes as a diff, write nothing
  arxdocker lint . --diff --unsafe-fixes   # also the fixes that need a look (ruff's term)
  arxdocker lint --format sarif . > arxdocker.sarif
  arxdocker rule ARX001               # what a rule checks, and why
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="Dockerfiles or folders (default: .)"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        help="output format",
    )
    for option, help_text in (("--select", "only these rules"), ("--ignore", "skip these rules")):
        parser.add_argument(
            option,
            type=split_codes,
            action="extend",
            metavar="IDS",
            help=f"{help_text}: codes or names, any case, comma-separated or repeated; ALL",
        )
    parser.add_argument(
        "--severity",
        choices=("error", "warning", "info"),
        default="info",
        help="report findings of this severity and above (default: info)",
    )
    parser.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    parser.add_argument("--diff", action="store_true", help="print the safe fixes as a diff")
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff, also apply fixes that may change what the build does "
        "(each rule's doc says when; review them)",
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="print a count per rule instead of the findings (text, or JSON with --format json)",
    )
    parser.add_argument(
        "--buildkit-checks",
        action="store_true",
        help="also run BuildKit's own checks (docker buildx build --call=check; buildx 0.15 or "
        "newer and an engine) on each Dockerfile and its folder, and report their findings "
        "as buildkit/<RuleName> warnings",
    )
    parser.add_argument(
        "--build-arg",
        action="append",
        metavar="NAME=VALUE",
        help="with --buildkit-checks: a build argument for BuildKit's check (a base image, or "
        "BUILDKIT_DOCKERFILE_CHECK=experimental=all); repeated for more",
    )


@dataclass
class _Results:
    findings: list = field(default_factory=list)
    buildkit: object = None  # BuildKitReport with --buildkit-checks
    sources: dict = field(default_factory=dict)  # display name -> source lines, for code frames
    diffs: list[str] = field(default_factory=list)
    failures: list = field(default_factory=list)  # LintFailure: files not read, parsed, written

    @property
    def errors(self) -> int:
        return len(self.failures)

    fixed: int = 0  # findings `--fix` fixed


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from arxdocker.commands._lint_inputs import discover
    from arxdocker.dockerfile.parser import DockerfileParseError
    from arxdocker.errors import ArxError
    from arxdocker.lint.config import load_config, rule_codes
    from arxdocker.lint.registry import all_rules

    if args.statistics and args.format in ("sarif", "github"):
        raise ArxError(
            f"--statistics is a summary: it has no {args.format} form",
            hint="use it with --format text or json",
        )
    if args.unsafe_fixes and not (args.fix or args.diff):
        raise ArxError("--unsafe-fixes needs --fix or --diff", hint="add --diff to review them")
    if args.build_arg and not args.buildkit_checks:
        raise ArxError("--build-arg is for --buildkit-checks", hint="add --buildkit-checks")
    for build_arg in args.build_arg or ():
        if "=" not in build_arg or build_arg.startswith("="):
            raise ArxError(f"--build-arg {build_arg}: expected NAME=VALUE")
    select = rule_codes(args.select or (), "--select")
    ignore = rule_codes(args.ignore or (), "--ignore")
    paths = args.paths or ["."]
    config = load_config(Path(paths[0] if paths[0] != "-" else ".")).merged(select, ignore)
    results = _Results()
    files = discover(paths)
    for name in files:
        # A file that cannot be read, decoded, parsed or written is reported on its own line and
        # counted (exit 2); the other files are still linted and fixed.
        try:
            _lint_file(name, args, config, results)
        except (ArxError, DockerfileParseError) as error:
            print(f"arxdocker: error: {error}", file=sys.stderr)
            results.failures.append(_failure(name, error))
    if args.diff:
        sys.stdout.write("".join(results.diffs))
        return 2 if results.errors else (1 if results.diffs and not args.exit_zero else 0)
    if args.buildkit_checks:
        _buildkit_checks(args, files, results)
    # `--fix -` writes the Dockerfile to stdout, so the report goes to stderr.
    report_stream = sys.stderr if args.fix and "-" in files else sys.stdout
    _render(args, results, len(files) - results.errors, all_rules(), stream=report_stream)
    if results.errors:
        return 2
    return 1 if results.findings and not args.exit_zero else 0


def _lint_file(name: str, args: argparse.Namespace, config, results: _Results) -> None:
    """Lint one Dockerfile (`-`: stdin) into `results`, after fixing it with --fix or --diff."""
    from pathlib import Path

    from arxdocker.commands._lint_inputs import decode, read_bytes
    from arxdocker.dockerfile.parser import parse_text
    from arxdocker.lint.runner import build_context, fix_text, lint

    context = None if name == "-" else build_context(Path(name).parent)
    display = "<stdin>" if name == "-" else name
    # `--fix -` is a filter (as `ruff check --fix -`): stdout gets the text back, fixed, or as it
    # came when there is nothing to fix or it cannot be linted.
    echo: bytes | str | None = None
    try:
        data = read_bytes(name)
        if name == "-" and args.fix and not args.diff:
            echo = data
        text = decode(name, data)
        if args.fix or args.diff:
            fixed, applied = fix_text(
                text, display, context, config, unsafe=args.unsafe_fixes, minimum=args.severity
            )
            # fix_text raises FixError (naming the rule) rather than give back text BuildKit
            # would reject, so the file is never written with a broken fix.
            if fixed != text:
                results.diffs.append(_diff(display, text, fixed))
                if args.fix and not args.diff:  # --diff shows, never writes
                    if name == "-":
                        echo = fixed
                    else:
                        _write(name, fixed)
                    text = fixed
                    results.fixed += len(applied)
        parsed = parse_text(text, display)
    finally:
        if echo is not None:
            _echo(echo)
    results.sources[display] = list(parsed.lines)
    results.findings.extend(lint(parsed, context, config, args.severity))


def _buildkit_checks(args: argparse.Namespace, files: list[str], results: _Results) -> None:
    """Run BuildKit's checks on the files that were linted and merge their findings. What keeps
    them from running (no engine, an old buildx) or stops one file's check is one line on
    stderr each; the exit code stays what arxdocker's own findings make it, plus BuildKit's."""
    import sys
    from pathlib import Path

    from arxdocker.engine.buildkit_checks import Checked, run_checks
    from arxdocker.lint.buildkit_checks import (
        BuildKitReport,
        CheckOutputError,
        at_severity,
        merge,
        parse_check_output,
    )

    failed = {failure.file for failure in results.failures}
    # stdin has no folder to be the context; a file arxdocker could not parse BuildKit rejects too
    pairs = [(name, str(Path(name).parent)) for name in files if name != "-" and name not in failed]
    report = BuildKitReport()
    results.buildkit = report
    if "-" in files:
        report.note(None, "<stdin> is not checked: BuildKit's check needs a file and its folder")
    run = run_checks(pairs, args.build_arg or ())
    if run.unavailable is not None:
        report.skip(run.unavailable.reason)
    for outcome in run.outcomes:
        if not isinstance(outcome, Checked):
            report.note(outcome.dockerfile, outcome.reason)
            continue
        try:
            result = parse_check_output(
                outcome.output, outcome.dockerfile, results.sources.get(outcome.dockerfile, ())
            )
        except CheckOutputError as error:
            report.note(outcome.dockerfile, f"BuildKit's answer could not be read: {error}")
            continue
        report.checked += 1
        results.findings.extend(at_severity(result.findings, args.severity))
        if result.error:
            report.note(result.file, f"BuildKit's check stopped: {result.error}", result.error_line)
    for line in report.lines():
        print(f"arxdocker: warning: {line}", file=sys.stderr)
    results.findings = merge(results.findings, files)


def _failure(name: str, error: Exception):  # -> LintFailure
    from arxdocker.dockerfile.parser import DockerfileParseError
    from arxdocker.lint.model import LintFailure

    display = "<stdin>" if name == "-" else name
    if isinstance(error, DockerfileParseError):
        return LintFailure(display, error.line or None, error.reason)
    message = str(error)
    return LintFailure(display, None, message.removeprefix(f"{display}: "))


def _echo(data: bytes | str) -> None:
    """Write `data` to stdout as it is: bytes that are not UTF-8 go back unchanged too."""
    import sys

    raw = data.encode("utf-8") if isinstance(data, str) else data
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(raw.decode("utf-8", errors="replace"))
    else:
        buffer.write(raw)
        buffer.flush()


def _write(name: str, text: str) -> None:
    from pathlib import Path

    from arxdocker.errors import ArxError

    try:
        Path(name).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise ArxError(f"{name}: cannot write the fixed file: {exc.strerror or exc}") from None


def _diff(name: str, before: str, after: str) -> str:
    import difflib

    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), name, name
        )
    )


def _render(args, results: _Results, files: int, rules, *, stream) -> None:
    findings = results.findings
    if args.format == "json" and args.statistics:
        from arxdocker.render.lint_json import render_statistics_json

        stream.write(render_statistics_json(findings))
    elif args.format == "json":
        from arxdocker.render.lint_json import render_json

        stream.write(render_json(findings))
    elif args.format == "sarif":
        from arxdocker.render.lint_sarif import render_sarif

        stream.write(render_sarif(findings, rules, results.failures, results.buildkit))
    elif args.format == "github":
        from arxdocker.render.lint_github import render_github

        stream.write(render_github(findings, results.failures, results.buildkit))
    else:
        from arxdocker.render.lint_text import FindingList, statistics, summary
        from arxdocker.render.theme import make_console

        console = make_console(file=stream)
        if args.statistics:
            console.print(statistics(findings))
        else:
            console.print(FindingList(findings, results.sources), soft_wrap=True)
        summary_line = summary(findings, files, results.errors, fixed=results.fixed)
        console.print(summary_line, soft_wrap=True)
