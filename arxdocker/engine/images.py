"""The built image as the engine sees it: size and layers, through the docker SDK.

The SDK import costs ~100 ms, so `arxdocker build` calls `connect()` in a background thread
while buildx runs, and asks about the image once the build has finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ImageInfo:
    id: str
    refs: tuple[str, ...]
    size_bytes: int | None
    layers: int | None


def connect() -> Any:
    """A docker SDK client for DOCKER_HOST (imports the SDK)."""
    import docker

    return docker.from_env(timeout=20)


def image_info(client: Any, ref: str) -> ImageInfo | None:
    """Size and layer count of `ref` (a tag or digest); None when the engine lacks it."""
    import docker.errors

    try:
        image = client.images.get(ref)
    except (docker.errors.DockerException, OSError):
        return None
    attrs = image.attrs or {}
    layers = (attrs.get("RootFS") or {}).get("Layers")
    return ImageInfo(
        id=image.id,
        refs=tuple(image.tags),
        size_bytes=attrs.get("Size"),
        layers=len(layers) if isinstance(layers, list) else None,
    )


def server_components(client: Any) -> dict[str, str]:
    """Versions of the engine's components (Engine, containerd, runc), by name."""
    import docker.errors

    try:
        version = client.version()
    except (docker.errors.DockerException, OSError):
        return {}
    return {
        str(item.get("Name")): str(item.get("Version"))
        for item in version.get("Components") or ()
        if isinstance(item, dict)
    }
