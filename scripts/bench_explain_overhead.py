#!/usr/bin/env python3
"""What recording for `explain` costs a build: hashing a 10,000-file / 200 MB context.

Makes a context of --files files (--mb MB in all, random bytes, in 100 folders) with a Dockerfile
that copies all of it (`COPY . /ctx/`) and one folder of it, then:
  1. times `gather_inputs`, the work a build does in a background thread while buildx runs
     (Dockerfile outline, per-COPY manifests with per-file hashes, context size), --runs times:
     first reading every file (no digest cache: a first build), then with the digest cache a
     previous build left next to the history (a warm build);
  2. with an engine (DOCKER_HOST or the default socket), builds once, then times warm
     `arxdocker build --progress quiet` and `docker buildx build --progress quiet` alternately,
     --runs times each, and reports the hashing as a share of the warm build.
It also prints how many bytes the per-file hashes add to one history line.

    .venv/bin/python scripts/bench_explain_overhead.py                  # 10,000 files, 200 MB
    .venv/bin/python scripts/bench_explain_overhead.py --files 2000 --mb 20 --no-build
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from arxdocker.build.inputs import gather_inputs  # noqa: E402

DOCKERFILE = """\
FROM {base}
COPY d007/ /only/
COPY . /ctx/
RUN ls /ctx | wc -l > /count
"""


def make_context(root: Path, files: int, megabytes: int, base: str) -> None:
    size = megabytes * 1024 * 1024 // files
    for number in range(files):
        folder = root / f"d{number % 100:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"f{number:05d}.bin").write_bytes(os.urandom(size))
    (root / "Dockerfile").write_text(DOCKERFILE.format(base=base))
    (root / ".dockerignore").write_text("Dockerfile\n.arxdocker\n")
    hour_ago = time.time() - 3600  # files as a checkout has them, not seconds old
    for path in root.rglob("*.bin"):
        os.utime(path, (hour_ago, hour_ago))


def time_inputs(root: Path, runs: int, history: Path | None) -> tuple[float, dict]:  # type: ignore[type-arg]
    times, result = [], {}
    for _ in range(runs):
        started = time.perf_counter()
        result = gather_inputs(root, root / "Dockerfile", history)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def timed(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True, timeout=900)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--base", default=os.environ.get("ARXDOCKER_BASE_IMAGE", "busybox"))
    parser.add_argument("--no-build", action="store_true", help="time the hashing only")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="arx-explain-bench-"))
    try:
        make_context(root, args.files, args.mb, args.base)
        history = root / ".arxdocker" / "history.jsonl"
        time_inputs(root, 1, None)  # warm the page cache, as a build's own context read would
        cold, inputs = time_inputs(root, args.runs, None)
        time_inputs(root, 1, history)  # leaves the digest cache a first build leaves
        hashing = time_inputs(root, args.runs, history)[0]
        entries = [m.get("entries") for m in inputs["copy_manifests"]]
        extra_bytes = sum(len(json.dumps(e)) for e in entries if e)
        print(f"context: {inputs['context_files']} files, {inputs['context_bytes'] / 1e6:.0f} MB")
        print(f"gather_inputs, every file read (first build): median {cold:.3f} s")
        print(f"gather_inputs, digest cache (warm build):      median {hashing:.3f} s")
        print(f"per-file hashes in one record: {extra_bytes / 1e3:.0f} kB")
        if args.no_build:
            return 0
        arx = [sys.executable, "-m", "arxdocker", "build", ".", "--progress", "quiet"]
        buildx = ["docker", "buildx", "build", "--progress", "quiet", "."]
        timed(arx, root)  # cold: fills the cache
        arx_times, buildx_times = [], []
        for _ in range(args.runs):
            arx_times.append(timed(arx, root))
            buildx_times.append(timed(buildx, root))
        warm_arx, warm_buildx = statistics.median(arx_times), statistics.median(buildx_times)
        print(f"warm arxdocker build: median {warm_arx:.3f} s; warm buildx: {warm_buildx:.3f} s")
        print(
            f"warm hashing = {hashing / warm_arx:.1%} of the warm arxdocker build "
            f"(it runs in a thread while buildx builds); arxdocker - buildx = "
            f"{warm_arx - warm_buildx:+.3f} s"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
