"""`arxdocker lint --fix` over the whole real-world corpus (tests/fixtures/realworld-dockerfiles,
every file of manifest-a.json and manifest-b.json): no file refused, every fixed file parses with
BuildKit's own parser (the `dockerfile` package), and a second `--fix` changes nothing.

Also the error path when a fix itself is broken: the error names arxdocker's fix and its rule,
and the file is left as it was."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import dockerfile
import pytest

from arxdocker.cli import main
from arxdocker.commands._lint_inputs import discover
from arxdocker.dockerfile import parse_text
from arxdocker.lint.config import LintConfig
from arxdocker.lint.edits import command_start
from arxdocker.lint.model import Edit, Fix
from arxdocker.lint.registry import get_rule
from arxdocker.lint.runner import FixError, fix_text
from tests.corpora import manifest_entries, require_corpus


def _manifest_files() -> list[str]:
    return sorted(entry["file"] for entry in manifest_entries("realworld-dockerfiles"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(Path(name).relative_to(folder)): Path(name).read_bytes()
        for name in discover([str(folder)])
    }


def _buildkit_parses(text: str) -> bool:
    try:
        dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        return False
    return True


def test_fix_over_the_whole_realworld_corpus(tmp_path: Path, capsys) -> None:
    listed = _manifest_files()
    assert len(listed) >= 300
    work = tmp_path / "corpus"
    shutil.copytree(require_corpus("realworld-dockerfiles"), work)
    before = _snapshot(work)
    assert set(listed) <= set(before), "a manifest entry has no file"

    code = main(["lint", "--fix", "--exit-zero", str(work)])
    _, err = capsys.readouterr()
    refused = [line for line in err.splitlines() if line.startswith("arxdocker: error:")]
    after = _snapshot(work)
    changed = [name for name in after if after[name] != before[name]]
    unparseable = [name for name in after if not _buildkit_parses(after[name].decode())]

    main(["lint", "--fix", "--exit-zero", str(work)])
    capsys.readouterr()
    again = _snapshot(work)
    unstable = [name for name in after if again[name] != after[name]]

    figures = {
        "files": len(before),
        "changed": len(changed),
        "refused": len(refused),
        "unparseable": len(unparseable),
        "unstable": len(unstable),
    }
    with capsys.disabled():
        print(f"\n--fix over the real-world corpus: {figures}")
    assert (refused, unparseable, unstable) == ([], [], []), figures
    assert code == 0
    assert changed, "the corpus has fixable findings"


# BuildKit drops comment lines (and empty lines) inside a continuation: here between the
# `--mount` flags and the command (as in discourse_docker's image/base/Dockerfile).
COMMENTED_RUN = """\
FROM debian:bookworm
RUN --mount=type=tmpfs,target=/var/log \\
  --mount=type=tmpfs,target=/tmp \\
# yarn packages

  # indented comment
    echo deb > /etc/apt/sources.list.d/yarn.list; \\
    apt-get -y update && apt-get -y install curl
"""


def test_command_start_skips_comment_lines_in_a_continuation() -> None:
    parsed = parse_text(COMMENTED_RUN)
    assert command_start(parsed, parsed.instructions[1]) == (7, 5)


def test_fix_of_a_run_with_comments_between_flags_and_command() -> None:
    fixed, applied = fix_text(COMMENTED_RUN, "Dockerfile", None, LintConfig())
    assert "ARX003" in [finding.code for finding in applied]
    assert "    rm -f /etc/apt/apt.conf.d/docker-clean; echo deb >" in fixed
    (run,) = [c for c in dockerfile.parse_string(fixed) if c.cmd.upper() == "RUN"]
    assert "--mount=type=cache,target=/var/cache/apt,sharing=locked" in run.flags
    assert run.value[0].startswith("rm -f /etc/apt/apt.conf.d/docker-clean; echo deb")
    assert fix_text(fixed, "Dockerfile", None, LintConfig())[0] == fixed


BROKEN = """\
FROM python:3.12-slim
RUN pip install flask
RUN apt-get update
RUN apt-get install -y curl
"""


@pytest.fixture
def broken_arx003(monkeypatch):
    """ARX003's fix, made to end its RUN early: the next line becomes an unknown instruction."""
    rule = get_rule("ARX003")
    check = rule.check

    def broken(ctx):
        for finding in check(ctx):
            edit = Edit.insert(finding.line, 4, " true\necho")
            yield dataclasses.replace(finding, fix=Fix("broken on purpose", (edit,)))

    monkeypatch.setattr(rule, "check", broken)


def test_a_broken_fix_raises_fix_error_naming_its_rule(broken_arx003) -> None:
    with pytest.raises(FixError) as caught:
        fix_text(BROKEN, "Dockerfile", None, LintConfig())
    assert caught.value.codes == ["ARX003"]  # ARX002's fix, in the same pass, is not blamed
    assert "arxdocker's fix for ARX003" in str(caught.value)
    assert "unknown instruction: echo" in str(caught.value)


def test_a_broken_fix_leaves_the_file_untouched(tmp_path: Path, capsys, broken_arx003) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(BROKEN)
    code = main(["lint", "--fix", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert path.read_text() == BROKEN
    (line,) = [line for line in err.splitlines() if line.startswith("arxdocker: error:")]
    assert line.startswith(
        f"arxdocker: error: {path}: arxdocker's fix for ARX003 made a Dockerfile"
    )
    assert "of the fixed text: unknown instruction: echo); the file was left unchanged" in line
    assert not re.search(rf"{re.escape(str(path))}:\d", line)  # no line blamed on the user's file
    assert "1 file could not be linted" in out
