"""The build's inputs for the record, and the warning about a history inside the context."""

from __future__ import annotations

from pathlib import Path

from arxdocker.build.inputs import gather_inputs


def _context(root: Path, dockerfile: str, ignore: str = "") -> None:
    (root / "Dockerfile").write_text(dockerfile)
    (root / "app.py").write_text("print(1)\n")
    if ignore:
        (root / ".dockerignore").write_text(ignore)


def test_inputs_hash_the_dockerfile_and_each_copy(tmp_path: Path) -> None:
    _context(tmp_path, "FROM base AS a\nCOPY app.py /app/\nFROM base\nCOPY --from=a /app /app\n")
    inputs = gather_inputs(tmp_path, tmp_path / "Dockerfile", None)
    assert inputs["dockerfile_sha256"].startswith("sha256:")
    assert inputs["features"] == ["multi-stage"]
    (manifest,) = inputs["copy_manifests"]
    assert (manifest["instruction"], manifest["files"]) == ("COPY app.py /app/", 1)
    assert inputs["context_files"] == 2
    assert inputs["warnings"] == []


def test_history_sent_by_a_broad_copy_is_warned_about(tmp_path: Path) -> None:
    _context(tmp_path, "FROM base\nCOPY . .\n")
    history = tmp_path / ".arxdocker" / "history.jsonl"
    (warning,) = gather_inputs(tmp_path, tmp_path / "Dockerfile", history)["warnings"]
    assert "add `.arxdocker` to .dockerignore" in warning
    assert "`COPY .`" in warning


def test_no_warning_when_ignored_or_not_copied(tmp_path: Path) -> None:
    history = tmp_path / ".arxdocker" / "history.jsonl"
    _context(tmp_path, "FROM base\nCOPY . .\n", ignore=".arxdocker\n")
    assert gather_inputs(tmp_path, tmp_path / "Dockerfile", history)["warnings"] == []
    _context(tmp_path, "FROM base\nCOPY app.py .\n", ignore="")
    (tmp_path / ".dockerignore").unlink()
    assert gather_inputs(tmp_path, tmp_path / "Dockerfile", history)["warnings"] == []
