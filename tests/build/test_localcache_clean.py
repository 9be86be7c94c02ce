"""Shrinking an OCI-layout local cache to the blobs index.json reaches."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from arxdocker.build.localcache_clean import apply, plan_clean, referenced
from arxdocker.errors import ArxError

INDEX = "application/vnd.oci.image.index.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
CONFIG = "application/vnd.buildkit.cacheconfig.v0"


def blob(root: Path, data: bytes) -> dict:
    digest = hashlib.sha256(data).hexdigest()
    (root / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
    (root / "blobs" / "sha256" / digest).write_bytes(data)
    return {"digest": f"sha256:{digest}", "size": len(data)}


def layout(root: Path) -> tuple[set[str], set[str]]:
    """A cache written twice: the second index.json no longer reaches the first's blobs."""
    old_layer = blob(root, b"old layer" * 100) | {"mediaType": LAYER}
    old_config = blob(root, b'{"layers": []}') | {"mediaType": CONFIG}
    blob(root, json.dumps({"manifests": [old_layer], "config": old_config}).encode())
    layer = blob(root, b"new layer" * 10) | {"mediaType": LAYER}
    config = blob(root, b'{"records": []}') | {"mediaType": CONFIG}
    manifest = blob(root, json.dumps({"manifests": [layer], "config": config}).encode())
    (root / "index.json").write_text(json.dumps({"manifests": [manifest | {"mediaType": INDEX}]}))
    live = {d["digest"].split(":")[1] for d in (layer, config, manifest)}
    all_blobs = {p.name for p in (root / "blobs" / "sha256").iterdir()}
    return live, all_blobs - live


def test_only_unreferenced_blobs_go(tmp_path: Path) -> None:
    live, dead = layout(tmp_path)
    assert {p.name for p in referenced(tmp_path)} == live
    plan = plan_clean(str(tmp_path))
    assert {p.name for p in plan.unreferenced} == dead
    sha = tmp_path / "blobs" / "sha256"
    assert plan.unreferenced_bytes == sum((sha / name).stat().st_size for name in dead)
    assert plan.kept_bytes == sum((sha / name).stat().st_size for name in live)
    apply(plan)
    assert {p.name for p in (tmp_path / "blobs" / "sha256").iterdir()} == live
    assert plan_clean(str(tmp_path)).unreferenced == ()


def test_not_a_cache_folder(tmp_path: Path) -> None:
    with pytest.raises(ArxError, match=r"not a local cache folder: no index\.json"):
        plan_clean(str(tmp_path))
    with pytest.raises(ArxError, match="no such folder"):
        plan_clean(str(tmp_path / "missing"))


def test_a_digest_cannot_leave_the_folder(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_text(json.dumps({"manifests": [{"digest": "sha256:../x"}]}))
    with pytest.raises(ArxError, match="bad digest"):
        referenced(tmp_path)
