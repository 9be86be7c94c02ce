"""Run a docker CLI command to its end and keep what it said; never raises."""

from __future__ import annotations

import subprocess

NOT_FOUND, TIMED_OUT = 127, 124


def run(argv: list[str], timeout_s: float) -> tuple[int, str, str]:
    """(exit code, stdout, stderr); 127 when the program is missing, 124 when it timed out."""
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        return NOT_FOUND, "", f"{argv[0]}: not found on PATH"
    except subprocess.TimeoutExpired:
        return TIMED_OUT, "", f"no answer within {timeout_s:.0f} s"
    return done.returncode, done.stdout, done.stderr
