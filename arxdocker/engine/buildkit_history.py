"""BuildKit's own record of a build, read with `docker buildx history ls --format json`.

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

`arxdocker build` keeps the build's ref (`builder/node/id`, buildx's `buildx.build.ref`) in the
record and asks nothing while it runs; `arxdocker history --buildkit` reads the counts of every
listed build with one `history ls` per builder (`history inspect` would take one child per build).
`buildx history` exists from buildx 0.20, its JSON output from 0.21.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from arxdocker.engine import cliproc
from arxdocker.engine.dockercli import buildx_command, version_tuple

TIMEOUT_S = 10
HISTORY_JSON_FROM = (0, 21)  # `buildx history ls --format json`


@dataclass(frozen=True, slots=True)
class BuildkitCounts:
    """BuildKit's counts for one build, or why they are missing (`note`)."""

    ref: str  # builder/node/id, as buildx.build.ref spells it
    status: str | None = None  # completed, failed, canceled, running (BuildKit's words)
    num_total_steps: int | None = None
    num_cached_steps: int | None = None
    num_completed_steps: int | None = None
    note: str | None = None

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


def lacks_history(buildx_version: str | None) -> str | None:
    """Why this buildx cannot answer, when its version says so (unknown versions are tried)."""
    found = version_tuple(buildx_version)
    if found is None or found >= HISTORY_JSON_FROM:
        return None
    return f"buildx {buildx_version} has no `history ls --format json` (buildx 0.21 and later)"


def parse_ls(text: str) -> dict[str, BuildkitCounts]:
    """The counts of every record `history ls --format json` lists (one JSON object a line), by
    ref (pure). Its status words are capitalised (`Completed`): they are kept in lower case."""
    found: dict[str, BuildkitCounts] = {}
    for line in text.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if not isinstance(item, dict) or not isinstance(item.get("ref"), str):
            continue

        def count(key: str, item: dict[str, Any] = item) -> int | None:
            value = item.get(key)
            return value if type(value) is int else None

        status = item.get("status")
        found[item["ref"]] = BuildkitCounts(
            item["ref"],
            status=status.lower() if isinstance(status, str) else None,
            num_total_steps=count("total_steps"),
            num_cached_steps=count("cached_steps"),
            num_completed_steps=count("completed_steps"),
        )
    return found


def list_counts(
    builder: str | None, docker: str = "docker", timeout_s: float = TIMEOUT_S
) -> tuple[dict[str, BuildkitCounts], str | None]:
    """BuildKit's counts of every build the builder still keeps, by ref, with one
    `buildx history ls --format json`; or why they cannot be had."""
    argv = [*buildx_command(docker), "history", "ls", "--format", "json", "--no-trunc"]
    if builder:
        argv += ["--builder", builder]
    code, out, err = cliproc.run(argv, timeout_s)
    if code != 0:
        first = next((line.strip() for line in err.splitlines() if line.strip()), "")
        return {}, f"buildx history ls exited {code}: {first}"[:300]
    return parse_ls(out), None
