"""Pairing and ordering steps of two real webapp records (tests/fixtures/records)."""

from __future__ import annotations

import json
from pathlib import Path

from arxdocker.analysis.compare import compare
from arxdocker.history.view import RecordView, step_where

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"


def record(name: str) -> RecordView:
    path = RECORDS / f"webapp-{name}.json"
    return RecordView.from_dict(json.loads(path.read_text()), str(path))


def test_a_source_edit_marks_the_steps_that_stopped_hitting_the_cache() -> None:
    comparison = compare(record("warm"), record("edited"))
    changed = {(step_where(pair.step), pair.change) for pair in comparison.changed}
    assert changed == {
        ("build 1/2", "regressed"),
        ("build 2/2", "regressed"),
        ("runtime 4/4", "regressed"),
    }
    # regressions first, the biggest slowdown at the top
    assert [step_where(pair.step) for pair in comparison.pairs[:3]] == [
        "build 2/2",
        "runtime 4/4",
        "build 1/2",
    ]
    assert len(comparison.pairs) == 9
    assert all(pair.change == "unchanged" for pair in comparison.pairs[3:])


def test_summary_deltas() -> None:
    comparison = compare(record("warm"), record("edited"))
    hit_rate = comparison.delta("hit_rate")
    assert (hit_rate.before, hit_rate.after) == (1.0, 0.625)
    assert comparison.delta("steps_cached").change == -3
    assert comparison.delta("layers").change == 0
    duration = comparison.delta("duration_s")
    assert duration.change is not None and duration.change > 1.0  # build.sh sleeps 1 s


def test_cold_to_warm_improves_every_cacheable_step_and_never_the_base() -> None:
    comparison = compare(record("cold"), record("warm"))
    assert {pair.change for pair in comparison.changed} == {"improved"}
    # BuildKit reports WORKDIR as cached even with --no-cache: it did not change status
    assert {step_where(pair.step) for pair in comparison.changed} == {
        "deps 3/4", "deps 4/4", "build 1/2", "build 2/2", "runtime 3/4", "runtime 4/4"
    }  # fmt: skip
    base = [pair for pair in comparison.pairs if not pair.step.cacheable]
    assert [pair.change for pair in base] == ["unchanged"]


def test_an_edited_instruction_is_one_step_removed_and_one_added() -> None:
    warm = record("warm")
    data = json.loads((RECORDS / "webapp-edited.json").read_text())
    for step in data["steps"]:
        if step["instruction"] == "WORKDIR /srv":
            step["instruction"] = "WORKDIR /srv/app"
            step["digest"] = "sha256:" + "e" * 64  # another instruction, another vertex
    comparison = compare(warm, RecordView.from_dict(data, "edited"))
    moved = {(pair.step.instruction, pair.change) for pair in comparison.pairs}
    assert ("WORKDIR /srv", "removed") in moved
    assert ("WORKDIR /srv/app", "added") in moved


def test_json_document() -> None:
    document = compare(record("warm"), record("edited")).to_dict()
    assert document["schema"] == "arxdocker.compare/v1"
    assert document["summary"]["steps_cached"] == {"before": 8, "after": 5, "change": -3}
    first = document["steps"][0]
    assert first["where"] == "build 2/2"
    assert (first["before"], first["after"], first["change"]) == ("cached", "built", "regressed")


def test_a_shared_base_image_named_after_another_stage_is_the_same_step() -> None:
    data = json.loads((RECORDS / "webapp-edited.json").read_text())
    base = next(step for step in data["steps"] if not step["cacheable"])
    base |= {"stage": "runtime", "name": base["name"].replace("[deps 1/4]", "[runtime 1/4]")}
    data["steps"] = [base if not step["cacheable"] else step for step in data["steps"]]
    comparison = compare(record("warm"), RecordView.from_dict(data, "edited"))
    assert len(comparison.pairs) == 9
    assert {pair.change for pair in comparison.pairs} == {"regressed", "unchanged"}
