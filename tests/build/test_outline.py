"""What a record keeps for `explain`: the Dockerfile outline (ARG/ENV by hash), per-file hashes in
the COPY manifests, and how the cache was bypassed."""

from __future__ import annotations

import json
from pathlib import Path

from arxdocker.build.dockerfile_copies import ContextCopy
from arxdocker.build.dockerignore import DockerIgnore
from arxdocker.build.manifest import manifest
from arxdocker.build.options import BuildOptions
from arxdocker.build.outline import outline, outline_for_record, value_hash
from arxdocker.build.recording import explain_inputs

DOCKERFILE = """\
ARG BASE=base:1
FROM ${BASE} AS deps
ARG NPM_TOKEN
ENV MODE=fast LEVEL=2
COPY --from=other /a /b
RUN make

FROM deps
ENV LEGACY some value
"""


def test_outline_keeps_stages_bases_and_hashes_never_values() -> None:
    entries = outline_for_record(outline(DOCKERFILE), [("NPM_TOKEN", "s3cret"), ("BASE", "b:2")])
    assert "s3cret" not in json.dumps(entries) and "fast" not in json.dumps(entries)
    assert [(e["line"], e["stage"], e["keyword"]) for e in entries] == [
        (1, "", "ARG"),
        (2, "deps", "FROM"),
        (3, "deps", "ARG"),
        (4, "deps", "ENV"),
        (5, "deps", "COPY"),
        (6, "deps", "RUN"),
        (8, "stage-1", "FROM"),
        (9, "stage-1", "ENV"),
    ]
    assert entries[1]["base"] == "${BASE}" and entries[6]["base"] == "deps"
    assert entries[2]["vars"] == {"NPM_TOKEN": value_hash("NPM_TOKEN", "s3cret")}
    assert entries[3]["vars"] == {
        "MODE": value_hash("MODE", "fast"),
        "LEVEL": value_hash("LEVEL", "2"),
    }
    assert entries[4] == {
        "line": 5, "stage": "deps", "keyword": "COPY", "text": "COPY --from=other /a /b",
        "copy_from": "other",
    }  # fmt: skip
    assert entries[7]["vars"] == {"LEGACY": value_hash("LEGACY", "some value")}
    assert value_hash("A", "1") != value_hash("B", "1")  # the name salts the hash


def test_manifest_entries_hash_each_file_and_skip_ignored_ones(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("a")
    (tmp_path / "src" / "b.log").write_text("b")
    (tmp_path / ".dockerignore").write_text("**/*.log\n")
    ignore = DockerIgnore.for_context(tmp_path, tmp_path / "Dockerfile")
    copy = ContextCopy(3, None, "COPY src/ src/", ("src/",))
    first = manifest(tmp_path, copy, ignore)
    assert list(first.to_dict()["entries"]) == ["src/a.py"]
    (tmp_path / "src" / "a.py").write_text("a2")
    second = manifest(tmp_path, copy, ignore)
    assert first.entries != second.entries and first.sha256 != second.sha256


def test_explain_inputs_record_no_cache_and_its_filters() -> None:
    options = BuildOptions(
        context=".", no_cache=True, extra_args=("--no-cache-filter=deps,build", "--pull")
    )
    found = explain_inputs(options, {})
    assert found == {"outline": [], "no_cache": True, "no_cache_filter": ["deps", "build"]}
