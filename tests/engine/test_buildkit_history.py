"""BuildKit's history record through buildx, without an engine: parsing, the ref, the versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxdocker.engine import buildkit_history as bh
from arxdocker.engine import dockercli

LS = "\n".join(
    json.dumps(item)
    for item in (
        {
            "cached_steps": 5, "completed_at": "2026-12-07T23:09:18.90239884Z",
            "completed_steps": 14, "created_at": "2026-12-07T23:09:18.841357628Z",
            "name": "dockerfiles/webapp", "ref": "default/default/x1ov8t6ir7sqp2jrb2hg4djpm",
            "status": "Completed", "total_steps": 14,
        },
        {"ref": "default/default/running", "status": "Running", "total_steps": "?"},
    )
)  # fmt: skip
REF = "default/default/x1ov8t6ir7sqp2jrb2hg4djpm"


def test_the_counts_of_every_listed_record() -> None:
    """`buildx history ls --format json` as buildx 0.29.1 prints it, one object a line."""
    counts = bh.parse_ls(LS + "\nnot json\n[1]\n")
    assert counts[REF] == bh.BuildkitCounts(REF, "completed", 14, 5, 14)
    assert counts[REF].to_record() == {
        "ref": REF,
        "status": "completed",
        "num_total_steps": 14,
        "num_cached_steps": 5,
        "num_completed_steps": 14,
    }
    running = counts["default/default/running"]
    assert (running.status, running.num_total_steps) == ("running", None)
    assert set(counts) == {REF, "default/default/running"}
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
        "buildx 0.13.1 has no `history ls --format json` (buildx 0.21 and later)"
    )


def _plugin(config: Path, script: str) -> Path:
    folder = config / "cli-plugins"
    folder.mkdir(parents=True)
    plugin = folder / "docker-buildx"
    plugin.write_text("#!/bin/sh\n" + script)
    plugin.chmod(0o755)
    return plugin


def test_one_ls_per_builder_runs_the_plugin_directly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    log = tmp_path / "argv"
    _plugin(config, f'echo "$@" > {log}\ncat <<"EOF"\n{LS}\nEOF\n')
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    counts, problem = bh.list_counts("default")
    assert problem is None and counts[REF].num_cached_steps == 5
    assert log.read_text().split() == [
        "history", "ls", "--format", "json", "--no-trunc", "--builder", "default",
    ]  # fmt: skip


def test_a_buildx_without_history_gives_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    _plugin(config, 'echo \'ERROR: unknown command "history" for "buildx"\' >&2\nexit 1\n')
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    counts, problem = bh.list_counts(None)
    assert counts == {}
    assert problem == 'buildx history ls exited 1: ERROR: unknown command "history" for "buildx"'


def test_without_a_plugin_binary_docker_buildx_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "empty"))
    monkeypatch.setattr(dockercli, "PLUGIN_DIRS", ())
    assert bh.buildx_command("/opt/docker") == ["/opt/docker", "buildx"]
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "docker-buildx").write_text("")
    (extra / "docker-buildx").chmod(0o755)
    (tmp_path / "empty").mkdir()
    config = {"cliPluginsExtraDirs": [str(extra)]}
    (tmp_path / "empty" / "config.json").write_text(json.dumps(config))
    assert bh.buildx_command() == [str(extra / "docker-buildx")]
