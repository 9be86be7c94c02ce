"""Inputs that used to be taken without a word: each is now one line on stderr, exit 2."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.commands._cli import arxdocker


def test_doctor_of_a_missing_folder(tmp_path: Path) -> None:
    done = arxdocker("doctor", str(tmp_path / "nope"))
    assert done.returncode == 2
    assert done.stderr.startswith(f"arxdocker: error: {tmp_path / 'nope'}: no such folder")


def test_clean_local_of_a_file_is_not_a_missing_folder(tmp_path: Path) -> None:
    file = tmp_path / "index.json"
    file.write_text("{}")
    done = arxdocker("cache", "clean-local", str(file))
    assert done.returncode == 2
    assert f"{file}: not a folder" in done.stderr


def test_prune_of_an_unknown_record_type_is_refused_before_buildx_runs(tmp_path: Path) -> None:
    # an empty PATH: if buildx were asked, the error would be about docker instead
    done = arxdocker("cache", "prune", "--type", "bogus", "--dry-run", PATH=str(tmp_path))
    assert done.returncode == 2
    assert "--type 'bogus' is not a build cache record type" in done.stderr
    assert "exec.cachemount" in done.stderr


def test_analyze_with_a_terminal_for_stdin_says_what_it_needs() -> None:
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "arxdocker", "analyze"],
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            env={**os.environ, "COLUMNS": "200"},
        )
    finally:
        os.close(leader)
        os.close(follower)
    assert done.returncode == 2
    assert "no log to read: stdin is a terminal" in done.stderr
