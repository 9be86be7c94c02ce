"""Shrink a `type=local` cache folder to the blobs its index.json still references.

BuildKit's local exporter writes an OCI image layout (index.json, blobs/sha256/...). Exporting
into the same `dest` again replaces index.json but keeps every older blob, so the folder only
grows. The live set is what index.json reaches: each index or manifest blob is read and its
`manifests`, `config`, `layers` and `subject` descriptors followed. Everything else under
blobs/ is unreferenced and can go.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from arxdocker.errors import ArxError

_FOLLOWED = ("manifests", "layers", "blobs")


@dataclass(frozen=True, slots=True)
class CleanPlan:
    folder: str
    kept: tuple[Path, ...]
    unreferenced: tuple[Path, ...]
    kept_bytes: int
    unreferenced_bytes: int


def _blob(root: Path, digest: str) -> Path:
    algorithm, _, hexpart = digest.partition(":")
    if not algorithm or not hexpart or "/" in digest or ".." in digest:
        raise ArxError(f"{root}/index.json: bad digest {digest!r}")
    return root / "blobs" / algorithm / hexpart


def _descriptors(document: dict) -> list[dict]:
    found: list[dict] = []
    for key in _FOLLOWED:
        items = document.get(key)
        if isinstance(items, list):
            found += [item for item in items if isinstance(item, dict)]
    for key in ("config", "subject"):
        if isinstance(document.get(key), dict):
            found.append(document[key])
    return found


def referenced(root: Path) -> set[Path]:
    """The blob files index.json reaches, directly or through indexes and manifests."""
    index = root / "index.json"
    try:
        document = json.loads(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArxError(
            f"{root} is not a local cache folder: no index.json",
            hint="give the DIR of --cache-to type=local,dest=DIR (or --cache local:DIR)",
        ) from None
    except (OSError, ValueError) as error:
        raise ArxError(f"{index}: cannot read it ({error})") from None
    seen: set[Path] = set()
    queue = _descriptors(document)
    while queue:
        descriptor = queue.pop()
        digest = descriptor.get("digest")
        if not isinstance(digest, str):
            continue
        path = _blob(root, digest)
        if path in seen:
            continue
        seen.add(path)
        if "json" in str(descriptor.get("mediaType", "")) and path.is_file():
            try:
                child = json.loads(path.read_bytes())
            except ValueError:
                continue  # a JSON config that is not an index or manifest
            if isinstance(child, dict):
                queue += _descriptors(child)
    return seen


def plan_clean(folder: str) -> CleanPlan:
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise ArxError(f"{folder}: not a folder (the dest of --cache-to type=local,dest=DIR)")
    if not root.is_dir():
        raise ArxError(f"{folder}: no such folder")
    live = referenced(root)
    kept: list[Path] = []
    dead: list[Path] = []
    for path in sorted((root / "blobs").rglob("*")):
        if path.is_file():
            (kept if path in live else dead).append(path)
    return CleanPlan(
        folder=folder,
        kept=tuple(kept),
        unreferenced=tuple(dead),
        kept_bytes=sum(p.stat().st_size for p in kept),
        unreferenced_bytes=sum(p.stat().st_size for p in dead),
    )


def apply(plan: CleanPlan) -> None:
    """Delete the unreferenced blobs of `plan`."""
    for path in plan.unreferenced:
        path.unlink(missing_ok=True)
