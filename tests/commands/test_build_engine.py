"""`arxdocker build` against the real engine: the issue's acceptance, as tests.

Every build here is real (scripts/engine.sh's dockerd + buildx); nothing is mocked. Tests that
need a cold cache run `docker buildx prune -af` first, as the foundation's scenarios do.
"""

from __future__ import annotations

import json
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from arxdocker.build.localcache import folder_size
from tests.commands import _cli

pytestmark = pytest.mark.engine

REPO = Path(__file__).resolve().parents[2]
DOCSITE = REPO / "dockerfiles" / "docsite"
SUMMARY_KEYS = ("steps_total", "steps_cached", "steps_built", "hit_rate", "failed_step")


def arxdocker(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return _cli.arxdocker(*args, cwd=cwd, timeout=600, **env)


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["docker", *args], capture_output=True, check=check, timeout=600)


def prune() -> None:
    docker("buildx", "prune", "-af")


def summary(document: dict[str, Any]) -> dict[str, Any]:
    return {key: document["summary"][key] for key in SUMMARY_KEYS}


def history(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def site(engine_env: dict[str, str], tmp_path: Path) -> Path:
    root = tmp_path / "docsite"
    shutil.copytree(DOCSITE, root)
    return root


@pytest.fixture
def base(engine_env: dict[str, str]) -> str:
    return engine_env["ARXDOCKER_BASE_IMAGE"]


@pytest.fixture
def registry(engine_env: dict[str, str]) -> str:
    return engine_env["ARXDOCKER_TEST_REGISTRY"]


def build(context: Path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], Any]:
    """`arxdocker build --json --progress quiet`, and its report document (None if not JSON)."""
    result = arxdocker("build", str(context), "--json", "--progress", "quiet", *args, **env)
    try:
        document = json.loads(result.stdout)
    except ValueError:
        document = None
    return result, document


def analyze_raw_buildx(context: Path, log: Path) -> dict[str, Any]:
    with log.open("wb") as handle:
        subprocess.run(
            ["docker", "buildx", "build", "--progress=rawjson", str(context)],
            stderr=handle,
            stdout=subprocess.DEVNULL,
            check=True,
            timeout=600,
        )
    result = arxdocker("analyze", "--json", str(log))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_cold_then_warm_and_the_counts_equal_analyze_of_raw_buildx(
    site: Path, tmp_path: Path
) -> None:
    log = tmp_path / "history.jsonl"
    prune()
    cold, cold_report = build(site, "--history", str(log))
    assert cold.returncode == 0, cold.stderr
    warm, warm_report = build(site, "--history", str(log))
    assert warm.returncode == 0, warm.stderr
    assert cold_report["summary"]["steps_total"] == 9
    assert cold_report["summary"]["steps_cached"] == 0
    assert cold_report["summary"]["hit_rate"] == 0.0
    assert warm_report["summary"]["steps_cached"] == warm_report["summary"]["steps_total"] == 9
    assert warm_report["summary"]["hit_rate"] == 1.0

    prune()
    raw_cold = analyze_raw_buildx(site, tmp_path / "cold.rawjson.log")
    raw_warm = analyze_raw_buildx(site, tmp_path / "warm.rawjson.log")
    assert summary(raw_cold) == summary(cold_report)
    assert summary(raw_warm) == summary(warm_report)

    records = history(log)
    assert [r["status"] for r in records] == ["ok", "ok"]
    assert [r["summary"]["hit_rate"] for r in records] == [0.0, 1.0]
    record = records[-1]
    assert record["schema"] == "arxdocker.record/v1"
    assert all(step["digest"].startswith("sha256:") for step in record["steps"])
    assert {step["instruction"] for step in record["steps"]} >= {"COPY content/ content/"}
    manifests = {m["instruction"]: m for m in record["copy_manifests"]}
    assert manifests["COPY content/ content/"]["files"] == 2
    assert "multi-stage" in record["optimizations"]
    assert "cache-mounts:1" in record["optimizations"]
    assert "copy-link" in record["optimizations"]
    assert record["tools"]["driver"] == "docker"
    assert record["tools"]["buildx"].startswith("0.")
    assert record["image"]["digest"].startswith("sha256:")
    assert record["image"]["layers"] >= 1
    assert record["image"]["size_bytes"] > 0
    assert record["dockerfile"]["sha256"].startswith("sha256:")


