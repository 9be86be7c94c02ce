"""What the build produced: the image's refs and digest, and its size and layers.

The digest comes from buildx's `--metadata-file`; size and layers from the engine, for an image
that landed in the local store (not for `--push`). buildx takes ~90 ms to exit after its last
event, so the engine is asked as soon as "exporting to image" completes, not after the exit.
"""

from __future__ import annotations

from typing import Any

from arxdocker.build.background import Background
from arxdocker.build.options import BuildOptions
from arxdocker.progress.models import Event, SolveStatus


def early_image_ref(options: BuildOptions) -> str | None:
    """The ref to ask the engine about as soon as the image is exported, if known up front."""
    if options.push or not options.tags or options.platforms[1:]:
        return None
    return options.tags[0]


def image_exported(event: Event) -> bool:
    if not isinstance(event, SolveStatus):
        return False
    return any(
        vertex.name == "exporting to image" and vertex.completed is not None and not vertex.error
        for vertex in event.vertexes
    )


def image_info(ref: str) -> Any:
    from arxdocker.engine.images import image_info as ask_engine

    return ask_engine(ref)


def describe_image(
    options: BuildOptions,
    metadata: dict[str, Any],
    exit_code: int,
    early: Background | None = None,
) -> dict[str, Any]:
    """The image's refs and digest (metadata file), size and layers (engine, for a local image)."""
    digest = metadata.get("containerimage.digest")
    names = [n for n in str(metadata.get("image.name", "")).split(",") if n]
    image: dict[str, Any] = {
        "refs": list(options.tags) or [n for n in names if not n.startswith("moby-dangling")],
        "digest": digest,
        "size_bytes": None,
        "layers": None,
        "source": "metadata-file" if options.push else "engine",
    }
    if exit_code != 0 or options.push:
        return image
    info = early.result() if early is not None else None
    if info is None or (digest and info.id != digest):
        info = None
        for ref in (*options.tags[:1], *([digest] if digest else [])):
            info = image_info(ref)
            if info is not None:
                break
    if info is not None:
        image.update(size_bytes=info.size_bytes, layers=info.layers, id=info.id)
    return image
