"""One reading of a percentage for `check`, `build`, `bake` and the config's `min_hit_rate`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from arxdocker.errors import ArxError
from arxdocker.percent import parse_percent, parse_seconds
from tests.commands._cli import arxdocker

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"
WARM, EDITED = (str(RECORDS / f"webapp-{name}.json") for name in ("warm", "edited"))


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("80", 80.0),
        ("80%", 80.0),
        (" 62.5 % ", 62.5),
        ("0", 0.0),
        ("1%", 1.0),
        ("0.8%", 0.8),
        ("100", 100.0),
        ("off", None),
        ("OFF", None),
    ],
)
def test_accepted(text: str, percent: float | None) -> None:
    assert parse_percent(text, "--x", upper=100, allow_off=True) == percent


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nan", "--x nan is not a percentage like 80% or off"),
        ("inf", "--x inf is not a percentage like 80% or off"),
        ("-Infinity%", "--x -Infinity% is not a percentage like 80% or off"),
        ("high", "--x high is not a percentage like 80% or off"),
        ("-1", "--x -1 is negative (hint: give a percentage like 80% or off)"),
        ("150%", "--x 150% is more than 100%"),
        ("0.8", "--x 0.8 reads as 0.8%, not 80% (hint: did you mean 80? write 0.8% if you do"),
        # `analyze --json` writes a fully cached build's hit rate as 1.0
        ("1.0", "--x 1.0 reads as 1%, not 100% (hint: did you mean 100? write 1% if you do"),
        ("1", "--x 1 reads as 1%, not 100%"),
        (0.5, "--x 0.5 reads as 0.5%, not 50% (hint: did you mean 50?)"),
        (float("nan"), "--x nan is not a percentage"),
    ],
)
def test_refused_in_one_line(value: str | float, message: str) -> None:
    with pytest.raises(ArxError) as caught:
        parse_percent(value, "--x", upper=100, allow_off=True)
    assert str(caught.value).startswith(message)


def test_seconds() -> None:
    assert parse_seconds("0.5", "--s") == 0.5
    for bad in ("nan", "inf", "-1", "x"):
        with pytest.raises(ArxError, match=f"--s {bad} is not a number of seconds"):
            parse_seconds(bad, "--s")


def one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert result.stderr.startswith(f"arxdocker: error: {text}")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--min-hit-rate", "nan", "--min-hit-rate nan is not a percentage like 80% or off"),
        ("--max-slowdown", "nan", "--max-slowdown nan is not a percentage like 80% or off"),
        ("--max-slowdown", "inf", "--max-slowdown inf is not a percentage like 80% or off"),
        ("--max-size-growth", "inf%", "--max-size-growth inf% is not a percentage"),
        ("--slowdown-floor", "nan", "--slowdown-floor nan is not a number of seconds (0 or more)"),
        ("--slowdown-floor", "inf", "--slowdown-floor inf is not a number of seconds (0 or more)"),
        ("--min-hit-rate", "150%", "--min-hit-rate 150% is more than 100%"),
        ("--min-hit-rate", "0.8", "--min-hit-rate 0.8 reads as 0.8%, not 80% (hint: did you"),
    ],
)
def test_check_refuses_nonsense_thresholds(option: str, value: str, message: str) -> None:
    one_line_error(arxdocker("check", "--baseline", WARM, "--candidate", EDITED, option, value),
                   message)  # fmt: skip


def test_check_reads_80_and_80_percent_alike_and_0_8_percent_literally() -> None:
    # EDITED hits 62% of the cache
    for value in ("80", "80%"):
        result = arxdocker("check", "--baseline", WARM, "--candidate", EDITED, "--max-slowdown",
                           "off", "--min-hit-rate", value)  # fmt: skip
        assert result.returncode == 1
        assert "--min-hit-rate 80% breached: hit rate 62% (baseline 100%) is below 80%" in (
            result.stdout
        )
    low = arxdocker("check", "--baseline", WARM, "--candidate", EDITED, "--max-slowdown", "off",
                    "--min-hit-rate", "0.8%")  # fmt: skip
    assert low.returncode == 0, low.stdout
    assert low.stdout.startswith("check passed: ")


@pytest.mark.parametrize("command", ["build", "bake"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nan", "--min-hit-rate nan is not a percentage like 80%"),
        ("150%", "--min-hit-rate 150% is more than 100%"),
        ("0.8", "--min-hit-rate 0.8 reads as 0.8%, not 80% (hint: did you mean 80?"),
    ],
)
def test_build_and_bake_share_the_reading(
    tmp_path: Path, command: str, value: str, message: str
) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    # no docker is reached: the option is refused first
    result = arxdocker(command, *([str(tmp_path)] if command == "build" else []),
                       "--min-hit-rate", value, cwd=tmp_path, PATH="/nonexistent")  # fmt: skip
    one_line_error(result, message)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0.8", "min_hit_rate 0.8 reads as 0.8%, not 80% (hint: did you mean 80?)"),
        ("nan", "min_hit_rate nan is not a percentage like 80%"),
        ("120", "min_hit_rate 120 is more than 100%"),
    ],
)
def test_the_config_key_is_read_the_same_way(tmp_path: Path, value: str, message: str) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "pyproject.toml").write_text(f"[tool.arxdocker]\nmin_hit_rate = {value}\n")
    result = arxdocker("build", ".", cwd=tmp_path, PATH="/nonexistent")
    one_line_error(result, f"{tmp_path / 'pyproject.toml'}: tool.arxdocker.{message}")
