"""`arxdocker benchmark` usage without an engine: help, scenario names, the --touch rule.

The engine test (test_benchmark_engine.py) takes its touched file from the config instead."""

from __future__ import annotations

from pathlib import Path

from tests.commands._cli import arxdocker


def test_help_lists_scenarios_build_options_and_examples() -> None:
    result = arxdocker("benchmark", "--help")
    assert result.returncode == 0
    for text in ("cold", "incremental", "--touch PATH", "build options", "--cache SPEC",
                 "examples:", "never pruned"):  # fmt: skip
        assert text in result.stdout


def test_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    no_touch = arxdocker("benchmark", str(tmp_path))
    assert no_touch.returncode == 2
    assert no_touch.stderr.startswith("arxdocker: error: the incremental scenario needs --touch")
    assert len(no_touch.stderr.strip().splitlines()) == 1
    missing = arxdocker("benchmark", str(tmp_path), "--touch", "nope.txt")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    bad = arxdocker("benchmark", str(tmp_path), "--scenarios", "cold,hot")
    assert bad.returncode == 2 and "unknown scenario hot" in bad.stderr
    zero = arxdocker("benchmark", str(tmp_path), "-n", "0", "--scenarios", "warm")
    assert zero.returncode == 2 and "not a number of runs" in zero.stderr


def test_the_touched_file_can_come_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "pyproject.toml").write_text('[tool.arxdocker]\ntouch = "src/gone.py"\n')
    result = arxdocker("benchmark", str(tmp_path))
    assert result.returncode == 2
    assert "needs --touch" not in result.stderr
    assert f"touch in {tmp_path / 'pyproject.toml'}: " in result.stderr
    assert "src/gone.py: no such file" in result.stderr
    # the flag wins over the config
    flagged = arxdocker("benchmark", str(tmp_path), "--touch", "other.txt")
    assert flagged.returncode == 2 and flagged.stderr.startswith("arxdocker: error: --touch: ")
    assert "other.txt: no such file" in flagged.stderr
    wrong = tmp_path / "pyproject.toml"
    wrong.write_text("[tool.arxdocker]\ntouch = 3\n")
    typed = arxdocker("benchmark", str(tmp_path))
    assert typed.returncode == 2 and "tool.arxdocker.touch must be a string" in typed.stderr


def test_a_context_that_is_not_a_folder_is_one_line(tmp_path: Path) -> None:
    result = arxdocker("benchmark", str(tmp_path / "nowhere"), "--touch", "x")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"arxdocker: error: build context {str(tmp_path / 'nowhere')!r} is not a folder"
    )
