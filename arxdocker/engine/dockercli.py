"""What the docker CLI's own setup says: its config folder, where it finds plugins, how to run
buildx, and version numbers as buildx prints them. No process is started here."""

from __future__ import annotations

import json
import os
from pathlib import Path

PLUGIN_DIRS = (  # where the docker CLI looks for plugins after the user's config folder
    "/usr/local/lib/docker/cli-plugins",
    "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins",
    "/usr/libexec/docker/cli-plugins",
)


def config_dir(environ: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    return Path(environ.get("DOCKER_CONFIG") or Path.home() / ".docker")


def version_tuple(version: str | None) -> tuple[int, ...] | None:
    """(0, 29, 1) from `0.29.1+ds1`, `v0.13.1`; None when it does not start with a number."""
    if not version:
        return None
    numbers: list[int] = []
    for part in version.lstrip("v").split("."):
        digits = ""
        for char in part:
            if not char.isdigit():
                break
            digits += char
        if not digits:
            break
        numbers.append(int(digits))
        if len(digits) < len(part):
            break
    return tuple(numbers) or None


def buildx_command(docker: str = "docker") -> list[str]:
    """How to run buildx: its plugin binary directly where the docker CLI would find it (one Go
    process, ~60 ms here, against ~150 ms for `docker buildx`, which also starts the docker CLI
    and asks the plugin for its metadata), else `docker buildx`."""
    config = config_dir()
    folders = [*_extra_plugin_dirs(config), config / "cli-plugins", *map(Path, PLUGIN_DIRS)]
    for folder in folders:
        binary = folder / "docker-buildx"
        if os.access(binary, os.X_OK):
            return [str(binary)]
    return [docker, "buildx"]


def _extra_plugin_dirs(config: Path) -> list[Path]:
    try:
        data = json.loads((config / "config.json").read_bytes())
    except (OSError, ValueError):
        return []
    extra = data.get("cliPluginsExtraDirs") if isinstance(data, dict) else None
    if not isinstance(extra, list):
        return []
    return [Path(item) for item in extra if isinstance(item, str)]
