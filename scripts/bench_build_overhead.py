#!/usr/bin/env python3
"""What `arxdocker build` adds to a fully cached build, against buildx alone.

Warms the cache, then alternates `docker buildx build --progress quiet` and `arxdocker build
--progress quiet` of the same context (runs interleave, so drift in the engine hits both sides
alike) and prints each side's median, their difference and ratio, and the median of
`arxdocker --version`. Needs the engine environment (`eval "$(scripts/engine.sh env)"`).

    .venv/bin/python scripts/bench_build_overhead.py                 # 15 pairs, docsite example
    .venv/bin/python scripts/bench_build_overhead.py --runs 30 --context dockerfiles/webapp
    .venv/bin/python scripts/bench_build_overhead.py --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL_OVERHEAD_S = 0.150
GOAL_VERSION_S = 0.060


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(argv)}\n{done.stderr.decode()[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="pairs of runs (at least 10)")
    parser.add_argument("--context", default=str(REPO / "dockerfiles" / "docsite"))
    parser.add_argument("--tag", default="arxdocker-bench:latest")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.runs < 10:
        parser.error("--runs must be at least 10")
    arxdocker = str(Path(sys.executable).with_name("arxdocker"))
    if not Path(arxdocker).exists():
        arxdocker = "arxdocker"
    with tempfile.TemporaryDirectory(prefix="arxdocker-bench-") as temp:
        history = Path(temp) / "history.jsonl"
        buildx = ["docker", "buildx", "build", "--progress", "quiet", "-t", args.tag, args.context]
        ours = [
            arxdocker, "build", "--progress", "quiet", "-t", args.tag,
            "--history", str(history), args.context,
        ]  # fmt: skip
        for argv in (buildx, ours, buildx, ours):  # warm the cache and the page cache
            timed(argv)
        buildx_s, ours_s = [], []
        for _ in range(args.runs):
            buildx_s.append(timed(buildx))
            ours_s.append(timed(ours))
        version_s = [timed([arxdocker, "--version"]) for _ in range(args.runs)]
        with history.open(encoding="utf-8") as handle:
            rates = {json.loads(line)["summary"]["hit_rate"] for line in handle}
    figures = {
        "runs": args.runs,
        "context": args.context,
        "buildx_median_s": round(statistics.median(buildx_s), 4),
        "arxdocker_median_s": round(statistics.median(ours_s), 4),
        "overhead_s": round(statistics.median(ours_s) - statistics.median(buildx_s), 4),
        "ratio": round(statistics.median(ours_s) / statistics.median(buildx_s), 3),
        "version_median_s": round(statistics.median(version_s), 4),
        "hit_rates_seen": sorted(rate for rate in rates if rate is not None),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{args.runs} alternating runs of a fully cached build of {args.context}")
        print(f"  docker buildx build --progress quiet  median {figures['buildx_median_s']:.3f} s")
        print(
            f"  arxdocker build --progress quiet      median {figures['arxdocker_median_s']:.3f} s"
        )
        print(
            f"  overhead {figures['overhead_s'] * 1000:.0f} ms (goal <= "
            f"{GOAL_OVERHEAD_S * 1000:.0f} ms), ratio {figures['ratio']:.2f}"
        )
        print(
            f"  arxdocker --version median {figures['version_median_s'] * 1000:.0f} ms "
            f"(goal <= {GOAL_VERSION_S * 1000:.0f} ms)"
        )
        print(f"  hit rates recorded: {figures['hit_rates_seen']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
