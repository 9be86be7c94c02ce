"""Reading `docker buildx ls` and `inspect` text (buildx 0.13.1), and probing a registry."""

from __future__ import annotations

import http.server
import threading

from arxdocker.engine.doctor_checks import parse_inspect, parse_ls, probe_registry

LS = """\
NAME/NODE     DRIVER/ENDPOINT   STATUS    BUILDKIT         PLATFORMS
ci            docker-container
 \\_ ci0       \\_ unix:///run/x   inactive
default*      docker
 \\_ default    \\_ default       running   v0.0.0+unknown   linux/amd64
"""

INSPECT = """\
Name:          default
Driver:        docker
Last Activity: 2026-11-25 21:29:05 +0000 UTC

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.0.0+unknown
Platforms:        linux/amd64, linux/amd64/v2
"""


def test_ls_names_drivers_and_current() -> None:
    assert parse_ls(LS) == [("ci", "docker-container", False), ("default", "docker", True)]
    assert parse_ls("NAME/NODE DRIVER/ENDPOINT STATUS\ndefault * docker\n") == [
        ("default", "docker", True)
    ]


def test_inspect() -> None:
    facts = parse_inspect(INSPECT, current=True)
    assert (facts.name, facts.driver, facts.endpoints, facts.status, facts.buildkit) == (
        "default",
        "docker",
        ("default",),
        "running",
        "v0.0.0+unknown",
    )


class _V2(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(401 if self.path == "/v2/" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_registry_asking_for_login_answers_and_a_closed_port_does_not() -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _V2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        probe = probe_registry(f"127.0.0.1:{port}")
        assert probe.answers and probe.detail.startswith("HTTP 401 over http")
    finally:
        server.shutdown()
        server.server_close()
    closed = probe_registry(f"127.0.0.1:{port}")
    assert not closed.answers and "http:" in closed.detail
