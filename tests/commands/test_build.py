"""`arxdocker build` as a user runs it, without an engine: help, usage errors, exit codes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.commands import _cli


def arxdocker(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return _cli.arxdocker(*args, columns=100, **env)


def test_help_teaches_shorthands_config_and_examples() -> None:
    result = arxdocker("build", "--help")
    assert result.returncode == 0
    for text in ("registry:REF", "local:DIR", "gha[:SCOPE]", "[tool.arxdocker]", "examples:",
                 "--min-hit-rate PCT", "130 when interrupted", "--secret"):  # fmt: skip
        assert text in result.stdout


def test_listed_in_the_top_level_help() -> None:
    assert "build" in arxdocker("--help").stdout


def _context(tmp_path: Path, config: str = "") -> Path:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    if config:
        (tmp_path / "pyproject.toml").write_text(config)
    return tmp_path


def _one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 2
    assert result.stderr.startswith("arxdocker: error: ")
    assert text in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # the message and its hint


def test_usage_errors_exit_2_in_one_line(tmp_path: Path) -> None:
    context = str(_context(tmp_path))
    _one_line_error(arxdocker("build", str(tmp_path / "missing")), "is not a folder")
    _one_line_error(arxdocker("build", context, "--cache", "s3:x"), "unknown cache shorthand")
    _one_line_error(arxdocker("build", context, "--cache", "inline"), "needs a tag")
    _one_line_error(arxdocker("build", context, "--min-hit-rate", "101"), "is more than 100%")
    gha = arxdocker(
        "build", context, "--cache", "gha", ACTIONS_CACHE_URL="", ACTIONS_RUNTIME_TOKEN=""
    )
    _one_line_error(gha, "ACTIONS_CACHE_URL and ACTIONS_RUNTIME_TOKEN")


def test_bad_config_names_the_file_and_key(tmp_path: Path) -> None:
    context = _context(tmp_path, "[tool.arxdocker]\ncache_too = 'inline'\n")
    _one_line_error(arxdocker("build", str(context)), "unknown key tool.arxdocker.cache_too")


def test_no_docker_cli_is_a_setup_error(tmp_path: Path) -> None:
    context = str(_context(tmp_path))
    result = arxdocker("build", context, PATH=str(tmp_path))
    _one_line_error(result, "cannot run 'docker'")


def test_a_builder_that_does_not_exist_is_a_setup_error_not_a_failed_build(tmp_path: Path) -> None:
    context = _context(tmp_path)
    history = tmp_path / "history.jsonl"
    result = arxdocker("build", str(context), "--builder", "no-such-builder-7f3",
                       "--history", str(history))  # fmt: skip
    _one_line_error(result, "cannot inspect buildx builder 'no-such-builder-7f3'")
    assert not history.exists()


def test_a_docker_cli_without_buildx_is_a_setup_error_not_a_failed_build(tmp_path: Path) -> None:
    """The docker CLI with no buildx plugin parses `buildx build`'s flags itself and fails:
    that is the setup, said in one line, and no build is recorded."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    docker = bin_dir / "docker"
    docker.write_text(
        "#!/bin/sh\n"
        'case "$1" in\n'
        "  buildx) echo 'unknown flag: --progress' >&2\n"
        "          echo 'See '\"'\"'docker --help'\"'\"'.' >&2; exit 125 ;;\n"
        "  *) exit 1 ;;\n"
        "esac\n"
    )
    docker.chmod(0o755)
    (tmp_path / "ctx").mkdir()
    context = _context(tmp_path / "ctx")
    history = tmp_path / "history.jsonl"
    result = arxdocker("build", str(context), "--history", str(history), "--progress", "quiet",
                       PATH=f"{bin_dir}:/usr/bin:/bin")  # fmt: skip
    _one_line_error(result, "docker buildx does not run: the docker CLI has no buildx plugin")
    assert not history.exists()
