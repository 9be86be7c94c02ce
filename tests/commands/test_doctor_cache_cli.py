"""`doctor` and `cache` as a user runs them, without an engine: help, and one-line errors."""

from __future__ import annotations

from pathlib import Path

from tests.commands._cli import arxdocker


def test_help_has_examples() -> None:
    expected = {
        ("doctor",): "arxdocker doctor --cache registry:",
        ("cache",): "arxdocker cache prune --older-than 7d --dry-run",
        ("cache", "prune"): "arxdocker cache prune --type exec.cachemount",
        ("cache", "clean-local"): "arxdocker cache clean-local .cache/buildkit",
    }
    for args, example in expected.items():
        done = arxdocker(*args, "--help")
        assert done.returncode == 0
        assert "examples:" in done.stdout and example in done.stdout


def test_bad_prune_options_are_one_line_errors() -> None:
    done = arxdocker("cache", "prune", "--older-than", "soon", "--dry-run")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "arxdocker: error: --older-than 'soon' is not a duration "
        "(hint: write it like 7d, 12h, 30m or 1d12h)"
    )
    done = arxdocker("cache", "prune", "--keep-storage", "lots")
    assert done.returncode == 2 and "--keep-storage 'lots' is not a size" in done.stderr


def test_clean_local_of_a_folder_without_index(tmp_path: Path) -> None:
    done = arxdocker("cache", "clean-local", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no index.json" in done.stderr
    assert "Traceback" not in done.stderr


def test_cache_without_a_subcommand_is_a_usage_error() -> None:
    done = arxdocker("cache")
    assert done.returncode == 2 and "SUBCOMMAND" in done.stderr
