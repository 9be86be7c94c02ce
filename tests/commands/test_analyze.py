"""`arxdocker analyze` as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "buildkit"


def analyze(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arxdocker", "analyze", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "100"},
    )


def test_table_and_summary_line() -> None:
    result = analyze(str(FIXTURES / "source-edit.rawjson.log"))
    assert result.returncode == 0, result.stderr
    assert "5/8 steps cached (62%)" in result.stdout
    assert "wall time 1.3s" in result.stdout
    assert "build 2/2" in result.stdout and "RUN sh src/build.sh /app/dist" in result.stdout
    assert "slowest steps:" in result.stdout


def test_failed_build_exits_1_and_shows_the_failure() -> None:
    result = analyze(str(FIXTURES / "failing-run.plain.log"))
    assert result.returncode == 1
    assert "failed step: [test 2/2] RUN FAIL_TESTS=1 sh src/test.sh" in result.stdout
    assert "expected 42.00, got 41.99" in result.stdout
    assert "error: failed to solve" in result.stdout


def test_a_log_that_lost_the_engines_unpack_race_says_so() -> None:
    race = FIXTURES.parent / "engine-race" / "export-race.rawjson.log"
    result = analyze(str(race))
    assert result.returncode == 1
    assert "5/8 steps cached (62%)" in result.stdout
    assert "parent snapshot" in result.stdout
    assert "moby/buildkit#6521" in result.stderr
    assert "running the build again exports it" in result.stderr
    assert "moby/buildkit" not in analyze(str(FIXTURES / "failing-run.plain.log")).stderr


def test_json_from_stdin_matches_the_file() -> None:
    data = (FIXTURES / "warm.plain.log").read_bytes()
    from_stdin = analyze("-", "--json", stdin=data)
    from_file = analyze(str(FIXTURES / "warm.plain.log"), "--json")
    assert from_stdin.returncode == 0
    assert json.loads(from_stdin.stdout) == json.loads(from_file.stdout)
    summary = json.loads(from_file.stdout)["summary"]
    assert summary["steps_cached"] == summary["steps_total"] == 8
    assert summary["hit_rate"] == 1.0


def test_forced_format_that_does_not_match_is_an_error() -> None:
    result = analyze(str(FIXTURES / "cold.rawjson.log"), "--format", "plain")
    assert result.returncode == 2 and "no build steps found" in result.stderr


def test_version_is_fast_path_and_help_teaches() -> None:
    version = subprocess.run(
        [sys.executable, "-m", "arxdocker", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("arxdocker ")
    helptext = analyze("--help").stdout
    assert "examples:" in helptext and "--progress=rawjson" in helptext and "exit codes" in helptext


def test_version_does_not_import_rich_or_docker() -> None:
    code = (
        "import sys; from arxdocker.cli import main; main(['--version']);"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('rich', 'docker', 'python_on_whales')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().endswith("[]")


def test_a_command_imports_only_its_own_module() -> None:
    code = (
        "import sys; from arxdocker.cli import main\n"
        "try: main(['analyze', '--help'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('arxdocker.commands.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "['arxdocker.commands.analyze']"


def _head(name: str, lines: int) -> bytes:
    return b"".join((FIXTURES / name).read_bytes().splitlines(keepends=True)[:lines])


def test_a_log_cut_off_mid_build_says_so_and_exits_1() -> None:
    for name, unfinished in [
        ("failing-run.plain.log", "1 step never finished"),
        ("cold.rawjson-compact.log", "1 step never finished, 3 never started"),  # 3 announced
    ]:
        cut = _head(name, 40)
        result = analyze("-", stdin=cut)
        assert result.returncode == 1, (name, result.stderr)
        assert result.stderr == (
            f"arxdocker: error: <stdin>: the log ends before the build does ({unfinished})\n"
        )
        assert f"error: the log ends before the build does ({unfinished})" in result.stdout
        as_json = analyze("-", "--json", stdin=cut)
        assert as_json.returncode == 1
        document = json.loads(as_json.stdout)
        assert document["error"] == f"the log ends before the build does ({unfinished})"
    # cut right after a step's header: the step was announced, never finished
    header_only = analyze("-", stdin=_head("failing-run.plain.log", 25))
    assert header_only.returncode == 1
    assert "the log ends before the build does (1 step never finished)" in header_only.stderr
    # the whole logs are not cut off
    assert analyze(str(FIXTURES / "cold.plain.log")).returncode == 0
    assert analyze(str(FIXTURES / "cold.rawjson-compact.log")).stderr == ""


def test_a_log_cut_right_after_a_step_finished_says_so() -> None:
    # No step is left running: the cut shows as a step that is not its stage's last, with no
    # later step of that stage and no export after it.
    # (rawjson announces every step when the build starts, so a cut there leaves steps that never
    # started, which the test above covers.)
    step = "[deps 3/4] COPY deps.txt tools/fetch-deps.sh ./"
    result = analyze("-", stdin=_head("cold.plain.log", 29))
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "arxdocker: error: <stdin>: the log ends before the build does "
        f"(it stops after {step!r}, and nothing was exported)\n"
    )
    parallel = analyze("-", stdin=_head("cold.plain.log", 43))  # build 1/2 and runtime 3/4 done
    assert "(it stops after '[runtime 3/4] COPY --from=deps" in parallel.stderr
    # Cut after a stage's last step: it could be a build with no output, so only a note.
    stage_done = analyze("-", "--json", stdin=_head("cold.plain.log", 48))
    assert stage_done.returncode == 0
    assert json.loads(stage_done.stdout)["exported"] is False
    assert stage_done.stderr.startswith(
        "arxdocker: note: <stdin>: no export follows the last step: the log may be cut off"
    )
    whole = analyze(str(FIXTURES / "cold.plain.log"), "--json")
    assert (whole.returncode, whole.stderr) == (0, "")
    assert json.loads(whole.stdout)["exported"] is True


def test_an_input_error_prints_no_json_document() -> None:
    result = analyze("-", "--json", stdin=_head("failing-run.plain.log", 10))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("arxdocker: error: <stdin>: no build steps found in this log")
    assert len(result.stderr.splitlines()) == 1


def _compact_steps(count: int) -> bytes:
    line = (
        '{"vertexes":[{"digest":"sha256:%064x","name":"[s%d 2/2] RUN x",'
        '"started":"2024-01-01T00:00:00Z","completed":"2024-01-01T00:00:01Z"}]}\n'
    )
    return b"".join((line % (i, i)).encode() for i in range(count))


def test_a_rawjson_log_cut_mid_object_is_reported_as_cut_off() -> None:
    whole = (FIXTURES / "cold.rawjson-compact.log").read_bytes()
    pretty = (FIXTURES / "cold.rawjson.log").read_bytes()
    for cut in (whole[: len(whole) * 6 // 10], pretty[: len(pretty) * 6 // 10]):
        result = analyze("-", "--json", stdin=cut)
        assert result.returncode == 1, result.stderr
        document = json.loads(result.stdout)
        assert document["error"].startswith(
            "the log ends before the build does (its last JSON object is cut off"
        )
        assert document["summary"]["steps_total"] > 0
    # All steps done, only the last update cut: still cut off.
    done = analyze("-", stdin=_compact_steps(3) + b'{"logs":[{"vertex":"sha256:')
    assert done.returncode == 1
    assert done.stderr.endswith("(its last JSON object is cut off)\n")
    # A cut-off object with more objects after it is damage, not the end: exit 2.
    damaged = analyze("-", stdin=_compact_steps(3) + b'{"vertexes":[\n' + _compact_steps(1))
    assert damaged.returncode == 2
    assert "line 4: truncated JSON" in damaged.stderr


def test_a_huge_log_damaged_after_its_steps_streamed_still_closes_its_json() -> None:
    log = _compact_steps(14_000) + b'{"vertexes": nope}\n' + _compact_steps(2)
    result = analyze("-", "--json", stdin=log)
    assert result.returncode == 2
    assert "line 14001: invalid JSON" in result.stderr
    document = json.loads(result.stdout)
    assert "line 14001: invalid JSON" in document["error"]
    assert len(document["steps"]) == document["summary"]["steps_total"] == 14_000
