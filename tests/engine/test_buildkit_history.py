"""BuildKit's history record through buildx, without an engine: parsing, the ref, the versions."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from arxdocker.engine import buildkit_history as bh

INSPECT = {
    "Name": "webapp",
    "Ref": "x1ov8t6ir7sqp2jrb2hg4djpm",
    "Status": "completed",
    "NumCompletedSteps": 14,
    "NumTotalSteps": 14,
    "NumCachedSteps": 5,
}
REF = "default/default/x1ov8t6ir7sqp2jrb2hg4djpm"


def test_the_counts_of_a_finished_record() -> None:
    counts = bh.parse_inspect(REF, json.dumps(INSPECT))
    assert counts == bh.BuildkitCounts(REF, "completed", 14, 5, 14)
    assert not counts.unfinished
    assert counts.to_record() == {
        "ref": REF,
        "status": "completed",
        "num_total_steps": 14,
        "num_cached_steps": 5,
        "num_completed_steps": 14,
    }


def test_a_running_record_is_unfinished_and_bad_output_is_a_note() -> None:
    running = {**INSPECT, "Status": "running", "NumTotalSteps": 0, "NumCachedSteps": 0}
    assert bh.parse_inspect(REF, json.dumps(running)).unfinished
    assert bh.parse_inspect(REF, "Usage: docker buildx").note == (
        "buildx history inspect printed no JSON"
    )
    odd = bh.parse_inspect(REF, json.dumps({"Status": 3, "NumTotalSteps": "14"}))
    assert (odd.status, odd.num_total_steps) == (None, None)
    assert "note" in bh.BuildkitCounts(REF, note="why").to_record()


def test_refs_and_versions() -> None:
    assert bh.split_ref(REF) == ("default", "x1ov8t6ir7sqp2jrb2hg4djpm")
    assert bh.split_ref("abc") == (None, "abc")
    assert bh.version_tuple("0.29.1+ds1") == (0, 29, 1)
    assert bh.version_tuple("v0.13.1") == (0, 13, 1)
    assert bh.version_tuple("0.21.0-rc1") == (0, 21, 0)
    assert bh.version_tuple("unknown") is None
    assert bh.lacks_history("0.29.1+ds1") is None
    assert bh.lacks_history(None) is None  # unknown: asked, a failure is a note
    assert bh.lacks_history("0.13.1") == (
        "buildx 0.13.1 has no `history inspect --format json` (buildx 0.21 and later)"
    )


def _plugin(config: Path, script: str) -> Path:
    folder = config / "cli-plugins"
    folder.mkdir(parents=True)
    plugin = folder / "docker-buildx"
    plugin.write_text("#!/bin/sh\n" + script)
    plugin.chmod(0o755)
    return plugin


def test_inspect_runs_the_plugin_directly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    log = tmp_path / "argv"
    _plugin(config, f'echo "$@" > {log}\ncat <<"EOF"\n{json.dumps(INSPECT)}\nEOF\n')
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    assert bh.inspect(REF).num_cached_steps == 5
    assert log.read_text().split() == [
        "history", "inspect", "--format", "json", "--builder", "default",
        "x1ov8t6ir7sqp2jrb2hg4djpm",
    ]  # fmt: skip


def test_a_buildx_without_history_gives_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    _plugin(config, 'echo \'ERROR: unknown command "history" for "buildx"\' >&2\nexit 1\n')
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    counts = bh.inspect(REF)
    assert counts.num_total_steps is None
    assert counts.note == (
        'buildx history inspect exited 1: ERROR: unknown command "history" for "buildx"'
    )


def test_without_a_plugin_binary_docker_buildx_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "empty"))
    monkeypatch.setattr(bh, "PLUGIN_DIRS", ())
    assert bh.buildx_command("/opt/docker") == ["/opt/docker", "buildx"]
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "docker-buildx").write_text("")
    (extra / "docker-buildx").chmod(0o755)
    (tmp_path / "empty").mkdir()
    config = {"cliPluginsExtraDirs": [str(extra)]}
    (tmp_path / "empty" / "config.json").write_text(json.dumps(config))
    assert bh.buildx_command() == [str(extra / "docker-buildx")]


def _state(config: Path, ref: str, context: Path, age_s: float = 0.0) -> None:
    path = config / "buildx" / "refs" / ref
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"Target": "default", "LocalPath": str(context), "DockerfilePath": ""}
    path.write_text(json.dumps(state))
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))


def test_the_ref_of_the_build_just_started_from_buildx_local_state(tmp_path: Path) -> None:
    config, context, other = tmp_path / "config", tmp_path / "app", tmp_path / "other"
    started = time.time()
    assert bh.local_state_ref(str(context), started, config) is None  # no buildx state yet
    _state(config, "default/default/old", context, age_s=5)  # an earlier build of it
    _state(config, "default/default/theirs", other)  # another context, at the same time
    assert bh.local_state_ref(str(context), started, config) is None
    _state(config, "default/default/ours", context)
    assert bh.local_state_ref(str(context), started, config) == "default/default/ours"
    _state(config, "ci/node0/twin", context)  # two builds of the context at once: ambiguous
    assert bh.local_state_ref(str(context), started, config) is None
