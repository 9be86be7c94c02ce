"""The facts `arxdocker doctor` judges: asked from the docker CLI, buildx, engine and registries.

Only questions here; `analysis.doctor` decides what is wrong and how to fix it. Every question
tolerates a dead engine or a missing binary: the answer is then None or an error string.
"""

from __future__ import annotations

import http.client
import os
import ssl
import time
from dataclasses import dataclass, field

from arxdocker.engine import cliproc
from arxdocker.engine.du_text import CacheRecord

TIMEOUT_S = 20
REGISTRY_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class BuilderFacts:
    name: str
    driver: str | None
    current: bool = False
    endpoints: tuple[str, ...] = ()
    status: str | None = None  # of the first node: running, inactive, stopped, error
    buildkit: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RegistryProbe:
    host: str
    answers: bool
    detail: str  # "HTTP 200 over https in 12 ms", or why it did not answer


@dataclass(frozen=True)
class DoctorFacts:
    docker_host: str
    docker_client: str | None = None
    docker_context: str | None = None  # DOCKER_CONTEXT, when set
    docker_server: str | None = None
    engine_error: str | None = None
    buildx: str | None = None
    containerd_store: bool | None = None
    builders: tuple[BuilderFacts, ...] = ()
    selected_builder: str | None = None
    config_source: str | None = None
    cache_from: tuple[str, ...] = ()
    cache_to: tuple[str, ...] = ()
    registries: tuple[RegistryProbe, ...] = ()
    cache_records: tuple[CacheRecord, ...] | None = None
    cache_error: str | None = None
    notes: list[str] = field(default_factory=list)


def _run(argv: list[str]) -> tuple[int, str, str]:
    return cliproc.run(argv, TIMEOUT_S)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


def client_version(docker: str = "docker") -> str | None:
    # `docker version` exits 1 when the engine is down, yet prints the client's version; with a
    # DOCKER_HOST or DOCKER_CONTEXT it cannot use, it prints nothing: `docker --version` still
    # answers ("Docker version 28.2.2, build e6534b4").
    code, out, _ = _run([docker, "version", "--format", "{{.Client.Version}}"])
    version = out.strip()
    if version and code in (0, 1):
        return version
    code, out, _ = _run([docker, "--version"])
    words = out.replace(",", " ").split()
    return words[2] if code == 0 and len(words) > 2 and words[:2] == ["Docker", "version"] else None


def bad_endpoint(engine_error: str | None) -> bool:
    """Whether the docker CLI could not even pick an endpoint (a DOCKER_HOST it cannot parse, a
    DOCKER_CONTEXT that does not exist): then no docker command runs, buildx included."""
    return engine_error is not None and any(
        text in engine_error
        for text in ("Failed to initialize", "unable to resolve docker endpoint")
    )


def server_version() -> tuple[str | None, str | None]:
    """(engine version, None), or (None, why the engine did not answer)."""
    code, out, err = _run(["docker", "version", "--format", "{{.Server.Version}}"])
    if code == 0 and out.strip():
        return out.strip(), None
    return None, _last_line(err or out)


def buildx_version() -> str | None:
    code, out, _ = _run(["docker", "buildx", "version"])
    words = out.split()
    return words[1] if code == 0 and len(words) > 1 else None


def parse_ls(text: str) -> list[tuple[str, str | None, bool]]:
    """(name, driver, current) of each builder in `docker buildx ls` text (0.12 and 0.13)."""
    builders = []
    for line in text.splitlines()[1:]:
        if not line.strip() or line[0].isspace():
            continue  # node rows are indented
        words = line.split()
        current = words[0].endswith("*") or (len(words) > 1 and words[1] == "*")
        rest = [w for w in words[1:] if w != "*"]
        builders.append((words[0].rstrip("*"), rest[0] if rest else None, current))
    return builders


def parse_inspect(text: str, current: bool = False) -> BuilderFacts:
    """One builder from `docker buildx inspect NAME` text."""
    name = driver = status = buildkit = error = None
    endpoints: list[str] = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key == "Name" and name is None:
            name = value
        elif key == "Driver" and driver is None:
            driver = value
        elif key == "Endpoint":
            endpoints.append(value)
        elif key == "Status" and status is None:
            status = value
        elif key in ("BuildKit version", "Buildkit") and buildkit is None:
            buildkit = value
        elif key == "Error" and error is None:
            error = value
    return BuilderFacts(
        name=name or "?",
        driver=driver,
        current=current,
        endpoints=tuple(endpoints),
        status=status,
        buildkit=buildkit,
        error=error,
    )


def builders() -> list[BuilderFacts]:
    code, out, err = _run(["docker", "buildx", "ls"])
    if code != 0:
        return []
    found = []
    for name, driver, current in parse_ls(out):
        code, text, err = _run(["docker", "buildx", "inspect", name])
        if code != 0:
            found.append(BuilderFacts(name, driver, current, error=_last_line(err)))
        else:
            found.append(parse_inspect(text, current))
    return found


def _get(host: str, scheme: str) -> int:
    if scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, timeout=REGISTRY_TIMEOUT_S, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, timeout=REGISTRY_TIMEOUT_S)
    try:
        connection.request("GET", "/v2/")
        return connection.getresponse().status
    finally:
        connection.close()


def _local(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name in ("localhost", "[::1]", "::1") or name.startswith("127.")


def probe_registry(host: str) -> RegistryProbe:
    """Does the registry's `/v2/` answer (200, or 401 asking for a login)? https first; plain
    http as well for loopback hosts, which docker and BuildKit reach without TLS."""
    api_host = "registry-1.docker.io" if host == "docker.io" else host
    schemes = ["https", "http"] if _local(api_host) else ["https"]
    reasons = []
    for scheme in schemes:
        started = time.monotonic()
        try:
            status = _get(api_host, scheme)
        except (OSError, http.client.HTTPException) as error:
            reasons.append(f"{scheme}: {getattr(error, 'strerror', None) or error}")
            continue
        elapsed = (time.monotonic() - started) * 1000
        if status in (200, 401):
            return RegistryProbe(host, True, f"HTTP {status} over {scheme} in {elapsed:.0f} ms")
        reasons.append(f"{scheme}: HTTP {status} from /v2/")
    return RegistryProbe(host, False, "; ".join(reasons))


def docker_host() -> str:
    return os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock (default)"
