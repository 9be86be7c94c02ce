"""`arxdocker benchmark` usage without an engine: help, scenario names, the --touch rule."""

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
