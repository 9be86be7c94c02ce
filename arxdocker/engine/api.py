"""The Docker Engine API over its unix socket, with nothing but the standard library.

The docker SDK returns the same JSON (`client.api.inspect_image(ref)` is `GET /images/REF/json`)
but costs 100-160 ms to import, the whole overhead budget of a cached `arxdocker build`. So the
build path asks the socket directly when DOCKER_HOST is a unix socket (or unset), and falls back to
the SDK for tcp/ssh hosts, where TLS and SSH transports are the SDK's job.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
from typing import Any
from urllib.parse import quote

DEFAULT_SOCKET = "/var/run/docker.sock"
TIMEOUT_S = 10.0


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=TIMEOUT_S)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT_S)
        sock.connect(self._path)
        self.sock = sock


def socket_path(environ: dict[str, str] | None = None) -> str | None:
    """The engine's unix socket, or None when DOCKER_HOST is not a unix socket."""
    host = (environ if environ is not None else os.environ).get("DOCKER_HOST", "")
    if not host:
        return DEFAULT_SOCKET
    if host.startswith("unix://"):
        return host[len("unix://") :]
    return None


def get_json(path: str, sock: str) -> Any | None:
    """`GET path` on the engine; None on any transport error or non-200 answer."""
    connection = _UnixConnection(sock)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            return None
        return json.loads(body)
    except (OSError, ValueError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def image_path(ref: str) -> str:
    return f"/images/{quote(ref, safe='')}/json"
