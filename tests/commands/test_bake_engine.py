"""`arxdocker bake` against the real engine: issue 5's acceptance 1 and 3, as tests.

Every build is real (scripts/engine.sh's dockerd + buildx), of the repository's own
docker-bake.hcl. The CI environment of whoever runs the tests is scrubbed, so only the tests that
set GITHUB_ACTIONS see CI behaviour.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from arxdocker.analysis.bake import bake_report_dict, split_by_target
from arxdocker.analysis.report import Report, Step, Summary
from arxdocker.build.bake import ownership, print_definition, targets_of
from tests.commands import _cli
from tests.engine.scenarios import buildkit_count, distinct_step_vertices

pytestmark = [pytest.mark.engine, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
TARGETS = ("webapp", "webapp-test", "docsite")
NO_CI = {"CI": "", "GITHUB_ACTIONS": "", "GITLAB_CI": "", "GITHUB_STEP_SUMMARY": ""}


def arxdocker(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return _cli.arxdocker(*args, cwd=REPO, timeout=600, **{**NO_CI, **env})


def docker(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["docker", *args], capture_output=True, check=True, timeout=600, cwd=REPO)


def why(done: subprocess.CompletedProcess[str]) -> str:
    """The failure of an `arxdocker bake --json` run, for an assertion message."""
    try:
        total = json.loads(done.stdout)["total"]
    except (ValueError, KeyError):
        return done.stderr[-3000:] + done.stdout[-1000:]
    return f"{done.stderr[-2000:]} error={total['error']} failure={total['failure']}"


def counts(document: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {
        name: (report["summary"]["steps_cached"], report["summary"]["steps_total"])
        for name, report in document["targets"].items()
    }


def analyze_per_target(log: Path) -> tuple[dict[str, tuple[int, int]], dict[str, Any]]:
    """`arxdocker analyze --json` of a raw bake log, its steps attributed per target as bake
    attributes them (the repository's definition says which targets build which steps)."""
    done = arxdocker("analyze", str(log), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    owners = ownership(targets_of(print_definition([], [], list(TARGETS), REPO), REPO))
    steps = [
        Step(
            id=f"#{position}",
            **{key: item[key] for key in ("name", "target", "platform", "stage")},
            index=item["index"],
            total=item["total"],
            instruction=item["instruction"],
            status=item["status"],
            duration_s=item["duration_s"],
            cacheable=item["cacheable"],
        )
        for position, item in enumerate(document["steps"])
    ]
    report = Report(
        source_format=document["source"]["format"], steps=tuple(steps),
        summary=Summary(0, 0, 0, 0, 0, None), duration_s=None, error=None, failure=None, slowest=(),
    )  # fmt: skip
    split = split_by_target(report, list(TARGETS), owners)
    return counts(bake_report_dict(split)), document


def test_bake_registry_cache_round_trip_matches_analyze_of_a_plain_bake(
    engine_env: dict[str, str], tmp_path: Path
) -> None:
    """The counts of one bake agree whoever reads it: `arxdocker bake` live, `analyze` of its raw
    rawjson stream, and (per target) `analyze` of a plain and a rawjson `docker buildx bake` of the
    same cache state; each total is BuildKit's own count of distinct step vertices in its log."""
    prefix = f"{engine_env['ARXDOCKER_TEST_REGISTRY']}/bake-{secrets.token_hex(4)}"
    history = tmp_path / "history.jsonl"
    docker("buildx", "prune", "-af")
    common = [
        "bake",
        *TARGETS,
        "--cache",
        f"registry:{prefix}",
        "--json",
        "--history",
        str(history),
    ]
    cold = arxdocker(*common, "--progress", "quiet")
    assert cold.returncode == 0, why(cold)
    cold_doc = json.loads(cold.stdout)
    assert cold_doc["total"]["summary"]["steps_built"] > 0

    docker("buildx", "prune", "-af")
    warm = arxdocker(*common, "--progress", "rawjson")
    assert warm.returncode == 0, why(warm)
    warm_doc = json.loads(warm.stdout)
    # Every step comes from the registry, but for the one BuildKit can miss when a bake solves
    # targets that share a step at once (moby/buildkit#4674): arxdocker must name each such miss.
    missed = {
        step["name"]
        for step in warm_doc["total"]["steps"]
        if step["cacheable"] and step["status"] != "cached"
    }
    for name in missed:
        assert f"{name} ran although the step it builds on" in warm.stderr, name
    assert len(missed) <= 2, missed
    total = warm_doc["total"]["summary"]
    assert total["steps_cached"] == total["steps_total"] - len(missed)
    # a shared step: once in the total, in every target that builds it
    assert total["steps_total"] < sum(total for _, total in counts(warm_doc).values())
    # the same bake's raw event stream (echoed on stderr), read by `analyze`, and counted apart
    stream = tmp_path / "warm.rawjson.log"
    stream.write_text(warm.stderr)
    steps, cached, _ = distinct_step_vertices(stream.read_bytes())
    assert (total["steps_total"], total["steps_cached"]) == (steps, cached)
    per_target, analyzed = analyze_per_target(stream)
    assert per_target == counts(warm_doc)
    assert analyzed["summary"] == total

    # Plain buildx bakes of the same state, their raw logs read by `arxdocker analyze`: how many
    # step vertices BuildKit makes of a shared stage varies between runs, per target it does not.
    for fmt in ("rawjson", "plain"):
        docker("buildx", "prune", "-af")
        log = tmp_path / f"bake.{fmt}.log"
        with log.open("wb") as output:
            plain = subprocess.run(
                ["docker", "buildx", "bake", "--progress", fmt, *TARGETS],
                stderr=output, stdout=subprocess.DEVNULL, check=False, cwd=REPO, timeout=600,
            )  # fmt: skip
        assert plain.returncode == 0, log.read_text()[-2000:]
        per_target, analyzed = analyze_per_target(log)
        assert {name: steps for name, (_, steps) in per_target.items()} == {
            name: steps for name, (_, steps) in counts(warm_doc).items()
        }, fmt
        steps, cached = buildkit_count(log.read_bytes(), fmt)
        assert analyzed["summary"]["steps_total"] == steps, fmt
        assert analyzed["summary"]["steps_cached"] == cached, fmt

    records = [json.loads(line) for line in history.read_text().splitlines()]
    assert [record["target"] for record in records] == [*sorted(TARGETS)] * 2
    missed_targets = {name.split()[0].lstrip("[") for name in missed}
    for record in records[3:]:
        assert record["status"] == "ok"
        if record["target"] not in missed_targets:
            assert record["summary"]["hit_rate"] == 1.0
        assert record["cache"]["from"] == [f"type=registry,ref={prefix}/{record['target']}:cache"]
        assert record["image"]["digest"].startswith("sha256:")  # buildx bake's --metadata-file
        assert record["image"]["layers"] > 0


def test_github_job_summary_and_annotation(engine_env: dict[str, str], tmp_path: Path) -> None:
    summary_file = tmp_path / "summary.md"
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary_file)}
    history = ["--history", str(tmp_path / "h.jsonl")]
    done = arxdocker("bake", *TARGETS, "--json", "--progress", "quiet", *history, **github)
    assert done.returncode == 0, why(done)
    document = json.loads(done.stdout)
    markdown = summary_file.read_text()
    for name, report in [*document["targets"].items(), ("**total**", document["total"])]:
        summary = report["summary"]
        row = next(line for line in markdown.splitlines() if line.startswith(f"| {name} |"))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] == f"{summary['steps_cached']}/{summary['steps_total']}"
        assert cells[2] == f"{summary['hit_rate']:.0%}"
        assert cells[4] == "ok"
    assert "Build failed" not in markdown

    # A failing test run: the annotation points at the RUN on line 18 of the webapp Dockerfile.
    failing = arxdocker(
        "bake", "webapp-test", "--set", "webapp-test.args.FAIL_TESTS=1",
        "--set", f"webapp-test.args.BUST={secrets.token_hex(4)}", "--progress", "quiet",
        *history, **github,
    )  # fmt: skip
    assert failing.returncode != 0
    annotations = [line for line in failing.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 1, failing.stdout
    assert re.match(r"::error file=dockerfiles/webapp/Dockerfile,line=18,title=", annotations[0])
    assert "exit code: 3" in annotations[0]
    failed_md = summary_file.read_text().split("## arxdocker build cache")[-1]
    assert "### Build failed" in failed_md
    # one target: buildx names its steps without the target
    assert "Failing step: `[test 2/2] RUN FAIL_TESTS=1 sh src/test.sh`" in failed_md
    assert "| webapp-test | " in failed_md and "| failed |" in failed_md


def test_two_runners_one_registry(engine_env: dict[str, str], tmp_path: Path) -> None:
    """A second dockerd bakes from the cache the first pushed (acceptance 2): every step cached,
    or arxdocker names why a step was not. The expectation comes from the engine itself: baked
    alone from the same registry, each target must take every step from it."""
    runner_b = {
        "ARXDOCKER_RUNNER_B_DIR": str(tmp_path / "runner-b"),
        "PYTHON": sys.executable,
        **NO_CI,
    }
    done = subprocess.run(
        [str(REPO / "scripts" / "two_runners.sh")],
        capture_output=True, text=True, check=False, cwd=REPO, timeout=900,
        env={**os.environ, **runner_b},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    alone = [line for line in lines if re.match(r"runner B \S+ alone:", line)]
    assert len(alone) == 3, done.stdout
    for line in alone:
        cached, total = map(int, re.search(r"(\d+)/(\d+) cached", line).groups())  # type: ignore[union-attr]
        assert cached == total > 0, line
    warm = next(line for line in lines if line.startswith("runner B from registry:"))
    cold = next(line for line in lines if line.startswith("runner B cold:"))
    cached, total = map(int, re.search(r"(\d+)/(\d+) cached", warm).groups())  # type: ignore[union-attr]
    missed = [line for line in lines if re.match(r"    (built|error): ", line)]
    named = [line for line in lines if line.startswith("      named: ")]
    assert total > 0 and total - cached == len(missed) == len(named), done.stdout
    assert all("moby/buildkit#4674" in line for line in named), done.stdout
    assert not any("not named by arxdocker" in line for line in lines), done.stdout
    seconds = [float(re.search(r"in ([\d.]+) s", line)[1]) for line in (cold, warm)]  # type: ignore[index]
    assert seconds[1] < seconds[0]


def test_a_failed_cache_export_of_a_multi_target_bake_is_reported(
    engine_env: dict[str, str], tmp_path: Path
) -> None:
    """ignore-error=true keeps a dead registry from failing the bake; buildx then only prints it
    in its log. In a bake of several targets BuildKit names the vertex `[webapp] exporting cache
    to registry`: arxdocker reports it per target on stderr, in the records and in the summary."""
    summary_file = tmp_path / "summary.md"
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary_file)}
    history = tmp_path / "h.jsonl"
    done = arxdocker(
        "bake", "webapp", "docsite", "--cache", "registry:127.0.0.1:9/dead", "--progress", "quiet",
        "--json", "--history", str(history), **github,
    )  # fmt: skip
    assert done.returncode == 0, why(done)
    for target in ("webapp", "docsite"):
        warning = f"arxdocker: warning: cache export failed for {target} (exporting cache to"
        assert warning in done.stderr, done.stderr
    records = [json.loads(line) for line in history.read_text().splitlines()]
    assert all(r["cache"]["export_failed"] and r["cache"]["import_failed"] for r in records)
    problems = json.loads(done.stdout)["cache_problems"]
    for target in ("webapp", "docsite"):
        assert any(p.startswith(f"cache export failed for {target} (") for p in problems), problems
    section = summary_file.read_text().split("### Cache problems", 1)[1]
    assert "- cache export failed for webapp (exporting cache to registry): " in section
    assert "- cache import failed for docsite (importing cache manifest from " in section


