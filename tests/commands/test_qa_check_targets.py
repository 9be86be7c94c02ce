"""`check` and `compare` across targets and Dockerfiles, and `check`'s unchecked thresholds when
it fails: a `bake` of two targets writes their records interleaved in one history."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.commands._cli import arxdocker

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"
WARM = json.loads((RECORDS / "webapp-warm.json").read_text())  # 0.4s, every step cached
COLD = json.loads((RECORDS / "webapp-cold.json").read_text())  # 4.1s, 25% cached
DOCKERFILE = "/src/app/Dockerfile"


def record(like: dict[str, Any], number: int, target: str | None, **changes: Any) -> str:
    """`like` as build `number` (ids and start times in order) of `target`, as one line."""
    data = json.loads(json.dumps(like))
    data["id"] = f"20261126T1000{number:02d}Z-{number:06x}"
    data["started"] = f"2026-11-26T10:00:{number:02d}.000Z"
    data["target"] = target
    data["dockerfile"] = {"path": DOCKERFILE, "sha256": data["dockerfile"]["sha256"]}
    data.update(changes)
    return json.dumps(data) + "\n"


def bake_history(tmp_path: Path) -> Path:
    """Two bakes of app and test: the second test build is slow and uncached, and so is the
    second app build, which a gate holding test against app would let pass."""
    history = tmp_path / "history.jsonl"
    history.write_text(
        record(WARM, 1, "app") + record(WARM, 2, "test")
        + record(COLD, 3, "app") + record(COLD, 4, "test")
    )  # fmt: skip
    return history


def one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("arxdocker: error: ")
    assert text in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_help_says_the_baseline_defaults_to_the_same_target() -> None:
    result = arxdocker("check", "--help", columns=200)
    assert result.returncode == 0
    assert "[--baseline REF]" in result.stdout
    assert (
        "(default: the newest successful build before the candidate of the same Dockerfile and "
        "target)" in result.stdout
    )


def test_check_without_a_baseline_takes_the_last_build_of_the_same_target(tmp_path: Path) -> None:
    history = bake_history(tmp_path)
    result = arxdocker("check", "--history", str(history))
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "check failed: 20261126T100004Z-000004 against baseline 20261126T100002Z-000002",
        "  --max-slowdown 20% breached: duration 4.1s (baseline 0.4s, +855%) is more than +20%",
        "  --min-hit-rate 80% breached: hit rate 25% (baseline 100%) is below 80%",
    ]
    # the candidate can be an older build: its baseline is older still
    app = arxdocker("check", "--candidate", "last~1", "--history", str(history), "--json")
    assert app.returncode == 1, app.stderr
    document = json.loads(app.stdout)
    assert (document["candidate"], document["baseline"]) == (
        "20261126T100003Z-000003",
        "20261126T100001Z-000001",
    )


def test_check_without_an_earlier_build_of_the_target_names_baseline(tmp_path: Path) -> None:
    history = tmp_path / "history.jsonl"
    history.write_text(record(WARM, 1, "app") + record(WARM, 2, "test"))
    result = arxdocker("check", "--history", str(history))
    one_line_error(result, f"has no successful build of {DOCKERFILE} (target test) older than")
    assert "--baseline" in result.stderr and "--against" not in result.stderr
    assert result.stdout == ""


def test_check_warns_when_the_named_baseline_is_another_target(tmp_path: Path) -> None:
    history = bake_history(tmp_path)
    off = ("--min-hit-rate", "off", "--history", str(history))
    result = arxdocker("check", "--baseline", "last~1", *off)
    assert result.stderr == (
        "arxdocker: warning: comparing target 'test' with a baseline of target 'app'\n"
    )
    assert result.returncode == 0  # and goes on: the user named it
    assert result.stdout.startswith(
        "check passed: 20261126T100004Z-000004 against baseline 20261126T100003Z-000003: "
    )
    same = arxdocker("check", "--baseline", "last~2", *off)
    assert same.returncode == 1 and same.stderr == ""
    assert "--max-slowdown 20% breached" in same.stdout


def test_compare_warns_when_the_targets_differ(tmp_path: Path) -> None:
    history = bake_history(tmp_path)
    result = arxdocker("compare", "last~1", "last", "--history", str(history))
    assert result.returncode == 0
    assert result.stderr == (
        "arxdocker: warning: comparing target 'test' with a baseline of target 'app'\n"
    )
    assert result.stdout.startswith("A  20261126T100003Z-000003")
    quiet = arxdocker("compare", "last~2", "last", "--history", str(history), "--json")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert json.loads(quiet.stdout)["before"] == "20261126T100002Z-000002"


def test_no_target_and_another_dockerfile_are_named_too(tmp_path: Path) -> None:
    history = tmp_path / "history.jsonl"
    other = record(WARM, 2, None)
    other = other.replace(DOCKERFILE, "/src/app/Dockerfile.unfriendly")
    history.write_text(record(WARM, 1, None) + other + record(WARM, 3, "app"))
    dockerfile = arxdocker("compare", "last~2", "last~1", "--history", str(history))
    assert dockerfile.returncode == 0
    assert dockerfile.stderr == (
        "arxdocker: warning: comparing Dockerfile '/src/app/Dockerfile.unfriendly' with a "
        "baseline of Dockerfile '/src/app/Dockerfile'\n"
    )
    both = arxdocker("check", "--baseline", "last~1", "--history", str(history))
    assert both.returncode == 0
    assert both.stderr == (
        "arxdocker: warning: comparing target 'app' of Dockerfile '/src/app/Dockerfile' with a "
        "baseline of the default target of Dockerfile '/src/app/Dockerfile.unfriendly'\n"
    )
    # without --baseline, the build of the other Dockerfile is passed over
    default = arxdocker("check", "--candidate", "last~1", "--history", str(history))
    one_line_error(default, "has no successful build of /src/app/Dockerfile.unfriendly older than")


def test_a_failed_check_still_names_what_it_could_not_check(tmp_path: Path) -> None:
    history = tmp_path / "history.jsonl"
    history.write_text(record(WARM, 1, None, image={}) + record(COLD, 2, None, image={}))
    failed = arxdocker("check", "--baseline", "last~1", "--history", str(history))
    assert failed.returncode == 1
    assert failed.stdout.splitlines()[1:] == [
        "  --max-slowdown 20% breached: duration 4.1s (baseline 0.4s, +855%) is more than +20%",
        "  --min-hit-rate 80% breached: hit rate 25% (baseline 100%) is below 80%",
        "  not checked (no figure): --max-size-growth",
    ]
    passed = arxdocker("check", "--candidate", "last~1", "--baseline", "last~1",
                       "--history", str(history))  # fmt: skip
    assert passed.returncode == 0
    assert passed.stdout.rstrip().endswith("; not checked (no figure): --max-size-growth")


def test_check_without_a_baseline_passes_over_a_failed_build(tmp_path: Path) -> None:
    """A failed build's time and hit rate cover only the steps that ran: not a baseline."""
    history = tmp_path / "history.jsonl"
    history.write_text(
        record(WARM, 1, "app")
        + record(COLD, 2, "app", status="failed", exit_code=1)
        + record(WARM, 3, "app")
    )
    result = arxdocker("check", "--history", str(history), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["baseline"] == "20261126T100001Z-000001"


def test_compare_keeps_a_change_under_one_point(tmp_path: Path) -> None:
    """199 of 200 cached against all of them is -0.5 pp, not -0 or -1 pp."""
    history = tmp_path / "history.jsonl"
    summary = {**WARM["summary"], "steps_total": 200, "steps_cached": 199, "hit_rate": 0.995}
    history.write_text(record(WARM, 1, "app") + record(WARM, 2, "app", summary=summary))
    result = arxdocker("compare", "--history", str(history), "last~1", "last")
    line = next(line for line in result.stdout.splitlines() if line.startswith("hit rate"))
    assert line.split() == ["hit", "rate", "100%", "→", "99.5%", "-0.5", "pp"]
