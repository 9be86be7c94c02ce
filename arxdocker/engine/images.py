"""The built image as the engine sees it (size, layers), and the engine's own versions.

Asked through the Engine API socket (`engine.api`) when DOCKER_HOST is a unix socket, otherwise
through the docker SDK. Both read the same JSON documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from arxdocker.engine import api


@dataclass(frozen=True, slots=True)
class ImageInfo:
    id: str
    refs: tuple[str, ...]
    size_bytes: int | None
    layers: int | None


def _sdk_get(kind: str, ref: str | None = None) -> Any | None:
    import docker

    try:
        client = docker.from_env(timeout=20)
        if kind == "image":
            return client.api.inspect_image(ref)
        return client.version() if kind == "version" else client.info()
    except (docker.errors.DockerException, OSError):
        return None


def _get(kind: str, ref: str | None = None) -> Any | None:
    sock = api.socket_path()
    if sock is None:
        return _sdk_get(kind, ref)
    path = {"image": api.image_path(ref or ""), "version": "/version", "info": "/info"}[kind]
    return api.get_json(path, sock)


def image_info(ref: str) -> ImageInfo | None:
    """Size and layer count of `ref` (a tag or digest); None when the engine lacks it."""
    attrs = _get("image", ref)
    if not isinstance(attrs, dict):
        return None
    layers = (attrs.get("RootFS") or {}).get("Layers")
    return ImageInfo(
        id=str(attrs.get("Id", "")),
        refs=tuple(attrs.get("RepoTags") or ()),
        size_bytes=attrs.get("Size"),
        layers=len(layers) if isinstance(layers, list) else None,
    )


def server_versions() -> dict[str, Any]:
    """The engine's version and its components (containerd, runc), from `GET /version`."""
    data = _get("version")
    if not isinstance(data, dict):
        return {}
    components = {
        str(item.get("Name")).lower(): item.get("Version")
        for item in data.get("Components") or ()
        if isinstance(item, dict)
    }
    return {
        "docker_server": data.get("Version"),
        "containerd": components.get("containerd"),
        "runc": components.get("runc"),
        "api_version": data.get("ApiVersion"),
    }


def containerd_image_store() -> bool | None:
    """Whether dockerd uses the containerd image store (lets the docker driver export cache)."""
    data = _get("info")
    if not isinstance(data, dict):
        return None
    status = data.get("DriverStatus") or []
    return any("io.containerd.snapshotter" in str(item) for item in status)