def test_progress_plain_and_rawjson_reemit_logs_that_analyze_reads_alike(site: Path) -> None:
    build(site)  # warm
    for mode in ("plain", "rawjson"):
        result = arxdocker("build", str(site), "--progress", mode, "--json")
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        log = site / f"progress.{mode}.log"
        log.write_text(result.stderr)
        analyzed = arxdocker("analyze", "--json", "--format", mode, str(log))
        assert analyzed.returncode == 0, analyzed.stderr
        assert summary(json.loads(analyzed.stdout)) == summary(report)


def test_table_report_and_min_hit_rate_gate(site: Path) -> None:
    build(site)
    ok = arxdocker("build", str(site), "--progress", "quiet", "--min-hit-rate", "100")
    assert ok.returncode == 0, ok.stderr
    assert "9/9 steps cached (100%)" in ok.stdout
    (site / "content" / "guide.md").write_text(f"# Guide\n\nedited {secrets.token_hex(4)}\n")
    gated = arxdocker("build", str(site), "--progress", "quiet", "--min-hit-rate", "95")
    assert gated.returncode == 1
    assert "arxdocker: error: cache hit rate 67% is below --min-hit-rate 95%" in gated.stderr
    assert "3 of 9 steps rebuilt" in gated.stderr  # the pages, render, and its COPY --link
    record = history(site / ".arxdocker" / "history.jsonl")[-1]
    assert record["exit_code"] == 1 and record["min_hit_rate_failed"] is True


@pytest.mark.slow
def test_registry_cache_round_trip(site: Path, registry: str) -> None:
    ref = f"{registry}/arxdocker-tests/docsite:cache-{secrets.token_hex(4)}"
    first, _ = build(site, "--cache", f"registry:{ref}")
    assert first.returncode == 0, first.stderr
    prune()
    again, report = build(site, "--cache", f"registry:{ref}")
    assert again.returncode == 0, again.stderr
    assert report["summary"]["hit_rate"] == 1.0
    record = history(site / ".arxdocker" / "history.jsonl")[-1]
    assert record["cache"]["from"] == [f"type=registry,ref={ref}"]
    assert record["cache"]["import_failed"] is False
    assert "registry-cache" in record["optimizations"]


@pytest.mark.slow
def test_local_cache_round_trip_and_it_does_not_grow(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "buildkit-cache"
    first, _ = build(site, "--cache", f"local:{cache}")
    assert first.returncode == 0, first.stderr
    assert (cache / "index.json").is_file()
    prune()
    again, report = build(site, "--cache", f"local:{cache}")
    assert again.returncode == 0, again.stderr
    assert report["summary"]["hit_rate"] == 1.0
    sizes = [folder_size(str(cache))]
    for _ in range(5):
        result, report = build(site, "--cache", f"local:{cache}")
        assert result.returncode == 0 and report["summary"]["hit_rate"] == 1.0
        sizes.append(folder_size(str(cache)))
    assert max(sizes) <= sizes[0] * 1.01, sizes  # a plain --cache-to dest would only grow
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("buildkit")) == [
        "buildkit-cache"
    ]


def _inline_round_trip(argv: list[str], tag: str) -> None:
    prune()  # the scenario: the exporting build starts from an empty builder, as on a CI runner
    subprocess.run(argv, capture_output=True, check=True, timeout=600)
    prune()
    docker("image", "rm", tag, check=False)


