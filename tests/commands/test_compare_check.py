"""`compare` and `check` as a user runs them, on real records, without an engine."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.commands._cli import arxdocker

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"
COLD, WARM, EDITED = (str(RECORDS / f"webapp-{name}.json") for name in ("cold", "warm", "edited"))


def one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("arxdocker: error: ")
    assert text in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["compare", "check"])
def test_help_has_examples(command: str) -> None:
    result = arxdocker(command, "--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout
    assert command in arxdocker("--help").stdout


def test_compare_table() -> None:
    result = arxdocker("compare", WARM, EDITED)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("A  20261125T211717Z-0260a7")
    table = lines[lines.index("") + 2 :]
    assert "build 2/2" in table[0] and "cached→built" in table[0] and "+1.2s" in table[0]
    assert "3 step(s) changed status: 3 cached→built" in result.stdout
    assert "hit rate        100% → 62%       -38 pp" in result.stdout


def test_compare_json() -> None:
    document = json.loads(arxdocker("compare", COLD, WARM, "--json").stdout)
    changes = [step["change"] for step in document["steps"]]
    assert changes.count("improved") == 6
    assert document["summary"]["hit_rate"] == {"before": 0.25, "after": 1.0, "change": 0.75}


def test_check_fails_naming_each_breach_with_both_values() -> None:
    result = arxdocker("check", "--baseline", WARM, "--candidate", COLD)
    assert result.returncode == 1
    assert result.stdout.splitlines()[1:] == [
        "  --max-slowdown 20% breached: duration 4.1s (baseline 0.4s, +855%) is more than +20%",
        "  --min-hit-rate 80% breached: hit rate 25% (baseline 100%) is below 80%",
    ]


def test_check_passes_in_one_line_and_thresholds_can_be_turned_off() -> None:
    same = arxdocker("check", "--baseline", WARM, "--candidate", WARM)
    assert same.returncode == 0
    assert same.stdout.count("\n") == 1 and same.stdout.startswith("check passed: ")
    relaxed = arxdocker("check", "--baseline", WARM, "--candidate", EDITED, "--max-slowdown",
                        "off", "--min-hit-rate", "50%", "--json")  # fmt: skip
    assert relaxed.returncode == 0
    document = json.loads(relaxed.stdout)
    assert document["passed"] is True
    assert [item["option"] for item in document["thresholds"]] == [
        "--min-hit-rate", "--max-size-growth"
    ]  # fmt: skip


def test_one_line_errors(tmp_path: Path) -> None:
    one_line_error(arxdocker("compare", "last~1", "last", cwd=tmp_path), "no build history at")
    history = tmp_path / "h.jsonl"
    history.write_text((RECORDS / "webapp-warm.json").read_text().replace("\n", "") + "\n")
    one_line_error(
        arxdocker("compare", "last~1", "last", "--history", str(history)), "has 1 build(s)"
    )
    one_line_error(arxdocker("compare", "nope", WARM, "--history", str(history)), "no build 'nope'")
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text("{\n")
    one_line_error(arxdocker("check", "--baseline", str(corrupt)), "not a JSON build record")
    bad = arxdocker("check", "--baseline", WARM, "--max-slowdown", "fast")
    assert bad.returncode == 2 and "not a percentage" in bad.stderr


@pytest.mark.parametrize(
    "command",
    [
        ("check", "--baseline", "last~1"),
        ("compare", "last~1", "last"),
        ("explain",),
        ("explain", "last~1", "--against", "last"),
    ],
    ids=" ".join,
)
def test_a_cut_off_newest_line_is_an_error_not_the_build_before(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    history = tmp_path / "h.jsonl"
    cold, warm = (json.dumps(json.loads(Path(p).read_text())) for p in (COLD, WARM))
    # a slow, uncached newest build whose line a full disk cut off: the gate must not pass on
    # the build before it
    history.write_text(f"{cold}\n{warm}\n{cold[: len(cold) // 2]}")
    result = arxdocker(*command, "--history", str(history))
    one_line_error(result, f"{history}: last is the last line, which is not a build record")
    assert result.stdout == ""
    gate = arxdocker("check", "--baseline", "last~2", "--candidate", "last~1",
                     "--history", str(history))  # fmt: skip
    assert gate.returncode == 0, gate.stderr
    assert gate.stdout.startswith("check passed: 20261125T211717Z-0260a7 against baseline")


@pytest.mark.parametrize(
    "command",
    [
        ("history",),
        ("compare", "last~1", "last"),
        ("check", "--baseline", "last~1"),
        ("report", "--html", "out.html"),
        ("explain",),
    ],
    ids=" ".join,
)
def test_a_hand_edited_infinity_or_nan_is_not_a_traceback(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    history = tmp_path / "h.jsonl"
    cold = json.dumps(json.loads(Path(COLD).read_text()))
    record = json.loads(Path(WARM).read_text())
    record["duration_s"], record["summary"]["hit_rate"] = float("inf"), float("nan")
    nan = json.dumps(record)  # Python writes them as Infinity and NaN, as a hand edit might
    assert '"duration_s": Infinity,' in nan and '"hit_rate": NaN,' in nan
    history.write_text(f"{cold}\n{nan}\n")
    result = arxdocker(*command, "--history", str(history), cwd=tmp_path)
    assert "Traceback" not in result.stderr
    if command[0] == "history":  # the list skips it, and says so
        assert result.returncode == 0, result.stderr
        assert result.stderr == (
            f"arxdocker: warning: {history}: a line that is not a build record was skipped\n"
        )
        assert "20261125T211713Z" in result.stdout and "20261125T211717Z" not in result.stdout
    else:
        one_line_error(result, f"{history}: last is the last line, which is not a build record")
        assert result.stdout == ""
        assert not (tmp_path / "out.html").exists()


def test_the_history_file_is_a_reference_to_its_newest_build(tmp_path: Path) -> None:
    (tmp_path / ".arxdocker").mkdir()
    history = tmp_path / ".arxdocker" / "history.jsonl"
    history.write_text("".join(json.dumps(json.loads(Path(p).read_text())) + "\n"
                               for p in (COLD, WARM, EDITED)))  # fmt: skip
    result = arxdocker("compare", "last~1", ".arxdocker/history.jsonl", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["before"] == "20261125T211717Z-0260a7"  # warm
    assert document["after"] == json.loads(Path(EDITED).read_text())["id"]
    gate = arxdocker("check", "--baseline", "last~1", "--candidate", ".arxdocker/history.jsonl",
                     "--max-slowdown", "off", cwd=tmp_path)  # fmt: skip
    assert gate.returncode == 1
    assert "--min-hit-rate 80% breached: hit rate 62% (baseline 100%)" in gate.stdout


def test_a_failed_baseline_is_noted(tmp_path: Path) -> None:
    record = json.loads(Path(WARM).read_text())
    record["status"] = "failed"
    failed = tmp_path / "failed.json"
    failed.write_text(json.dumps(record))
    result = arxdocker("check", "--baseline", str(failed), "--candidate", WARM)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "  note: the baseline build's status is failed: its time and hit rate cover only the "
        "steps that ran; pick a successful build as --baseline"
    )
    document = json.loads(
        arxdocker("check", "--baseline", str(failed), "--candidate", WARM, "--json").stdout
    )
    assert document["baseline_status"] == "failed"
