"""Facts only the docker CLI knows: its version, buildx's version, and the builder's driver.

Each costs a Go process (10-50 ms), together more than a cached build's overhead budget, yet they
change only when a binary or the builder configuration changes. So they are cached in
`$XDG_CACHE_HOME/arxdocker/cli-facts.json`, keyed by the identity (path, size, mtime) of the docker
binary and the buildx plugin, the docker environment variables and the buildx state files. The
engine's own version and image store are asked from the Engine API on every build.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from arxdocker.engine.dockercli import PLUGIN_DIRS, config_dir

TIMEOUT_S = 20
MAX_ENTRIES = 16
_ENV = ("DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_CONTEXT", "BUILDX_BUILDER")


def _run(argv: list[str]) -> str | None:
    try:
        done = subprocess.run(
            argv, capture_output=True, timeout=TIMEOUT_S, check=False, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _stat(path: Path) -> list[Any] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [str(path), info.st_size, info.st_mtime_ns]


def cache_key(builder: str | None, docker: str, environ: dict[str, str]) -> str:
    config = config_dir(environ)
    binary = shutil.which(docker, path=environ.get("PATH"))
    plugins = [config / "cli-plugins" / "docker-buildx"] + [
        Path(folder) / "docker-buildx" for folder in PLUGIN_DIRS
    ]
    # buildx rewrites `current` on every build (same content), so its content is the key.
    state = [config / "buildx" / "instances"]
    if builder:
        state.append(config / "buildx" / "instances" / builder)
    current = ""
    with contextlib.suppress(OSError):
        current = (config / "buildx" / "current").read_text(encoding="utf-8")
    parts = {
        "builder": builder,
        "env": {name: environ.get(name) for name in _ENV},
        "docker": _stat(Path(binary)) if binary else None,
        "plugins": [_stat(path) for path in plugins],
        "state": [_stat(path) for path in state],
        "current": current,
    }
    return json.dumps(parts, sort_keys=True)


def _cache_file(environ: dict[str, str]) -> Path:
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "arxdocker" / "cli-facts.json"


def ask(builder: str | None, docker: str = "docker") -> dict[str, Any]:
    """Run the CLI for the facts (no cache)."""
    facts: dict[str, Any] = {"docker_client": None, "buildx": None}
    client = _run([docker, "version", "--format", "{{.Client.Version}}"])
    if client:
        facts["docker_client"] = client.strip()
    buildx = _run([docker, "buildx", "version"])
    if buildx:
        words = buildx.split()
        facts["buildx"] = words[1] if len(words) > 1 else buildx.strip()
    out = _run([docker, "buildx", "inspect", *([builder] if builder else [])])
    if out is None:
        return facts
    fields: dict[str, str] = {}
    for line in out.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() not in fields:
            fields[key.strip()] = value.strip()
    facts.update(
        builder=fields.get("Name", builder or "default"),
        driver=fields.get("Driver"),
        buildkit=fields.get("BuildKit version") or fields.get("Buildkit"),
    )
    return facts


def facts(builder: str | None, docker: str = "docker") -> dict[str, Any]:
    """The CLI facts, from the cache when no binary or builder setting changed since."""
    environ = dict(os.environ)
    key = cache_key(builder, docker, environ)
    path = _cache_file(environ)
    cached: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        cached = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(cached, dict):
            cached = {}
    if key in cached and isinstance(cached[key], dict):
        return cached[key]
    found = ask(builder, docker)
    if found.get("driver"):  # only a complete answer is worth keeping
        cached = dict(list(cached.items())[-(MAX_ENTRIES - 1) :])
        cached[key] = found
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.name}.{os.getpid()}")
            temp.write_text(json.dumps(cached), encoding="utf-8")
            temp.replace(path)
    return found
