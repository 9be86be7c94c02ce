#!/usr/bin/env python3
"""Regenerate the parser fixtures: real BuildKit logs of the webapp example and a few projects.

Runs every scenario of tests/engine/scenarios.py that the engine's buildx can run (in both
--progress=plain and --progress=rawjson) and saves each log as `<scenario>.<format>.log`, in the
folder of that engine's generation:
- tests/fixtures/buildkit/        buildx 0.13.1 (the 2024 engine, `ARXDOCKER_ENGINE=2024`), whose
  rawjson is pretty-printed; the one-object-per-line shape of buildx >= 0.15 is derived from it
  as `<scenario>.rawjson-compact.log`;
- tests/fixtures/buildkit-0.29/   buildx 0.29.1 (today's engine), whose rawjson is one object per
  line as written: nothing is derived.
manifest.json records the exact command, exit code and tool versions of each capture.

    eval "$(scripts/engine.sh env)" && .venv/bin/python scripts/capture_fixtures.py [--only NAME]
    eval "$(ARXDOCKER_ENGINE=2024 scripts/engine.sh env)" && \
        .venv/bin/python scripts/capture_fixtures.py

Two more projects are captured cold in both formats: apt-pip (real package-manager output, for
the parser benchmark; needs the Debian base image from scripts/make_debian_base.sh) and copy-link
(dockerfiles/docsite, whose COPY --link steps are progress groups). `--only NAME` recaptures one
of them and keeps the rest of manifest.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "engine"))

from scenarios import (  # noqa: E402
    FORMATS,
    SCENARIOS,
    Workspace,
    buildx_version,
    public_command,
    run_scenario,
)

FIXTURES = REPO / "tests" / "fixtures"


def fixture_folder(buildx: tuple[int, int]) -> Path:
    return FIXTURES / ("buildkit" if buildx < (0, 15) else "buildkit-0.29")


def is_pretty(rawjson: bytes) -> bool:
    """buildx <= 0.14 pretty-prints each status object over many lines."""
    return any(line.rstrip() == b"{" for line in rawjson.splitlines()[:50])


APT_PIP = REPO / "tests" / "fixtures" / "projects" / "apt-pip"
DEBIAN_IMAGE = os.environ.get("ARXDOCKER_DEBIAN_IMAGE", "arxdocker/debian-python:12")


def compact_rawjson(pretty: bytes) -> bytes:
    """Re-encode each pretty-printed object on one line, as buildx >= 0.15 writes it."""
    out: list[bytes] = []
    pending: list[bytes] | None = None
    for line in pretty.splitlines(keepends=True):
        if pending is not None:
            pending.append(line)
            if line.startswith(b"}"):
                value = json.loads(b"".join(pending))
                text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
                # Go's encoder escapes these for HTML safety; keep the bytes as buildx writes them.
                text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                out.append(text.encode() + b"\n")
                pending = None
        elif line.rstrip() == b"{":
            pending = [line]
        else:
            out.append(line)
    return b"".join(out)


@dataclass(frozen=True)
class ExtraBuild:
    """A cold build of another project, captured in both formats."""

    name: str
    context: Path
    description: str
    base_image: str
    extra_args: tuple[str, ...] = ()


def extra_builds(base: str) -> tuple[ExtraBuild, ...]:
    return (
        ExtraBuild(
            "apt-pip",
            APT_PIP,
            "cold build with real apt-get, pip and gcc output (tests/fixtures/projects/apt-pip, "
            "base image from scripts/make_debian_base.sh)",
            DEBIAN_IMAGE,
        ),
        ExtraBuild(
            "copy-link",
            REPO / "dockerfiles" / "docsite",
            "cold build of dockerfiles/docsite: COPY --link runs as two vertices of one progress "
            "group (the copy and its LINK merge)",
            base,
            ("--build-arg", f"BASE_IMAGE={base}"),
        ),
    )


def capture_extra(build: ExtraBuild, out: Path) -> list[dict[str, object]]:
    inspect = ["docker", "image", "inspect", build.base_image]
    if subprocess.run(inspect, capture_output=True, check=False).returncode != 0:
        print(f"{build.name}: skipped, no {build.base_image} (see scripts/make_debian_base.sh)")
        return []
    entries: list[dict[str, object]] = []
    for fmt in ("plain", "rawjson"):
        subprocess.run(["docker", "buildx", "prune", "-af"], capture_output=True, check=True)
        command = ["docker", "buildx", "build", f"--progress={fmt}", *build.extra_args, "."]
        result = subprocess.run(
            command,
            cwd=build.context,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        name = f"{build.name}.{fmt}.log"
        (out / name).write_bytes(result.stdout)
        entry = {
            "file": name,
            "scenario": build.name,
            "description": build.description,
            "command": " ".join(command).replace(build.base_image, "$ARXDOCKER_BASE_IMAGE"),
            "exit_code": result.returncode,
        }
        entries.append(entry)
        print(f"{name}: exit {result.returncode}, {len(result.stdout)} bytes")
        if fmt == "rawjson" and is_pretty(result.stdout):
            compact = f"{build.name}.rawjson-compact.log"
            (out / compact).write_bytes(compact_rawjson(result.stdout))
            entries.append({**entry, "file": compact, "derived_from": name})
    return entries


def tool_versions() -> dict[str, str]:
    def ask(*args: str) -> str:
        result = subprocess.run(args, capture_output=True, text=True, check=False)
        return result.stdout.strip()

    return {
        "docker_client": ask("docker", "version", "--format", "{{.Client.Version}}"),
        "docker_server": ask("docker", "version", "--format", "{{.Server.Version}}"),
        "buildx": ask("docker", "buildx", "version"),
    }


def main() -> int:
    registry = os.environ.get("ARXDOCKER_TEST_REGISTRY")
    base = os.environ.get("ARXDOCKER_BASE_IMAGE", "arxdocker/busybox:1")
    if not registry:
        print('error: run `eval "$(scripts/engine.sh env)"` first', file=sys.stderr)
        return 2
    buildx = buildx_version()
    out = fixture_folder(buildx)
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    runnable = [scenario for scenario in SCENARIOS if scenario.runs_on(buildx)]
    names = [scenario.name for scenario in runnable] + [b.name for b in extra_builds(base)]
    if only is not None and only not in names:
        print(f"error: no scenario {only!r}; choose from {', '.join(names)}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, object] = {
        "generated_by": "scripts/capture_fixtures.py",
        "captured": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tools": tool_versions(),
        "example": "dockerfiles/webapp",
        "skipped": {
            scenario.name: f"needs buildx {'.'.join(map(str, scenario.min_buildx))} or later"
            for scenario in SCENARIOS
            if not scenario.runs_on(buildx)
        },
        "captures": [],
    }
    with tempfile.TemporaryDirectory(prefix="arx-fixtures-") as tmp:
        ws = Workspace(Path(tmp) / "webapp", registry, base)
        for scenario in [s for s in runnable if only in (None, s.name)]:
            for fmt in FORMATS:
                capture = run_scenario(ws, scenario, fmt)
                name = f"{scenario.name}.{fmt}.log"
                (out / name).write_bytes(capture.log)
                entry = {
                    "file": name,
                    "scenario": scenario.name,
                    "description": scenario.description,
                    "command": public_command(capture.command, ws),
                    "exit_code": capture.exit_code,
                }
                manifest["captures"].append(entry)  # type: ignore[union-attr]
                print(f"{name}: exit {capture.exit_code}, {len(capture.log)} bytes")
                if fmt == "rawjson" and is_pretty(capture.log):
                    compact = f"{scenario.name}.rawjson-compact.log"
                    (out / compact).write_bytes(compact_rawjson(capture.log))
                    manifest["captures"].append(  # type: ignore[union-attr]
                        {**entry, "file": compact, "derived_from": name}
                    )
    extras = [build for build in extra_builds(base) if only in (None, build.name)]
    for build in extras:
        manifest["captures"].extend(capture_extra(build, out))  # type: ignore[union-attr]
    if only:
        # One scenario again: the others keep their entries, and the manifest its date; the new
        # entries carry their own date.
        old = json.loads((out / "manifest.json").read_text())
        fresh = [{**c, "captured": manifest["captured"]} for c in manifest["captures"]]  # type: ignore[union-attr]
        manifest = {**old, "captures": [c for c in old["captures"] if c["scenario"] != only]}
        manifest["captures"].extend(fresh)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
