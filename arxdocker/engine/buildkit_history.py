"""BuildKit's own record of a build: `docker buildx history inspect --format json REF`.

BuildKit (0.11 and later) keeps a history record of every build it solves. When the build ends,
before it answers buildx, it reads the build's whole progress stream once
(`solver/llbsolver/history.go`, `ImportStatus`) and stores three counts in the record:

- `NumTotalSteps`: the distinct vertex digests the build's progress named, whether they ran or
  not. That is every Dockerfile instruction vertex (FROM included) and also BuildKit's own:
  `[internal] load build definition from Dockerfile`, `[internal] load metadata for IMAGE`,
  `[internal] load .dockerignore`, `[internal] load build context`, `exporting to image`,
  `exporting cache to ...`, `importing cache manifest from ...`.
- `NumCachedSteps`: those of them that at least one update marked `cached`.
- `NumCompletedSteps`: those of them that at least one update marked completed.

Vertices that buildx adds on the client side (`resolving provenance for metadata file`, bake's
`[internal] load local bake definitions`) are in buildx's rawjson stream but not in BuildKit's
progress, so they are not counted. arxdocker's `steps_total` counts only instruction steps
without FROM (see `analysis/stepname.py`), so the difference between the two totals is exactly
the FROM vertices and BuildKit's internal ones.

`buildx history` exists from buildx 0.20, `inspect --format json` from 0.21. buildx writes the
build's ref (`builder/node/id`) to `--metadata-file` as `buildx.build.ref` when it ends; it also
keeps a local-state file per build at `$DOCKER_CONFIG/buildx/refs/BUILDER/NODE/ID` from the
moment the build starts, which lets the question be asked before buildx has exited.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arxdocker.engine import cliproc

TIMEOUT_S = 10
HISTORY_JSON_FROM = (0, 21)  # `buildx history inspect --format json`
UNFINISHED = "running"
PLUGIN_DIRS = (  # where the docker CLI looks for plugins after the user's config folder
    "/usr/local/lib/docker/cli-plugins",
    "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins",
    "/usr/libexec/docker/cli-plugins",
)
MTIME_SLACK_S = 0.02  # file times come from a coarse clock, a few ms behind time.time()


@dataclass(frozen=True, slots=True)
class BuildkitCounts:
    """BuildKit's counts for one build, or why they are missing (`note`)."""

    ref: str  # builder/node/id, as buildx.build.ref spells it
    status: str | None = None  # completed, failed, canceled, running (BuildKit's words)
    num_total_steps: int | None = None
    num_cached_steps: int | None = None
    num_completed_steps: int | None = None
    note: str | None = None

    @property
    def unfinished(self) -> bool:
        """The record exists but BuildKit has not stored its counts yet: ask again later."""
        return self.status == UNFINISHED

    def to_record(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ref": self.ref,
            "status": self.status,
            "num_total_steps": self.num_total_steps,
            "num_cached_steps": self.num_cached_steps,
            "num_completed_steps": self.num_completed_steps,
        }
        if self.note:
            data["note"] = self.note
        return data


def split_ref(ref: str) -> tuple[str | None, str]:
    """(builder, build id) of `builder/node/id`; a bare id has no builder."""
    parts = ref.split("/")
    return (parts[0] or None, parts[-1]) if len(parts) == 3 else (None, parts[-1])


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


def lacks_history(buildx_version: str | None) -> str | None:
    """Why this buildx cannot answer, when its version says so (unknown versions are tried)."""
    found = version_tuple(buildx_version)
    if found is None or found >= HISTORY_JSON_FROM:
        return None
    return f"buildx {buildx_version} has no `history inspect --format json` (buildx 0.21 and later)"


def parse_inspect(ref: str, text: str) -> BuildkitCounts:
    """The counts in `history inspect --format json` output (pure)."""
    try:
        data = json.loads(text)
    except ValueError:
        return BuildkitCounts(ref, note="buildx history inspect printed no JSON")
    if not isinstance(data, dict):
        return BuildkitCounts(ref, note="buildx history inspect printed no JSON object")

    def count(key: str) -> int | None:
        value = data.get(key)
        return value if type(value) is int else None

    status = data.get("Status")
    return BuildkitCounts(
        ref,
        status=status if isinstance(status, str) else None,
        num_total_steps=count("NumTotalSteps"),
        num_cached_steps=count("NumCachedSteps"),
        num_completed_steps=count("NumCompletedSteps"),
    )


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


def inspect(ref: str, docker: str = "docker", timeout_s: float = TIMEOUT_S) -> BuildkitCounts:
    """Ask buildx for BuildKit's record of `ref`; never raises (the reason goes to `note`)."""
    builder, build_id = split_ref(ref)
    argv = [*buildx_command(docker), "history", "inspect", "--format", "json"]
    if builder:
        argv += ["--builder", builder]
    code, out, err = cliproc.run([*argv, build_id], timeout_s)
    if code != 0:
        first = next((line.strip() for line in err.splitlines() if line.strip()), "")
        return BuildkitCounts(ref, note=f"buildx history inspect exited {code}: {first}"[:300])
    return parse_inspect(ref, out)


def config_dir(environ: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    return Path(environ.get("DOCKER_CONFIG") or Path.home() / ".docker")


def local_state_ref(context: str, since: float, config: Path | None = None) -> str | None:
    """The ref of the build of `context` that buildx started at `since` or later, from its
    local state (`buildx/refs/BUILDER/NODE/ID`); None when there is not exactly one."""
    root = (config or config_dir()) / "buildx" / "refs"
    want = os.path.realpath(context)
    found: list[str] = []
    try:
        builders = list(os.scandir(root))
    except OSError:
        return None
    for builder in builders:
        for node in _dirs(builder.path):
            for entry in _files(node.path):
                try:
                    if entry.stat().st_mtime < since - MTIME_SLACK_S:
                        continue
                    state = json.loads(Path(entry.path).read_bytes())
                except (OSError, ValueError):
                    continue
                local = state.get("LocalPath") if isinstance(state, dict) else None
                if isinstance(local, str) and os.path.realpath(local) == want:
                    found.append(f"{builder.name}/{node.name}/{entry.name}")
    return found[0] if len(found) == 1 else None


def _dirs(path: str) -> list[os.DirEntry[str]]:
    try:
        return [entry for entry in os.scandir(path) if entry.is_dir()]
    except OSError:
        return []


def _files(path: str) -> list[os.DirEntry[str]]:
    try:
        return [entry for entry in os.scandir(path) if entry.is_file()]
    except OSError:
        return []
