"""Acceptance 4 and 5 of issue 5 on real engines: `doctor` failures and pass, `cache du` totals,
`cache prune --type` and `--dry-run`, and `cache clean-local` on a real local cache folder.

Prune runs only on a throwaway dockerd this module starts (classic image store), never on the
shared test engine, which may be someone's own.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from arxdocker.build.localcache_clean import referenced
from arxdocker.engine.du_text import parse_du_total, parse_du_verbose
from tests.engine.classic_dockerd import classic_dockerd

pytestmark = [pytest.mark.engine, pytest.mark.slow]


def arx(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arxdocker", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=300,
    )


def docker(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["docker", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cache_mount_project(root: Path, base: str) -> Path:
    """A context whose build leaves regular, source.local and exec.cachemount records."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "app.txt").write_text(f"{uuid.uuid4()}\n", encoding="utf-8")
    (root / "Dockerfile").write_text(
        f"FROM {base}\n"
        "RUN --mount=type=cache,target=/cache,id=arx-test-mount "
        "dd if=/dev/urandom of=/cache/blob bs=1k count=512 2>/dev/null && cat /proc/uptime\n"
        "COPY app.txt /app.txt\n"
        "RUN dd if=/dev/urandom of=/big bs=1k count=256 2>/dev/null && cat /app.txt\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def classic(
    engine_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    if os.geteuid() != 0:
        pytest.skip("a second dockerd needs root")
    with classic_dockerd(tmp_path_factory.mktemp("classic-dockerd")) as env:
        yield env


# --- doctor (acceptance 4) ---


def test_doctor_passes_on_the_provisioned_engine(engine_env: dict[str, str]) -> None:
    registry = engine_env["ARXDOCKER_TEST_REGISTRY"]
    done = arx("doctor", "--cache", f"registry:{registry}/arx-doctor:cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAIL" not in done.stdout
    assert "containerd image store on" in done.stdout
    assert "exports inline, azblob, gha, local, registry, s3" in done.stdout
    assert f"registry {registry}" in done.stdout and "answers: HTTP 200" in done.stdout
    report = json.loads(arx("doctor", "--json", "--cache", f"registry:{registry}/x:c").stdout)
    assert report["exit_code"] == 0
    topics = {check["topic"].split(" (")[0] for check in report["checks"]}
    assert {"docker client", "docker engine", "buildx", "image store", "build cache"} <= topics


def test_doctor_fails_when_docker_host_points_at_nothing(engine_env: dict[str, str]) -> None:
    done = arx("doctor", env={"DOCKER_HOST": "unix:///run/arx-doc-nowhere.sock"})
    assert done.returncode == 1
    assert "FAIL  docker engine" in done.stdout
    assert "no engine answers at DOCKER_HOST=unix:///run/arx-doc-nowhere.sock" in done.stdout
    assert "fix: start the Docker engine" in done.stdout
    assert "Traceback" not in done.stderr


def test_doctor_fails_when_the_registry_is_down(engine_env: dict[str, str], tmp_path: Path) -> None:
    host = f"127.0.0.1:{free_port()}"
    # An export without ignore-error=true stops the build: a failure.
    (tmp_path / "arxdocker.toml").write_text(
        f'cache_to = ["type=registry,ref={host}/app:buildcache,mode=max"]\n'
    )
    done = arx("doctor", str(tmp_path))
    assert done.returncode == 1, done.stdout
    assert f"FAIL  registry {host}" in done.stdout
    assert "Connection refused" in done.stdout
    assert "so the build fails" in " ".join(done.stdout.split())
    assert f"fix: start the registry at {host}" in done.stdout
    # The registry: shorthand exports with ignore-error=true: the build runs uncached, a warning.
    shorthand = arx("doctor", "--cache", f"registry:{host}/app:buildcache")
    assert shorthand.returncode == 0, shorthand.stdout
    assert f"warn  registry {host}" in shorthand.stdout
    assert "so builds run without this cache" in " ".join(shorthand.stdout.split())


def test_doctor_fails_on_a_classic_store_with_registry_cache(
    classic: dict[str, str], engine_env: dict[str, str]
) -> None:
    registry = engine_env["ARXDOCKER_TEST_REGISTRY"]
    done = arx("doctor", "--cache", f"registry:{registry}/app:cache", env=classic)
    assert done.returncode == 1
    assert "warn  image store" in done.stdout
    assert "exports inline\n" in done.stdout or "exports inline " in done.stdout
    assert "FAIL  cache export" in done.stdout
    assert "without the containerd image store, which cannot export type=registry" in done.stdout
    assert '"containerd-snapshotter": true' in done.stdout


# --- cache du / prune (acceptance 5) ---


def test_cache_du_totals_agree_with_buildx_du(engine_env: dict[str, str], tmp_path: Path) -> None:
    project = cache_mount_project(tmp_path / "du", engine_env["ARXDOCKER_BASE_IMAGE"])
    docker("buildx", "build", "--progress=quiet", str(project))
    report = json.loads(arx("cache", "du", "--json").stdout)
    ours = report["total"]["size_bytes"]
    buildx_total = parse_du_total(docker("buildx", "du"))
    assert buildx_total and abs(ours - buildx_total) <= 0.01 * buildx_total
    import docker as sdk

    exact = sum(item["Size"] for item in sdk.from_env().df()["BuildCache"] or [])
    assert abs(ours - exact) <= 0.01 * exact
    types = {row["type"] for row in report["types"]}
    assert {"regular", "source.local", "exec.cachemount"} <= types
    assert any(m["id"].endswith("arx-test-mount") for m in report["cache_mounts"])
    assert sum(row["size_bytes"] for row in report["types"]) == ours


def test_prune_type_cachemount_removes_only_cache_mounts(
    classic: dict[str, str], tmp_path: Path
) -> None:
    project = cache_mount_project(tmp_path / "prune", classic["BASE_IMAGE"])
    docker("buildx", "build", "--progress=quiet", str(project), env=classic)
    before, _ = parse_du_verbose(docker("buildx", "du", "--verbose", env=classic))
    mounts = {r.id for r in before if r.type == "exec.cachemount"}
    others = {r.id for r in before if r.type != "exec.cachemount"}
    assert mounts and others

    dry = arx("cache", "prune", "--type", "exec.cachemount", "--dry-run", env=classic)
    assert dry.returncode == 0, dry.stderr
    assert f"would remove {len(mounts)} records" in dry.stdout
    unchanged, _ = parse_du_verbose(docker("buildx", "du", "--verbose", env=classic))
    assert {r.id for r in unchanged} == mounts | others

    done = arx("cache", "prune", "--type", "exec.cachemount", env=classic)
    assert done.returncode == 0, done.stderr
    freed = sum(r.size for r in before if r.id in mounts)
    assert f"removed {len(mounts)} records" in done.stdout
    after, _ = parse_du_verbose(docker("buildx", "du", "--verbose", env=classic))
    assert not [r for r in after if r.type == "exec.cachemount"]
    assert {r.id for r in after} == others
    assert freed > 500_000  # the 512 kB blob in the mount


def test_dry_run_predicts_a_default_prune(classic: dict[str, str], tmp_path: Path) -> None:
    project = cache_mount_project(tmp_path / "default", classic["BASE_IMAGE"])
    docker("buildx", "build", "--progress=quiet", str(project), env=classic)
    dry = arx("cache", "prune", "--dry-run", env=classic)
    before, _ = parse_du_verbose(docker("buildx", "du", "--verbose", env=classic))
    assert arx("cache", "prune", env=classic).returncode == 0
    after, _ = parse_du_verbose(docker("buildx", "du", "--verbose", env=classic))
    removed = {r.id[:12] for r in before} - {r.id[:12] for r in after}
    predicted = {line.split()[0] for line in dry.stdout.splitlines()[1:-1]}
    assert removed and predicted == removed


# --- clean-local ---


def test_clean_local_keeps_only_what_index_json_references(
    engine_env: dict[str, str], tmp_path: Path
) -> None:
    project = cache_mount_project(tmp_path / "local", engine_env["ARXDOCKER_BASE_IMAGE"])
    cache = tmp_path / "cache"
    spec = f"type=local,dest={cache},mode=max"
    docker("buildx", "build", "--progress=quiet", "--cache-to", spec, str(project))
    first = {p.name for p in (cache / "blobs" / "sha256").iterdir()}
    (project / "app.txt").write_text(f"{uuid.uuid4()}\n", encoding="utf-8")
    docker("buildx", "build", "--progress=quiet", "--cache-to", spec, str(project))
    index = (cache / "index.json").read_bytes()
    live = {p.name for p in referenced(cache)}
    present = {p.name for p in (cache / "blobs" / "sha256").iterdir()}
    stale = present - live
    assert stale and stale <= first  # the first export's layers the second no longer uses

    dry = arx("cache", "clean-local", str(cache), "--dry-run")
    assert f"would remove {len(stale)} unreferenced blobs" in dry.stdout
    assert {p.name for p in (cache / "blobs" / "sha256").iterdir()} == present
    done = arx("cache", "clean-local", str(cache))
    assert done.returncode == 0, done.stderr
    assert f"removed {len(stale)} unreferenced blobs" in done.stdout
    assert {p.name for p in (cache / "blobs" / "sha256").iterdir()} == live
    assert (cache / "index.json").read_bytes() == index
