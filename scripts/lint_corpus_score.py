#!/usr/bin/env python3
"""Score `arxdocker lint` against the hand-labelled real-world corpus (docs/lint-corpus.md).

Reads tests/fixtures/realworld-dockerfiles/manifest-*.json, runs one `arxdocker lint --format
json` over every file of the corpus, and compares per file and rule the lines arxdocker reports
with the labelled lines: a reported line that is labelled is a true positive, one that is not a
false positive, a labelled line not reported a miss. Prints precision and recall per rule
(ARX001-ARX007), and with --details each disagreement.

    .venv/bin/python scripts/lint_corpus_score.py             # the table
    .venv/bin/python scripts/lint_corpus_score.py --details ARX004
    .venv/bin/python scripts/lint_corpus_score.py --json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.corpora import corpus_dir, manifest_entries  # noqa: E402

RULES = ("ARX001", "ARX002", "ARX003", "ARX004", "ARX005", "ARX006", "ARX007")
GOAL_PRECISION, GOAL_RECALL = 0.9, 0.8


@dataclass(frozen=True)
class Entry:
    file: str
    repo: str
    ecosystem: str
    labels: dict[str, list[int]]


@dataclass
class Score:
    labelled: int = 0
    true: int = 0
    false: int = 0
    missed: int = 0
    extra: list[tuple[str, int]] = field(default_factory=list)  # false positives
    misses: list[tuple[str, int]] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        reported = self.true + self.false
        return self.true / reported if reported else None

    @property
    def recall(self) -> float | None:
        return self.true / self.labelled if self.labelled else None

    def meets_goal(self) -> bool:
        precision, recall = self.precision, self.recall
        return (precision is None or precision >= GOAL_PRECISION) and (
            recall is None or recall >= GOAL_RECALL
        )


def load_corpus() -> list[Entry]:
    entries: list[Entry] = []
    for item in manifest_entries("realworld-dockerfiles"):
        labels = {rule: sorted(set(item["labels"].get(rule, []))) for rule in RULES}
        entries.append(Entry(item["file"], item["repo"], item["ecosystem"], labels))
    return entries


def lint_findings(entries: list[Entry], corpus: Path) -> dict[str, dict[str, set[int]]]:
    """file -> rule -> the lines arxdocker reports, from one lint run over the whole corpus."""
    files = [str(corpus / entry.file) for entry in entries]
    done = subprocess.run(
        [sys.executable, "-m", "arxdocker", "lint", "--format", "json", "--exit-zero",
         "--select", ",".join(RULES), *files],
        capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"arxdocker lint exited {done.returncode}: {done.stderr[-2000:]}")
    found: dict[str, dict[str, set[int]]] = {entry.file: {} for entry in entries}
    for finding in json.loads(done.stdout or "[]"):
        file = str(Path(finding["file"]).resolve().relative_to(corpus.resolve()))
        found.setdefault(file, {}).setdefault(finding["code"], set()).add(finding["line"])
    return found


def score(entries: list[Entry], found: dict[str, dict[str, set[int]]]) -> dict[str, Score]:
    scores = {rule: Score() for rule in RULES}
    for entry in entries:
        for rule in RULES:
            labelled = set(entry.labels[rule])
            reported = found.get(entry.file, {}).get(rule, set())
            result = scores[rule]
            result.labelled += len(labelled)
            result.true += len(labelled & reported)
            result.false += len(reported - labelled)
            result.missed += len(labelled - reported)
            result.extra += [(entry.file, line) for line in sorted(reported - labelled)]
            result.misses += [(entry.file, line) for line in sorted(labelled - reported)]
    return scores


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--details", metavar="RULE", help="list one rule's disagreements")
    args = parser.parse_args()
    entries = load_corpus()
    corpus = corpus_dir("realworld-dockerfiles")
    if corpus is None:
        print(
            "lint_corpus_score: the corpus's files are not laid out (see tests/corpora.py: "
            "scripts/materialize_corpus.py --mirrors DIR)",
            file=sys.stderr,
        )
        return 2
    scores = score(entries, lint_findings(entries, corpus))
    if args.json:
        print(json.dumps({
            rule: {"labelled": s.labelled, "true": s.true, "false": s.false,
                   "missed": s.missed, "precision": s.precision, "recall": s.recall}
            for rule, s in scores.items()
        }, indent=2))  # fmt: skip
        return 0
    ecosystems = Counter(entry.ecosystem for entry in entries)
    repos = len({entry.repo for entry in entries})
    print(f"{len(entries)} files from {repos} repositories: "
          + ", ".join(f"{name} {count}" for name, count in sorted(ecosystems.items())))  # fmt: skip
    print()
    print("| rule | labelled | found right | false alarms | missed | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for rule, s in scores.items():
        print(f"| {rule} | {s.labelled} | {s.true} | {s.false} | {s.missed} "
              f"| {_figure(s.precision)} | {_figure(s.recall)} |")  # fmt: skip
    if args.details:
        s = scores[args.details.upper()]
        print(f"\n{args.details.upper()} false alarms:")
        for file, line in s.extra:
            print(f"  {file}:{line}")
        print(f"{args.details.upper()} missed:")
        for file, line in s.misses:
            print(f"  {file}:{line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
