"""A throwaway dockerd WITHOUT the containerd image store, for tests that need one.

Started from the same binaries as scripts/engine.sh (ARXDOCKER_ENGINE_PREFIX), with its own data
root, exec root, unix socket under /run/arx-doc-classic/ and its own bridge; stopped by its pid.
It gets a busybox base image imported the way engine.sh makes one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PREFIX = Path(
    os.environ.get(
        "ARXDOCKER_ENGINE_PREFIX",
        REPO / ".engine" / f"prefix-{os.environ.get('ARXDOCKER_ENGINE', 'today')}",
    )
)
RUN_DIR = Path("/run/arx-doc-classic")
BRIDGE, CIDR = "arxcls", "172.31.95.1/24"
BASE_IMAGE = "arxdocker/busybox:classic"


def _bridge() -> bool:
    """Create the bridge unless it exists; True when this call created it."""
    if (
        subprocess.run(["ip", "link", "show", BRIDGE], capture_output=True, check=False).returncode
        == 0
    ):
        return False
    for argv in (
        ["ip", "link", "add", BRIDGE, "type", "bridge"],
        ["ip", "addr", "add", CIDR, "dev", BRIDGE],
        ["ip", "link", "set", BRIDGE, "up"],
    ):
        subprocess.run(argv, check=True, capture_output=True)
    return True


def _import_busybox(env: dict[str, str], root: Path) -> None:
    (root / "bin").mkdir(parents=True)
    shutil.copy("/bin/busybox", root / "bin" / "busybox")
    applets = subprocess.run(
        [str(root / "bin" / "busybox"), "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    for applet in applets:
        if applet != "busybox":
            (root / "bin" / applet).symlink_to("busybox")
    tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
    subprocess.run(
        ["docker", "import", "-c", "ENV PATH=/bin", "-", BASE_IMAGE],
        stdin=tar.stdout,
        env=env,
        check=True,
        capture_output=True,
    )
    tar.wait()


@contextlib.contextmanager
def classic_dockerd(workdir: Path) -> Iterator[dict[str, str]]:
    """Yield the environment (DOCKER_HOST, PATH) of a running classic-store dockerd."""
    dockerd = PREFIX / "usr" / "sbin" / "dockerd"
    if not dockerd.is_file():
        raise RuntimeError(f"{dockerd} is missing: run scripts/engine.sh up first")
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    socket, pidfile = RUN_DIR / "docker.sock", RUN_DIR / "dockerd.pid"
    config = workdir / "daemon.json"
    config.write_text(json.dumps({}), encoding="utf-8")
    path = f"{PREFIX}/usr/bin:{PREFIX}/usr/sbin:{os.environ.get('PATH', '/usr/bin:/bin')}"
    env = {**os.environ, "PATH": path, "DOCKER_HOST": f"unix://{socket}"}
    made_bridge = _bridge()
    log = (workdir / "dockerd.log").open("wb")
    process = subprocess.Popen(
        [
            str(dockerd),
            "--config-file", str(config),
            "--data-root", str(workdir / "data"),
            "--exec-root", str(RUN_DIR / "exec"),
            "-H", f"unix://{socket}",
            "--pidfile", str(pidfile),
            "--bridge", BRIDGE,
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(120):
            if (
                subprocess.run(
                    ["docker", "info"], env=env, capture_output=True, check=False
                ).returncode
                == 0
            ):
                break
            if process.poll() is not None:
                break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"classic dockerd did not answer; see {workdir / 'dockerd.log'}")
        if process.poll() is not None:
            raise RuntimeError(f"classic dockerd exited; see {workdir / 'dockerd.log'}")
        _import_busybox(env, workdir / "busybox-root")
        yield {"DOCKER_HOST": env["DOCKER_HOST"], "PATH": path, "BASE_IMAGE": BASE_IMAGE}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(RUN_DIR, ignore_errors=True)  # its exec root: leave nothing under /run
        if made_bridge:
            subprocess.run(["ip", "link", "delete", BRIDGE], capture_output=True, check=False)
