#!/usr/bin/env python3
"""How fast `arxdocker history` and `arxdocker compare` answer on a 10,000-record history.

Writes --count records derived from a real one (tests/fixtures/records/webapp-warm.json by
default): each goes through `Record(...).to_dict()`, so every line has the schema arxdocker build
writes, with its own id and time, steps turned cached or built at random (the summary recounted
to match), a duration and image size that follow, and one of three targets. Then it times each
command as a user runs it (a new `python -m arxdocker` process each time, with the Python that
runs this script) and prints the median and the worst of --runs runs.

    .venv/bin/python scripts/bench_history.py                 # 10,000 records in .bench/
    .venv/bin/python scripts/bench_history.py --count 50000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from arxdocker.history.record import Record  # noqa: E402

SEED = REPO / "tests" / "fixtures" / "records" / "webapp-warm.json"
TARGETS = (None, "test", "runtime")
_DERIVED = {"schema", "started", "ended", "duration_s"}


def synthetic(seed: dict[str, Any], number: int, start: float, rng: random.Random) -> str:
    fields = {key: value for key, value in seed.items() if key not in _DERIVED}
    steps = []
    for step in seed["steps"]:
        built = step["cacheable"] and rng.random() < 0.3
        seconds = round(rng.uniform(0.2, 3.0), 3) if built else round(rng.uniform(0, 0.01), 3)
        steps.append(step | {"status": "built" if built else step["status"], "duration_s": seconds})
    cacheable = [step for step in steps if step["cacheable"]]
    cached = sum(step["status"] == "cached" for step in cacheable)
    total = len(cacheable)
    fields["summary"] = seed["summary"] | {
        "steps_total": total,
        "steps_cached": cached,
        "steps_built": total - cached,
        "hit_rate": round(cached / total, 4) if total else None,
    }
    fields["steps"] = steps
    fields["target"] = TARGETS[number % len(TARGETS)]
    fields["image"] = seed["image"] | {"size_bytes": seed["image"]["size_bytes"] + number % 977}
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(start))
    fields["id"] = f"{stamp}-{number:06x}"
    wall = sum(step["duration_s"] for step in steps) + 0.3
    record = Record(started=start, ended=start + wall, **fields)
    return json.dumps(record.to_dict(), separators=(",", ":"), ensure_ascii=False)


def write_history(path: Path, seed: dict[str, Any], count: int) -> list[str]:
    rng = random.Random(6)
    start = time.time() - count * 600
    ids = []
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            line = synthetic(seed, number, start + number * 600, rng)
            ids.append(json.loads(line)["id"])
            handle.write(line + "\n")
    return ids


def timed(args: list[str], runs: int, expect: int = 0) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "arxdocker", *args], capture_output=True, check=False
        )
        times.append(time.perf_counter() - begin)
        if result.returncode != expect:
            raise SystemExit(f"arxdocker {' '.join(args)} failed: {result.stderr.decode()}")
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed-record", type=Path, default=SEED)
    parser.add_argument("--out", type=Path, default=REPO / ".bench" / "history-10k.jsonl")
    options = parser.parse_args()
    options.out.parent.mkdir(parents=True, exist_ok=True)
    seed = json.loads(options.seed_record.read_text())
    ids = write_history(options.out, seed, options.count)
    size_mb = options.out.stat().st_size / 1e6
    print(f"{options.count} records, {size_mb:.1f} MB: {options.out}")
    history = ["--history", str(options.out)]
    cases = {
        "arxdocker --version (startup alone)": ["--version"],
        "history": ["history", *history],
        "history --limit 100 --target test": [
            *("history", "--limit", "100", "--target", "test"),
            *history,
        ],
        "history --target nosuch (reads every line)": ["history", "--target", "nosuch", *history],
        "compare last~1 last": ["compare", "last~1", "last", *history],
        "compare last~1 last --json": ["compare", "last~1", "last", "--json", *history],
        "compare FIRST-ID last (id scan)": ["compare", ids[0], "last", *history],
    }
    for label, args in cases.items():
        # no build of target "nosuch": a one-line error (exit 2) after reading every line
        median, worst = timed(args, options.runs, expect=2 if "nosuch" in label else 0)
        print(f"  {label:<46} median {median * 1000:6.0f} ms   max {worst * 1000:6.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
