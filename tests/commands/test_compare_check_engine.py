"""`compare` and `check` over records of real builds (issue 6, acceptance 2 and 3).

A copy of dockerfiles/webapp is built on the engine: cold, twice warm, once after a source edit,
once with --no-cache. Nothing is pruned. The copy's dependency manifest names a package of its
own, so every step's cache record is made by this test. Without it, run after
test_bake_engine.py (which prunes and re-imports webapp's cache from a registry and a local
folder), the warm builds came out cached but the edited one rebuilt the deps stage too.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.commands import _cli

pytestmark = [pytest.mark.engine, pytest.mark.slow]

WEBAPP = Path(__file__).resolve().parents[2] / "dockerfiles" / "webapp"


def arxdocker(*args: str) -> subprocess.CompletedProcess[str]:
    return _cli.arxdocker(*args, timeout=600)


def statuses(record: dict[str, Any]) -> dict[str, str]:
    return {f"{step['stage']} {step['index']}/{step['total']}": step["status"]
            for step in record["steps"] if step["cacheable"]}  # fmt: skip


def test_compare_marks_the_edited_steps_and_check_gates_a_no_cache_build(
    engine_env: dict[str, str], tmp_path: Path
) -> None:
    context = tmp_path / "webapp"
    shutil.copytree(WEBAPP, context)
    with (context / "deps.txt").open("a") as manifest:
        manifest.write(f"compare-{secrets.token_hex(4)} 1.0.0\n")
    history = tmp_path / "history.jsonl"

    def build(*extra: str) -> None:
        result = arxdocker("build", str(context), "--progress", "quiet", "--load",
                           "-t", "arxdocker-test/webapp-compare", "--history", str(history),
                           *extra)  # fmt: skip
        assert result.returncode == 0, result.stderr

    build()  # cold: the manifest is new
    build()
    build()
    warm = arxdocker("check", "--baseline", "last~1", "--history", str(history))
    assert warm.returncode == 0, warm.stdout + warm.stderr
    assert warm.stdout.startswith("check passed: ")
    assert len(warm.stdout.strip().splitlines()) == 1

    index = context / "src" / "index.html"
    index.write_text(index.read_text().replace("<h1>", f"<h1>{secrets.token_hex(8)} ", 1))
    build()
    result = arxdocker("compare", "last~1", "last", "--json", "--history", str(history))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    records = [json.loads(line) for line in history.read_text().splitlines()]
    before, after = statuses(records[-2]), statuses(records[-1])
    expected = {where for where in after if before.get(where) != after[where]}
    changes = {"regressed", "improved", "failed"}
    marked = {step["where"] for step in document["steps"] if step["change"] in changes}
    assert marked == expected == {"build 1/2", "build 2/2", "runtime 4/4"}
    assert [step["change"] for step in document["steps"][:3]] == ["regressed"] * 3
    assert document["summary"]["steps_cached"]["change"] == -3

    build("--no-cache")
    gate = arxdocker("check", "--baseline", "last~2", "--history", str(history))
    assert gate.returncode == 1, gate.stdout + gate.stderr
    lines = gate.stdout.strip().splitlines()
    assert lines[0].startswith("check failed: ")
    breached = [line for line in lines if "breached" in line]
    assert any(
        line.lstrip().startswith("--min-hit-rate 80% breached: hit rate") for line in breached
    )
    assert all("baseline" in line for line in breached)