@pytest.mark.slow
def test_inline_cache_round_trip(site: Path, registry: str, tmp_path: Path) -> None:
    tag = f"{registry}/arxdocker-tests/docsite-inline:{secrets.token_hex(4)}"
    args = ["-f", str(site / "Dockerfile.unfriendly"), "-t", tag, "--push", "--cache", "inline"]
    ours = [sys.executable, "-m", "arxdocker", "build", str(site), "--progress", "quiet", *args]
    _inline_round_trip(ours, tag)
    again, report = build(site, *args)
    assert again.returncode == 0, again.stderr
    record = history(site / ".arxdocker" / "history.jsonl")[-1]
    assert record["cache"]["to"] == ["type=inline"]
    assert record["cache"]["from"] == [f"type=registry,ref={tag}"]
    assert record["cache"]["import_failed"] is False  # the inline cache was found and read
    assert record["image"]["source"] == "metadata-file"
    assert record["image"]["digest"].startswith("sha256:")
    statuses = {step["instruction"]: step["status"] for step in report["steps"]}
    assert statuses["COPY . ."] == "cached"
    assert statuses["RUN sh tools/install-plugins.sh packages.txt /opt/plugins"] == "cached"
    # dockerd 26's builder leaves the last layer out of the inline cache of a build that started
    # from nothing (buildx alone does the same: checked below), so the last RUN may rebuild.
    raw_tag = f"{tag}-raw"
    raw = ["docker", "buildx", "build", "--progress=rawjson", "-f", args[1], "-t", raw_tag,
           "--push", "--cache-to", "type=inline", "--cache-from", f"type=registry,ref={raw_tag}",
           str(site)]  # fmt: skip
    _inline_round_trip(raw, raw_tag)
    log = tmp_path / "inline.rawjson.log"
    with log.open("wb") as handle:
        subprocess.run(raw, stderr=handle, stdout=subprocess.DEVNULL, check=True, timeout=600)
    analyzed = arxdocker("analyze", "--json", str(log))
    assert summary(json.loads(analyzed.stdout)) == summary(report)
    assert report["summary"]["hit_rate"] >= 0.75


FAILING = """\
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN echo "preparing {nonce}"
RUN echo "compiling widget.c"; echo "widget.c:3: error: expected ';'" >&2; exit 7
"""