def test_build_in_github_actions_writes_the_summary_and_annotates_a_failure(
    engine_env: dict[str, str], tmp_path: Path
) -> None:
    summary_file = tmp_path / "summary.md"
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary_file)}
    failing = arxdocker(
        "build", "dockerfiles/webapp", "--target", "test", "--build-arg", "FAIL_TESTS=1",
        "--build-arg", f"BUST={secrets.token_hex(4)}", "--progress", "quiet", "--json",
        "--history", str(tmp_path / "h.jsonl"), **github,
    )  # fmt: skip
    assert failing.returncode == 1, failing.stderr
    summary = json.loads(failing.stdout)["summary"]
    # with --json, stdout holds the document and the annotation goes to stderr
    (annotation,) = [line for line in failing.stderr.splitlines() if line.startswith("::error ")]
    assert annotation.startswith("::error file=dockerfiles/webapp/Dockerfile,line=18,title=")
    cells = f"| test | {summary['steps_cached']}/{summary['steps_total']} | "
    assert cells in summary_file.read_text()
    assert "Failing step: `[test 2/2] RUN FAIL_TESTS=1 sh src/test.sh`" in summary_file.read_text()


def test_setup_problems_are_one_line_errors(engine_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "docker-bake.hcl").write_text('target "app" {\n  context = \n}\n')
    broken = subprocess.run(
        [sys.executable, "-m", "arxdocker", "bake"],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=120,
        env={**os.environ, **NO_CI},
    )  # fmt: skip
    assert broken.returncode == 2
    (line,) = broken.stderr.strip().splitlines()
    assert line.startswith("arxdocker: error: buildx bake cannot read the definition: ")
    unknown = arxdocker("bake", "webapp", "--cache", "inline")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("arxdocker: error: bake --cache 'inline' is not one of")
    assert arxdocker("bake", "--min-hit-rate", "120").returncode == 2


