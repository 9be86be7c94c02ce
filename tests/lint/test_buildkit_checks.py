"""BuildKit's checks (`lint --buildkit-checks`) without an engine: the parsing of the JSON that
`docker buildx build --call=check,format=json` printed on today's engine (buildx 0.29.1; made by
tests/fixtures/buildkit-checks/capture.sh), the merge with arxdocker's findings, and the four
output formats, SARIF validated against the 2.1.0 schema."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from arxdocker.dockerfile import parse_text
from arxdocker.engine.buildkit_checks import parse_buildx_version
from arxdocker.lint.buildkit_checks import (
    BuildKitReport,
    CheckOutputError,
    at_severity,
    kebab,
    merge,
    parse_check_output,
)
from arxdocker.lint.registry import all_rules
from arxdocker.lint.runner import build_context, lint
from arxdocker.render.lint_github import render_github
from arxdocker.render.lint_json import render_json
from arxdocker.render.lint_sarif import render_sarif
from arxdocker.render.lint_text import FindingList
from arxdocker.render.theme import ARX_THEME

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CAPTURED = FIXTURES / "buildkit-checks"
WARNINGS_FILE = "tests/fixtures/buildkit-checks/warnings/Dockerfile"
WARNINGS_LINES = (CAPTURED / "warnings" / "Dockerfile").read_text().splitlines()

# (ruleName, line) of each warning BuildKit gave for warnings/Dockerfile, in its own order
EXPECTED = [
    ("StageNameCasing", 2),
    ("FromAsCasing", 2),
    ("MaintainerDeprecated", 3),
    ("ConsistentInstructionCasing", 8),
    ("LegacyKeyValueFormat", 4),
    ("UndefinedVar", 5),
    ("SecretsUsedInArgOrEnv", 6),
    ("WorkdirRelativePath", 7),
    ("JSONArgsRecommended", 13),
]


def captured(name: str, lines=WARNINGS_LINES, file: str = WARNINGS_FILE):
    return parse_check_output((CAPTURED / name).read_text(), file, lines)


def test_warnings_are_findings_with_their_own_ids_and_doc_links() -> None:
    result = captured("warnings.json")
    assert result.error is None
    assert [(f.rule_name, f.line) for f in result.findings] == EXPECTED
    first = result.findings[1]
    assert (first.code, first.name, first.severity) == (
        "buildkit/FromAsCasing", "from-as-casing", "warning",
    )  # fmt: skip
    assert first.message == "'as' and 'FROM' keywords' casing do not match"
    assert first.help == "The 'as' keyword should match the case of the 'from' keyword"
    assert first.url == "https://docs.docker.com/go/dockerfile/rule/from-as-casing/"
    # no character in BuildKit's range: the whole instruction line
    assert (first.column, first.end_line, first.end_column) == (1, 2, len(WARNINGS_LINES[1]) + 1)
    names = {f.rule_name: f.name for f in result.findings}
    assert names["JSONArgsRecommended"] == "json-args-recommended"
    assert names["SecretsUsedInArgOrEnv"] == "secrets-used-in-arg-or-env"


def test_no_warnings_and_the_experimental_set() -> None:
    clean = captured("clean.json", (), "dockerfiles/webapp/Dockerfile")
    assert (clean.findings, clean.error) == ((), None)  # "warnings": null
    experimental = captured("experimental.json", (), "dockerfiles/docsite/Dockerfile")
    ((finding),) = experimental.findings
    assert (finding.code, finding.line, finding.end_column) == (
        "buildkit/InvalidDefinitionDescription", 4, 2,
    )  # fmt: skip
    assert (
        finding.message == "Comment for ARG should follow the format: `# BASE_IMAGE <description>`"
    )


def test_a_check_that_stopped_keeps_its_warnings_and_says_where() -> None:
    result = captured("unresolvable.json", (), "unresolvable/Dockerfile")
    assert [f.code for f in result.findings] == ["buildkit/FromAsCasing"]
    assert result.error_line == 2
    assert result.error is not None
    assert result.error.startswith(
        "arxdocker/not-here:1: failed to resolve source metadata for docker.io/arxdocker/not-here:1"
    )
    assert "\n" not in result.error


@pytest.mark.parametrize(
    "text", ["", "ERROR: unknown flag: --call", "[]", '{"sources": []}', '{"warnings": 3}']
)
def test_what_is_not_buildkits_answer_is_an_error(text: str) -> None:
    with pytest.raises(CheckOutputError):
        parse_check_output(text, "Dockerfile")


def test_a_warning_without_location_or_fields_still_makes_a_finding() -> None:
    text = json.dumps({"warnings": [{"ruleName": "NewCheck", "location": {"ranges": []}}]})
    ((finding),) = parse_check_output(text, "Dockerfile").findings
    assert (finding.code, finding.name, finding.line, finding.column) == (
        "buildkit/NewCheck", "new-check", 1, 1,
    )  # fmt: skip
    assert finding.message == "NewCheck"
    text = json.dumps({"warnings": [{"ruleName": "X", "location": {"ranges": [
        {"start": {"line": 3, "character": 4}, "end": {"line": 3, "character": 9}},
        {"start": {"line": 7}, "end": {"line": 7}},
    ]}}]})  # fmt: skip
    ((finding),) = parse_check_output(text, "Dockerfile").findings
    assert (finding.line, finding.column, finding.end_column, finding.related) == (3, 5, 10, (7,))


def test_kebab() -> None:
    assert kebab("FromAsCasing") == "from-as-casing"
    assert kebab("JSONArgsRecommended") == "json-args-recommended"
    assert kebab("UndefinedArgInFrom") == "undefined-arg-in-from"


def test_buildx_versions() -> None:
    assert parse_buildx_version((CAPTURED / "buildx-0.13.1.version").read_text()) == (0, 13)
    assert parse_buildx_version("github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4") == (0, 29)
    assert parse_buildx_version("github.com/docker/buildx v0.15.1 1c1dbb2") == (0, 15)
    assert parse_buildx_version("nothing") is None


def merged():
    """arxdocker's findings on warnings/Dockerfile merged with BuildKit's, as the command does."""
    folder = CAPTURED / "warnings"
    ours = lint(
        parse_text((folder / "Dockerfile").read_text(), WARNINGS_FILE), build_context(folder)
    )
    theirs = captured("warnings.json").findings
    return ours, merge([*ours, *theirs], [WARNINGS_FILE])


def test_merge_sorts_both_kinds_by_file_and_line() -> None:
    ours, findings = merged()
    assert ours and len(findings) == len(ours) + len(EXPECTED)
    keys = [(f.line, f.column, f.code) for f in findings]
    assert keys == sorted(keys)
    assert [f.code for f in findings if f.line == 6] == ["ARX014", "buildkit/SecretsUsedInArgOrEnv"]
    other = merge([*findings, *captured("clean.json").findings], ["b/Dockerfile", WARNINGS_FILE])
    assert other == findings  # files in the order they were linted


def test_severity_floor() -> None:
    findings = captured("warnings.json").findings
    assert at_severity(findings, "warning") == list(findings)
    assert at_severity(findings, "error") == []


def test_sarif_has_both_tools_and_validates() -> None:
    _, findings = merged()
    report = BuildKitReport(checked=2)
    report.note("unresolvable/Dockerfile", "BuildKit's check stopped: cannot resolve", 2)
    document = json.loads(render_sarif(findings, all_rules(), (), report))
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    ours, theirs = document["runs"]
    assert ours["tool"]["driver"]["name"] == "arxdocker"
    assert {r["ruleId"] for r in ours["results"]} == {"ARX008", "ARX011", "ARX014"}
    assert theirs["tool"]["driver"]["name"] == "BuildKit"
    rules = theirs["tool"]["driver"]["rules"]
    assert len(rules) == len(theirs["results"]) == len(EXPECTED)
    for result in theirs["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"] == "buildkit/" + rule["name"]
        assert rule["helpUri"].startswith("https://docs.docker.com/go/dockerfile/rule/")
        assert result["level"] == "warning"
    (invocation,) = theirs["invocations"]
    assert invocation["executionSuccessful"] is False  # one file not checked to the end
    (note,) = invocation["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    # without --buildkit-checks: one run, as before
    assert len(json.loads(render_sarif(findings[:1], all_rules()))["runs"]) == 1


def test_text_json_and_github_name_the_rule_and_its_doc() -> None:
    _, findings = merged()
    console = Console(width=200, file=io.StringIO(), force_terminal=False, theme=ARX_THEME)
    console.print(FindingList(findings, {WARNINGS_FILE: list(WARNINGS_LINES)}), soft_wrap=True)
    text = console.file.getvalue()
    assert (
        f"{WARNINGS_FILE}:13:1 buildkit/JSONArgsRecommended warning: JSON arguments recommended "
        "for CMD to prevent unintended behavior related to OS signals [json-args-recommended]\n"
        "  13 │ CMD echo done\n"
    ) in text
    assert "  docs: https://docs.docker.com/go/dockerfile/rule/json-args-recommended/\n" in text
    rows = json.loads(render_json(findings))
    row = next(r for r in rows if r["code"] == "buildkit/UndefinedVar")
    assert (row["line"], row["severity"], row["url"]) == (
        5, "warning", "https://docs.docker.com/go/dockerfile/rule/undefined-var/",
    )  # fmt: skip
    assert "url" not in next(r for r in rows if r["code"] == "ARX014")
    report = BuildKitReport()
    report.skip("no engine: Cannot connect to the Docker daemon")
    github = render_github(findings, (), report)
    assert github.startswith(
        "::warning title=BuildKit checks::BuildKit's checks skipped: no engine: "
        "Cannot connect to the Docker daemon\n"
    )
    assert (
        f"::warning file={WARNINGS_FILE},line=7,endLine=7,col=1,"
        "title=buildkit/WorkdirRelativePath workdir-relative-path::"
        'Relative workdir "app" can have unexpected results if the base image changes%0A'
        "help: Relative workdir without an absolute workdir declared within the build can have "
        "unexpected results if the base image changes%0A"
        "docs: https://docs.docker.com/go/dockerfile/rule/workdir-relative-path/\n"
    ) in github
