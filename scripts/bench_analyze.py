#!/usr/bin/env python3
"""Throughput and peak memory of `arxdocker analyze --json` on huge logs.

Builds one log of at least --size-mb per format (plain, pretty rawjson as buildx 0.13 writes it,
compact rawjson as 0.15+ writes it) by repeating real fixtures from tests/fixtures/buildkit with
every copy's steps renumbered (`#N`, stage names) and digests rewritten, so each copy is a new set
of vertices. Then it times one `arxdocker analyze --json FILE` per log under `/usr/bin/time -v`
and prints MB/s and the peak RSS.

    .venv/bin/python scripts/bench_analyze.py            # 500 MB per format, in .bench/
    .venv/bin/python scripts/bench_analyze.py --size-mb 50
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "buildkit"
# Which real fixtures each log repeats. Output-heavy: a build with real apt, pip and gcc output,
# as most CI logs are. Step-dense: the tiny busybox example, nearly all step headers and DONE lines,
# the worst case for a reader that models every step.
COMPOSITIONS = {
    "output-heavy": ("apt-pip",),
    "step-dense": ("cold", "source-edit", "cache-export"),
}
_PLAIN_NUMBER = re.compile(rb"^#(\d+) ", re.MULTILINE)
_DIGEST = re.compile(rb"sha256:([0-9a-f]{56})([0-9a-f]{8})")
_STAGE = re.compile(rb"\[(deps|build|runtime|test) ")


def _template(data: bytes, pattern: re.Pattern[bytes]) -> tuple[list[bytes], list[re.Match[bytes]]]:
    """Split `data` around the matches, so each copy is a cheap join."""
    pieces, matches, last = [], [], 0
    for match in pattern.finditer(data):
        pieces.append(data[last : match.start()])
        matches.append(match)
        last = match.end()
    pieces.append(data[last:])
    return pieces, matches


def _stage_renamer(copy: int) -> Callable[[bytes], bytes]:
    suffix = f"-{copy} ".encode()
    return lambda data: _STAGE.sub(lambda m: b"[" + m.group(1) + suffix, data)


def plain_copy(data: bytes) -> Callable[[int], bytes]:
    lines = [line for line in data.splitlines(keepends=True) if not line.startswith(b"#0 ")]
    body = b"".join(lines)
    pieces, matches = _template(body, _PLAIN_NUMBER)
    numbers = [int(m.group(1)) for m in matches]
    width = max(numbers) + 1

    def make(copy: int) -> bytes:
        out = [pieces[0]]
        for number, piece in zip(numbers, pieces[1:], strict=True):
            out.append(b"#%d " % (number + copy * width))
            out.append(piece)
        return _stage_renamer(copy)(b"".join(out))

    return make


def rawjson_copy(data: bytes) -> Callable[[int], bytes]:
    # Only the JSON part repeats; the plain text buildx prints after the stream is left out.
    lines = data.splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if line[:1] in (b"{", b"}"))
    pieces, matches = _template(b"".join(lines[: last + 1]), _DIGEST)

    def make(copy: int) -> bytes:
        tag = b"%08x" % copy
        out = [pieces[0]]
        for match, piece in zip(matches, pieces[1:], strict=True):
            out.append(b"sha256:" + match.group(1) + tag)
            out.append(piece)
        return _stage_renamer(copy)(b"".join(out))

    return make


def build_log(path: Path, makers: list[Callable[[int], bytes]], size: int) -> int:
    written, copy = 0, 0
    with path.open("wb") as out:
        while written < size:
            for make in makers:
                chunk = make(copy)
                out.write(chunk)
                written += len(chunk)
                copy += 1
    return written


def measure(path: Path) -> tuple[float, float, str]:
    command = ["/usr/bin/time", "-v", str(REPO / ".venv" / "bin" / "arxdocker"), "analyze"]
    started = time.perf_counter()
    result = subprocess.run(
        [*command, "--json", str(path)],
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    rss = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    tail = result.stdout[-4000:].decode(errors="replace")
    summary = re.search(r'"steps_total": (\d+), "steps_cached": (\d+)', tail)
    if result.returncode not in (0, 1) or rss is None:
        sys.exit(f"analyze failed on {path}: {result.stderr.decode(errors='replace')[-500:]}")
    counts = f"{summary.group(2)}/{summary.group(1)} cached" if summary else "?"
    return elapsed, int(rss.group(1)) / 1024, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=500, help="size of each log (default 500)")
    parser.add_argument("--dir", type=Path, default=REPO / ".bench", help="where the logs go")
    parser.add_argument("--keep", action="store_true", help="keep the generated logs")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    size = args.size_mb * 1_000_000
    kinds = {
        "plain": ("plain", plain_copy),
        "rawjson (pretty, buildx 0.13)": ("rawjson", rawjson_copy),
        "rawjson (compact, buildx 0.15+)": ("rawjson-compact", rawjson_copy),
    }
    header = (
        f"{'log':14} {'format':32} {'size MB':>8} {'time s':>7} {'MB/s':>7} {'peak RSS MB':>11}"
    )
    print(header + "  steps")
    for composition, sources in COMPOSITIONS.items():
        for label, (suffix, maker) in kinds.items():
            makers = [maker((FIXTURES / f"{name}.{suffix}.log").read_bytes()) for name in sources]
            path = args.dir / f"{composition}.{suffix}.log"
            written = build_log(path, makers, size)
            elapsed, rss_mb, summary = measure(path)
            megabytes = written / 1_000_000
            print(
                f"{composition:14} {label:32} {megabytes:8.0f} {elapsed:7.2f}"
                f" {megabytes / elapsed:7.1f} {rss_mb:11.1f}  {summary}",
                flush=True,
            )
            if not args.keep:
                path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
