"""`BuildkitQuestion`: BuildKit's counts asked while buildx exits, checked against the metadata."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from arxdocker.build.session import BuildkitQuestion
from arxdocker.engine import buildkit_history as bh
from arxdocker.history.record import Record, buildkit_counts
from arxdocker.progress.models import SolveStatus, Vertex

REF = "default/default/abc123"
NOW = datetime(2026, 12, 7, tzinfo=UTC)
METADATA = {"buildx.build.ref": REF}


def _done(name: str, error: str = "") -> SolveStatus:
    return SolveStatus(vertexes=(Vertex("sha256:1", name, completed_at=NOW, error=error),))


class Engine:
    """Fakes buildx: the local-state ref, and a record that is running for `running` asks."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, ref: str | None = REF, running: int = 0):
        self.asked: list[str] = []
        self.running = running
        monkeypatch.setattr(bh, "local_state_ref", lambda context, since: ref)
        monkeypatch.setattr(bh, "inspect", self.inspect)

    def wait_asked(self, count: int) -> None:
        """Until the background asker has asked `count` times (before buildx "exits")."""
        deadline = time.monotonic() + 10
        while len(self.asked) < count and time.monotonic() < deadline:
            time.sleep(0.001)
        assert len(self.asked) >= count

    def inspect(self, ref: str) -> bh.BuildkitCounts:
        self.asked.append(ref)
        if len(self.asked) <= self.running:
            return bh.BuildkitCounts(ref, "running", 0, 0, 0)
        return bh.BuildkitCounts(ref, "completed", 14, 5, 14)


def _answer(question: BuildkitQuestion, **kwargs: Any) -> dict[str, Any] | None:
    metadata = kwargs.pop("metadata", METADATA)
    return question.answer(metadata, kwargs.pop("buildx", "0.29.1"), **kwargs)


def test_asked_once_when_the_image_is_exported(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine(monkeypatch)
    question = BuildkitQuestion("/ctx", 0.0)
    question.on_event(_done("[deps 2/4] WORKDIR /app"))  # a step: not yet
    question.on_event(SolveStatus())
    assert question._job is None
    question.on_event(_done("exporting to image"))
    question.on_event(_done("exporting cache to registry"))
    assert _answer(question) == bh.BuildkitCounts(REF, "completed", 14, 5, 14).to_record()
    assert engine.asked == [REF]


def test_a_running_record_is_asked_again_at_the_next_export_or_the_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine(monkeypatch, running=1)
    question = BuildkitQuestion("/ctx", 0.0)
    question.on_event(_done("exporting to image"))
    engine.wait_asked(1)
    answer = _answer(question)
    assert answer is not None and answer["num_cached_steps"] == 5
    assert engine.asked == [REF, REF]

    engine = Engine(monkeypatch, running=9)  # still running once buildx has exited: no zeros
    question = BuildkitQuestion("/ctx", 0.0)
    question.on_event(_done("exporting to image"))
    engine.wait_asked(1)
    question.on_event(_done("exporting cache to registry"))
    engine.wait_asked(2)
    answer = _answer(question)
    assert answer is not None and answer["num_total_steps"] is None
    assert answer["note"] == "BuildKit's record was still running after buildx exited"
    assert engine.asked == [REF, REF, REF]  # each export, then the exit


def test_a_failed_step_wakes_the_question_too(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine(monkeypatch)
    question = BuildkitQuestion("/ctx", 0.0)
    question.on_event(_done("[build 2/2] RUN make", error="exit code: 1"))
    assert _answer(question) is not None
    assert engine.asked == [REF]


def test_the_metadata_ref_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine(monkeypatch, ref="default/default/someone-else")
    question = BuildkitQuestion("/ctx", 0.0)
    question.on_event(_done("exporting to image"))
    answer = _answer(question)
    assert answer is not None and answer["ref"] == REF
    assert engine.asked == ["default/default/someone-else", REF]


def test_no_export_and_no_local_state_ask_after_the_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine(monkeypatch, ref=None)
    question = BuildkitQuestion("/ctx", 0.0)
    question.on_event(_done("exporting to image"))
    assert _answer(question) is not None
    assert engine.asked == [REF]
    assert _answer(BuildkitQuestion("/ctx", 0.0)) is not None  # nothing exported
    assert engine.asked == [REF, REF]


def test_nothing_asked_without_a_ref_after_an_interrupt_or_on_an_old_buildx(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine(monkeypatch)
    assert _answer(BuildkitQuestion("/ctx", 0.0), metadata={}) is None
    assert _answer(BuildkitQuestion("/ctx", 0.0), interrupted=True) is None
    old = _answer(BuildkitQuestion("/ctx", 0.0), buildx="0.13.1")
    assert old == {
        "ref": REF,
        "status": None,
        "num_total_steps": None,
        "num_cached_steps": None,
        "num_completed_steps": None,
        "note": "buildx 0.13.1 has no `history inspect --format json` (buildx 0.21 and later)",
    }
    assert engine.asked == []


def test_the_record_keeps_it_and_old_records_still_load() -> None:
    counts = bh.BuildkitCounts(REF, "completed", 14, 5, 14).to_record()
    record = Record(id="x", started=0.0, ended=1.0, exit_code=0, status="ok", buildkit=counts)
    assert record.to_dict()["buildkit"] == counts
    assert buildkit_counts(record.to_dict()) == counts
    assert Record(id="x", started=0.0, ended=1.0, exit_code=0, status="ok").buildkit is None
    old = {"schema": "arxdocker.record/v1", "id": "x", "summary": {"steps_total": 8}}
    assert buildkit_counts(old) is None
    assert buildkit_counts({**old, "buildkit": "garbage"}) is None
