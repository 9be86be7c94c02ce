"""The real-world corpus (tests/fixtures/realworld-logs, see its README and manifest.json): logs
other people committed to public repositories, with expectations made by reading them. The logs
themselves are laid out from their repositories (tests/corpora.py says where they are found).

Entries arxdocker cannot read yet are strict xfails named by their class, so that a fix flips them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxdocker.analysis.report import Report, build_report
from arxdocker.progress.reader import read_events
from tests.corpora import FIXTURES, require_corpus

MANIFEST = json.loads((FIXTURES / "realworld-logs" / "manifest.json").read_text(encoding="utf-8"))

# file -> the class of what arxdocker misses in it today (filled in from a run after the
# expectations were committed; an expectation is never changed to match arxdocker).
TTY = "tty format not read yet"
KNOWN_MISSES: dict[str, str] = {
    "23-psitechc-convis-1-build-log.log": (
        "cut-off plain log: a step whose header is the log's last line is not counted"
    ),
    "31-aguileraz-crowbar-mobile-docker-build-log.log": (
        "several builds in one plain log, each numbered from #1 with no '#0 building' line "
        "(compose bake run three times), read as one build"
    ),
    "33-larsvilhuber-nber-2024-submission-docker-build-txt.txt": TTY,
    "35-beyond-immersion-bannou-service-test-results-txt.txt": TTY + " (Compose tty screen)",
    "46-choonsiong-docker-apache-php-helloworld-readme-md.txt": TTY,
    "47-choonsiong-docker-nodejs-helloworld-readme-md.txt": TTY,
    "48-choonsiong-docker-python-helloworld-readme-md.txt": TTY,
    "49-rahulssv-courses-docs-docker-docker-assignment-md.txt": TTY + " (a build with no vertex)",
}


def report_of(path: Path) -> Report:
    with path.open("rb") as stream:
        events = read_events(stream, name=path.name)
        return build_report(events, events.format)


def _params() -> list[object]:
    params = []
    for entry in MANIFEST:
        marks = []
        if entry["file"] in KNOWN_MISSES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[entry["file"]]))
        params.append(pytest.param(entry, id=entry["file"], marks=marks))
    return params


def test_manifest_is_complete() -> None:
    assert len(MANIFEST) >= 40
    assert len({entry["file"] for entry in MANIFEST}) == len(MANIFEST)
    for entry in MANIFEST:
        assert len(entry["commit"]) == 40
        assert entry["repo"].count("/") == 1 and entry["path"]
        assert set(entry["expected"]) == {"steps", "cached", "failed_step", "builds"}


def test_every_log_is_laid_out() -> None:
    corpus = require_corpus("realworld-logs")
    for entry in MANIFEST:
        assert (corpus / entry["file"]).stat().st_size < 200_000, entry["file"]


@pytest.mark.parametrize("entry", _params())
def test_realworld_log_is_read_right(entry: dict) -> None:
    expected = entry["expected"]
    corpus = require_corpus("realworld-logs")
    try:
        report = report_of(corpus / entry["file"])
    except Exception as error:  # a refusal is a miss like any other
        pytest.fail(f"not read: {type(error).__name__}: {error}")
    summary = report.summary
    got = (summary.steps_total, summary.steps_cached, summary.failed_step)
    assert got == (expected["steps"], expected["cached"], expected["failed_step"])