def test_failing_run_gives_buildx_exit_code_and_names_the_step(tmp_path: Path, base: str) -> None:
    (tmp_path / "Dockerfile").write_text(FAILING.replace("{nonce}", secrets.token_hex(4)))
    raw = subprocess.run(
        ["docker", "buildx", "build", "--progress=quiet", "--build-arg", f"BASE_IMAGE={base}",
         str(tmp_path)],
        capture_output=True, check=False, timeout=600,
    )  # fmt: skip
    single = tmp_path / "record" / "build.json"
    result, report = build(tmp_path, "--build-arg", f"BASE_IMAGE={base}", "--record", str(single))
    assert raw.returncode != 0
    assert result.returncode == raw.returncode
    failure = report["failure"]
    assert failure["step"].startswith("[3/3] RUN echo")
    assert "widget.c:3: error: expected ';'" in failure["log_tail"]
    assert report["summary"]["failed_step"] == failure["step"]
    assert "exit code: 7" in report["error"]
    record = json.loads(single.read_text())
    assert record == history(tmp_path / ".arxdocker" / "history.jsonl")[-1]
    assert record["status"] == "failed"
    assert record["exit_code"] == raw.returncode
    assert record["failing_step"]["name"] == failure["step"]
    assert "widget.c:3: error: expected ';'" in record["failing_step"]["log_tail"]


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_registry_warns_and_the_build_succeeds(site: Path) -> None:
    # A registry that is down, from BuildKit's side: nothing listens on the port. (Stopping the
    # engine's own registry is the manual check in the report; here it would disturb other tests.)
    ref = f"127.0.0.1:{_dead_port()}/arxdocker-tests/docsite:cache"
    result, report = build(site, "--cache", f"registry:{ref}")
    assert result.returncode == 0, result.stderr
    assert report["summary"]["steps_total"] == 9
    assert "warning: cache import failed" in result.stderr
    assert "warning: cache export failed" in result.stderr
    cache = history(site / ".arxdocker" / "history.jsonl")[-1]["cache"]
    assert cache["import_failed"] is True and cache["export_failed"] is True
    assert any("connection refused" in problem for problem in cache["problems"])


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid or int(fields[2]) in found:  # ppid, or pgid of a child
            found.add(int(entry.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _describe(pids: set[int]) -> str:
    """Each pid's command line and state, for a failure message."""
    lines = []
    for pid in sorted(pids):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        lines.append(f"{pid} state={stat[0]} ppid={stat[1]} pgid={stat[2]}: {argv.strip()}")
    return "\n".join(lines)


def _start_long_build(context: Path, base: str) -> subprocess.Popen[bytes]:
    """An `arxdocker build` whose RUN sleeps for a minute, returned once the RUN has started."""
    nonce = secrets.token_hex(4)
    (context / "Dockerfile").write_text(
        f"ARG BASE_IMAGE\nFROM ${{BASE_IMAGE}}\nRUN echo started-{nonce} && sleep 60\n"
    )
    # A shell starts a background job with SIGINT ignored, a child inherits that, and Python
    # then leaves SIGINT ignored, as programs should: under `(make test &)` Ctrl-C would reach
    # nobody and this test would fail. Start the build as a terminal would: with SIGINT handled
    # here, the child begins with the default action, whatever started pytest.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "arxdocker", "build", str(context), "--progress", "plain",
             "--build-arg", f"BASE_IMAGE={base}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
    finally:
        signal.signal(signal.SIGINT, previous)
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    for line in process.stderr:
        if f"started-{nonce}" in line.decode() and "RUN" not in line.decode():
            break
        assert time.monotonic() < deadline, "the RUN step never started"
    return process


@pytest.mark.slow
def test_sigint_ends_the_child_within_2s_and_records_interrupted(tmp_path: Path, base: str) -> None:
    process = _start_long_build(tmp_path, base)
    children = _children(process.pid)
    assert children, "no buildx child found"
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    while _alive(children) and time.monotonic() - sent < 5:
        time.sleep(0.05)
    gone_after = time.monotonic() - sent
    left = _alive(children)
    if left:  # say which processes, and what arxdocker said meanwhile
        process.kill()
        _, stderr = process.communicate(timeout=10)
        raise AssertionError(
            f"still running 5 s after SIGINT:\n{_describe(left)}\n"
            f"arxdocker's exit code: {process.returncode}; the end of its stderr:\n"
            f"{stderr.decode(errors='replace')[-3000:]}"
        )
    assert gone_after < 2.0, f"buildx still ran {gone_after:.2f}s after SIGINT"
    assert process.wait(timeout=10) == 130
    record = history(tmp_path / ".arxdocker" / "history.jsonl")[-1]
    assert record["status"] == "interrupted"
    assert record["exit_code"] == 130


def test_eight_parallel_builds_leave_eight_lines(site: Path, tmp_path: Path) -> None:
    build(site)  # warm, so the eight are quick
    log = tmp_path / "shared-history.jsonl"
    argv = [sys.executable, "-m", "arxdocker", "build", str(site), "--progress", "quiet",
            "--history", str(log)]  # fmt: skip
    processes = [
        subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(8)
    ]
    codes = [process.wait(timeout=300) for process in processes]
    assert codes == [0] * 8
    lines = log.read_text().splitlines()
    assert len(lines) == 8
    records = [json.loads(line) for line in lines]
    assert len({record["id"] for record in records}) == 8
    assert all(record["schema"] == "arxdocker.record/v1" for record in records)


SECRET_DOCKERFILE = """\
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG NPM_TOKEN
RUN echo "installing with token $NPM_TOKEN" && echo "//registry/:_authToken=${NPM_TOKEN}" > /npmrc
RUN echo "publish failed for ${NPM_TOKEN}" >&2 && exit 4
"""


def test_npm_token_value_never_appears(tmp_path: Path, base: str) -> None:
    token = f"npm_{secrets.token_hex(12)}"
    (tmp_path / "Dockerfile").write_text(SECRET_DOCKERFILE)
    raw = subprocess.run(
        ["docker", "buildx", "build", "--progress=plain", "--build-arg", f"BASE_IMAGE={base}",
         "--build-arg", f"NPM_TOKEN={token}", "--no-cache", str(tmp_path)],
        capture_output=True, check=False, timeout=600,
    )  # fmt: skip
    assert token.encode() in raw.stdout + raw.stderr  # buildx alone does show it
    outputs = []
    for mode in ("plain", "rawjson", "quiet"):
        for extra in ((), ("--json",)):
            result = arxdocker(
                "build", str(tmp_path), "--progress", mode, "--build-arg", f"BASE_IMAGE={base}",
                "--build-arg", f"NPM_TOKEN={token}", "--no-cache", "--record",
                str(tmp_path / f"record-{mode}.json"), *extra,
            )  # fmt: skip
            assert result.returncode == 1
            outputs += [result.stdout, result.stderr]
    from_env = arxdocker(
        "build", str(tmp_path), "--progress", "plain", "--build-arg", f"BASE_IMAGE={base}",
        "--build-arg", "NPM_TOKEN", "--json", NPM_TOKEN=token,
    )  # fmt: skip
    outputs += [from_env.stdout, from_env.stderr]
    stored = [path.read_text() for path in tmp_path.rglob("*.json*")]
    assert len(stored) == 4  # three --record files and the history
    for text in outputs + stored:
        assert token not in text
    assert "installing with token ***" in outputs[0] + outputs[1]
    assert "--secret id=npm_token,env=NPM_TOKEN" in outputs[1]
    record = history(tmp_path / ".arxdocker" / "history.jsonl")[-1]
    assert record["build_args"]["NPM_TOKEN"] is None
    assert record["build_args"]["BASE_IMAGE"] == base
    assert any("***" in line for line in record["failing_step"]["log_tail"])


def test_python_on_whales_backend_gives_the_same_report(site: Path) -> None:
    build(site)  # warm the cache first: whatever an earlier test pruned, both builds below are warm
    _, direct = build(site)
    result, whales = build(site, ARXDOCKER_BUILDX_BACKEND="whales")
    assert result.returncode == 0, result.stderr
    assert summary(whales) == summary(direct)


@pytest.mark.slow
def test_sigterm_and_sighup_end_the_build_like_ctrl_c(tmp_path: Path, base: str) -> None:
    for sig in (signal.SIGTERM, signal.SIGHUP):
        process = _start_long_build(tmp_path, base)
        children = _children(process.pid)
        process.send_signal(sig)
        assert process.wait(timeout=10) == 130
        assert not _alive(children)
        record = history(tmp_path / ".arxdocker" / "history.jsonl")[-1]
        assert record["status"] == "interrupted"
        assert record["error"] == f"interrupted ({sig.name})"


def test_a_cache_export_that_failed_under_ignore_error_is_in_the_json(
    site: Path, base: str, tmp_path: Path
) -> None:
    """The registry: shorthand exports with ignore-error=true, so a dead registry does not fail the
    build (buildx only logs it): the report document names it in `cache_problems`."""
    done, document = build(
        site, "--build-arg", f"BASE_IMAGE={base}", "--cache", "registry:127.0.0.1:9/dead",
        "--history", str(tmp_path / "h.jsonl"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    problems = document["cache_problems"]
    assert any(problem.startswith("cache export failed (") for problem in problems), problems
    assert any(problem in done.stderr for problem in problems)
    (record,) = history(tmp_path / "h.jsonl")
    assert record["cache"]["export_failed"] and record["cache"]["problems"] == problems