def test_bake_local_cache_per_target_round_trip(engine_env: dict[str, str], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    history = ["--history", str(tmp_path / "h.jsonl")]
    for _run in ("cold", "warm"):
        docker("buildx", "prune", "-af")
        done = arxdocker("bake", "webapp", "docsite", "--cache", f"local:{cache}", "--json",
                         "--progress", "quiet", *history)  # fmt: skip
        assert done.returncode == 0, why(done)
        assert sorted(path.name for path in cache.iterdir()) == ["docsite", "webapp"]
        assert all((cache / name / "index.json").is_file() for name in ("docsite", "webapp"))
    for name, (cached, total) in counts(json.loads(done.stdout)).items():
        assert cached == total > 0, name


def test_a_bake_that_fails_before_any_step_records_every_target_as_failed(tmp_path: Path) -> None:
    """A base image that cannot be had fails the bake before a step runs: no target's record
    may read `ok`, or `check` would pass it."""
    history = tmp_path / "h.jsonl"
    missing = f"arxdocker/no-such-image-{secrets.token_hex(4)}:1"
    failed = arxdocker(
        "bake", "webapp", "webapp-test", "--set", f"*.args.BASE_IMAGE={missing}",
        "--progress", "quiet", "--json", "--history", str(history),
    )  # fmt: skip
    assert failed.returncode == 1, why(failed)
    document = json.loads(failed.stdout)
    assert document["total"]["error"]
    for name in ("webapp", "webapp-test"):
        assert document["targets"][name]["error"], name
    records = [json.loads(line) for line in history.read_text().splitlines()]
    assert [(r["target"], r["status"]) for r in records] == [
        ("webapp", "failed"), ("webapp-test", "failed"),
    ]  # fmt: skip
    assert all(r["error"] for r in records)
    gate = arxdocker("check", "--baseline", "last~1", "--history", str(history))
    assert gate.returncode == 1, gate.stdout + gate.stderr
    assert "the candidate build's status is failed" in gate.stdout
