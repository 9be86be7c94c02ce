"""BuildKit's own counts beside ours (issue 13, point 7), against the real engine.

`arxdocker build` keeps BuildKit's ref of the build in the record's `buildkit` part, and
`arxdocker history --buildkit` reads BuildKit's `NumTotalSteps`/`NumCachedSteps` of it (`docker
buildx history ls`). Here a real example is built cold, warm and after a source edit, and the
counts are checked against the engine's own data: the build record's progress as BuildKit stored
it (`docker buildx history logs --progress rawjson`), which is the stream BuildKit counted
(`engine/buildkit_history.py` says how).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from arxdocker.engine.buildkit_history import lacks_history, split_ref
from tests.commands import _cli

pytestmark = pytest.mark.engine

REPO = Path(__file__).resolve().parents[2]
WEBAPP = REPO / "dockerfiles" / "webapp"


@dataclass
class EngineVertex:
    name: str
    cached: bool = False
    completed: bool = False


def docker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=600, check=False
    )


def buildx_version() -> str | None:
    words = docker("buildx", "version").stdout.split()
    return words[1] if len(words) > 1 else None


def engine_vertices(ref: str) -> dict[str, EngineVertex]:
    """Every vertex of the build's stored progress, by digest, as BuildKit's ImportStatus folds
    them: cached or completed when any update says so."""
    builder, build_id = split_ref(ref)
    done = docker(
        "buildx", "history", "logs", "--progress", "rawjson", "--builder", builder or "", build_id
    )
    assert done.returncode == 0, done.stderr
    vertices: dict[str, EngineVertex] = {}
    decoder = json.JSONDecoder()
    text = done.stdout + done.stderr  # buildx prints the progress on stderr
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        status, position = decoder.raw_decode(text, position)
        for vertex in status.get("vertexes") or ():
            seen = vertices.setdefault(vertex["digest"], EngineVertex(vertex.get("name", "")))
            seen.name = vertex.get("name") or seen.name
            seen.cached |= bool(vertex.get("cached"))
            seen.completed |= bool(vertex.get("completed"))
    return vertices


def build(context: Path, base: str, tmp_path: Path, label: str) -> dict[str, Any]:
    record_file = tmp_path / f"{label}.record.json"
    result = _cli.arxdocker(
        "build", str(context), "--json", "--progress", "quiet",
        "--build-arg", f"BASE_IMAGE={base}", "-t", f"arxdocker-bk-counts:{label}",
        "--history", str(tmp_path / "history.jsonl"), "--record", str(record_file),
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(record_file.read_text())


def buildkit_of(record: dict[str, Any], history: Path) -> dict[str, Any]:
    """BuildKit's counts of the record's build, as `arxdocker history --buildkit` reads them."""
    done = _cli.arxdocker(
        "history", "--buildkit", "--json", "--limit", "1", "--history", str(history), timeout=120
    )
    assert done.returncode == 0, done.stderr
    (newest,) = json.loads(done.stdout)["builds"]
    assert newest["id"] == record["id"]
    return newest["buildkit"]


def is_internal(name: str) -> bool:
    """BuildKit's own vertices: the frontend's loads and the exporters."""
    return name.startswith("[internal] ") or name.startswith("exporting ")


@pytest.mark.slow
def test_buildkit_counts_equal_ours_plus_the_internal_vertices_named(
    engine_env: dict[str, str], tmp_path: Path
) -> None:
    if lacks_history(buildx_version()):
        pytest.skip(f"buildx {buildx_version()} has no `history inspect --format json`")
    context = tmp_path / "webapp"
    shutil.copytree(WEBAPP, context)
    base = engine_env["ARXDOCKER_BASE_IMAGE"]
    assert docker("buildx", "prune", "-af").returncode == 0

    seen: dict[str, list[str]] = {}
    for label in ("cold", "warm", "edit"):
        if label == "edit":
            index = context / "src" / "index.html"
            index.write_text(index.read_text() + "<!-- edited -->\n")
        record = build(context, base, tmp_path, label)
        assert set(record["buildkit"]) >= {"ref"} and record["buildkit"].get("note") is None
        counts = buildkit_of(record, tmp_path / "history.jsonl")
        assert counts["ref"] == record["buildkit"]["ref"]
        assert counts["status"] == "completed", counts
        vertices = engine_vertices(counts["ref"])
        summary = record["summary"]

        # BuildKit's counts are the distinct vertices of the stream it stored.
        assert counts["num_total_steps"] == len(vertices)
        assert counts["num_cached_steps"] == sum(v.cached for v in vertices.values())
        assert counts["num_completed_steps"] == sum(v.completed for v in vertices.values())

        ours = {step["digest"] for step in record["steps"] if step["cacheable"]}
        assert len(ours) == summary["steps_total"]
        assert ours <= set(vertices)
        others = sorted(v.name for digest, v in vertices.items() if digest not in ours)
        cached_others = sorted(v.name for d, v in vertices.items() if d not in ours and v.cached)

        # (a) our cached count is BuildKit's (BuildKit also counts a FROM or internal vertex that
        # a cache hit marked: none do in these builds, and any would be named here).
        assert cached_others == [], (label, cached_others)
        assert summary["steps_cached"] == counts["num_cached_steps"], (label, counts, summary)

        # (b) the totals differ by exactly the vertices that are not our steps, named here.
        assert counts["num_total_steps"] - summary["steps_total"] == len(others)
        bases = {step["name"] for step in record["steps"] if not step["cacheable"]}
        assert bases and all(step.startswith("[") and " FROM " in step for step in bases)
        assert {name for name in others if not is_internal(name)} == bases, others
        internal = sorted(name for name in others if is_internal(name))
        for expected in (
            "[internal] load build definition from Dockerfile",
            "[internal] load .dockerignore",
            "[internal] load build context",
            "exporting to image",
        ):
            assert expected in internal, (label, internal)
        assert any(name.startswith("[internal] load metadata for ") for name in internal)
        seen[label] = others
        print(label, summary["steps_total"], summary["steps_cached"], counts, others)

    # A build with no cache change runs the same graph: the same vertices besides ours.
    assert seen["cold"] == seen["warm"] == seen["edit"]
