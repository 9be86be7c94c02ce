"""The build record, `arxdocker.record/v1`: one build's report, inputs, outputs and environment.

A record holds enough to compare builds and explain a cache miss later: per step, the instruction
text and the vertex digest; per COPY/ADD, a hash of the context files it read. Build args are kept
by name; secret-looking values are never stored.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

RECORD_SCHEMA = "arxdocker.record/v1"
Status = Literal["ok", "failed", "interrupted"]


def new_id(now: float | None = None) -> str:
    """Sortable by time, unique across parallel builds: `20261125T204731Z-3f9a1c`."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now if now is not None else time.time()))
    return f"{stamp}-{secrets.token_hex(3)}"


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch % 1 * 1000):03d}Z"


@dataclass(frozen=True)
class Record:
    id: str
    started: float
    ended: float
    exit_code: int
    status: Status
    error: str | None = None
    failing_step: dict[str, Any] | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
    report_duration_s: float | None = None
    image: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    dockerfile: dict[str, Any] = field(default_factory=dict)
    target: str | None = None
    platforms: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    build_args: dict[str, str | None] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)
    optimizations: list[str] = field(default_factory=list)
    copy_manifests: list[dict[str, Any]] = field(default_factory=list)
    tools: dict[str, Any] = field(default_factory=dict)
    host: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    min_hit_rate: float | None = None
    min_hit_rate_failed: bool = False
    # What `explain` compares: the Dockerfile outline (ARG/ENV by hash), --no-cache(-filter).
    inputs: dict[str, Any] = field(default_factory=dict)
    # BuildKit's ref of the build (`ref`), whose own counts `history --buildkit` reads later
    # (engine/buildkit_history.py), and a `note` where a buildx has no history. None when buildx
    # named no build ref; records written before this field have no key at all.
    buildkit: dict[str, Any] | None = None

    @property
    def duration_s(self) -> float:
        return round(max(0.0, self.ended - self.started), 3)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {
            "schema": RECORD_SCHEMA,
            "id": data.pop("id"),
            "started": iso(data.pop("started")),
            "ended": iso(data.pop("ended")),
            "duration_s": self.duration_s,
            **data,
        }


def host_facts(peak_rss_bytes: int | None) -> dict[str, Any]:
    uname = os.uname()
    return {
        "os": uname.sysname.lower(),
        "arch": uname.machine,
        "cpus": os.cpu_count(),
        "peak_rss_bytes": peak_rss_bytes,
    }


def peak_rss_bytes() -> int | None:
    try:
        import resource
    except ImportError:
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
