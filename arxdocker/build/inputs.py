"""The build's inputs as the record keeps them: the Dockerfile's hash and features, a content
manifest per COPY/ADD, and the context's size, all honouring `.dockerignore`. Runs in a thread
while buildx builds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from arxdocker.build.digest_cache import DigestCache
from arxdocker.build.dockerfile_copies import context_copies, features
from arxdocker.build.dockerignore import DockerIgnore
from arxdocker.build.manifest import context_size, manifest
from arxdocker.build.outline import outline


def gather_inputs(context: Path, dockerfile: Path, history: Path | None) -> dict[str, Any]:
    """Dockerfile hash, features, per-COPY manifests and the context size (run in background)."""
    result: dict[str, Any] = {}
    try:
        raw = dockerfile.read_bytes()
    except OSError:
        return result
    text = raw.decode("utf-8", "replace")
    result["dockerfile_sha256"] = "sha256:" + hashlib.sha256(raw).hexdigest()
    result["features"] = features(text)
    ignore = DockerIgnore.for_context(context, dockerfile)
    copies = context_copies(text)
    result["outline"] = outline(text)  # hashed with the build args in the record
    cache = DigestCache.beside(history, context)
    result["copy_manifests"] = [manifest(context, copy, ignore, cache).to_dict() for copy in copies]
    files, size = context_size(context, ignore, cache)
    cache.save()
    result["context_files"], result["context_bytes"] = files, size
    sources = [source for copy in copies for source in copy.sources]
    result["warnings"] = history_in_context(context, history, ignore, sources)
    return result


def history_in_context(
    context: Path, history: Path | None, ignore: DockerIgnore, sources: list[str]
) -> list[str]:
    """The history changes every build: a COPY that sends it to the builder never hits the cache."""
    if history is None:
        return []
    try:
        rel = history.resolve().relative_to(context.resolve())
    except ValueError:
        return []
    if ignore.ignored(rel.as_posix()):
        return []
    top = rel.parts[0]
    broad = [s for s in sources if s.strip("./") in ("", "*", top) or s.startswith(top)]
    if not broad:
        return []
    return [
        f"the history {rel.as_posix()} is inside the build context and not in .dockerignore, so "
        f"`COPY {broad[0]}` changes with every build: add `{top}` to .dockerignore"
    ]
