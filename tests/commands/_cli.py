"""Running `python -m arxdocker` as a user does, for the command tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def arxdocker(
    *args: str, cwd: Path | None = None, timeout: float = 60, columns: int = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """`arxdocker ARGS`, with `env` added to (or overriding) this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "arxdocker", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "COLUMNS": str(columns), **env},
    )
